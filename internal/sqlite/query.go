package sqlite

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

// Version implements parley.Versioner: the sequence of the history
// table. Every write that changes a node (Apply, Import) records its
// changes in the same transaction, so the sequence moves with every
// committed change, whichever process made it, and never goes back.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	err := db.queryRow(ctx, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)").Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("version: %w", err)
	}
	return v, nil
}

// Empty reports whether the database holds no node, without counting
// them (serve asks at every start-up, whatever the size).
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var empty bool
	err := db.queryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM nodes)").Scan(&empty)
	return empty, err
}
