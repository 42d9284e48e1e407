package postgres

import (
	"context"

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
