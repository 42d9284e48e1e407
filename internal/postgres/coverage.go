package postgres

import (
	"context"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

var _ parley.Coverer = (*DB)(nil)

// Coverage implements parley.Coverer (internal/store/sqlcommon, shared
// with the other SQL store).
func (db *DB) Coverage(ctx context.Context, source string) (*parley.Coverage, error) {
	return sqlcommon.Coverage(ctx, db.queryRow, db.query, source)
}
