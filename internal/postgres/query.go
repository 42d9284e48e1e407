package postgres

import (
	"context"
	"fmt"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// The reads both SQL stores make alike are in internal/store/sqlcommon.

// Export implements parley.Store.
func (db *DB) Export(ctx context.Context) (*parley.Dataset, error) {
	return sqlcommon.Export(ctx, db.db)
}

// Node implements parley.Store.
func (db *DB) Node(ctx context.Context, id string) (any, error) {
	return sqlcommon.Node(ctx, db.queryRow, id)
}

// Nodes implements parley.Store. The ids travel as one JSON array, so a
// batch of any size is one statement.
func (db *DB) Nodes(ctx context.Context, ids []string) (map[string]any, error) {
	return sqlcommon.Nodes(ctx, db.query, ids)
}

// Counts implements parley.Store.
func (db *DB) Counts(ctx context.Context) (map[parley.NodeType]int, error) {
	return sqlcommon.Counts(ctx, db.query)
}

// Version implements parley.Versioner: the one row of graph_version,
// which every statement recording changes (Apply, Import) moves on in the
// same transaction, whichever process made it; it never goes back.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	err := db.queryRow(ctx, "SELECT version FROM graph_version").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("version: %w", err)
	}
	return v, nil
}
