package sqlite

import (
	"context"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// dialect is how SQLite writes what the statements shared with the other
// SQL store (internal/store/sqlcommon) leave to each engine.
var dialect = &sqlcommon.Dialect{
	ValidEnd: `CASE length(a.valid_to) WHEN 4 THEN a.valid_to || '-12-31' WHEN 7 THEN date(a.valid_to || '-01', '+1 month', '-1 day') ELSE a.valid_to END`,
	Text:     func(expr string) string { return expr },
	Collate:  func(expr string) string { return expr },
	Like:     "LIKE",
	As:       func(string) string { return "" },
}

// List implements parley.Lister (internal/store/sqlcommon, shared with
// the other SQL store).
func (db *DB) List(ctx context.Context, req parley.ListRequest) (*parley.ListResult, error) {
	return sqlcommon.List(ctx, dialect, db.query, req)
}
