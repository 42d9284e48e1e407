package postgres

import (
	"context"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// dialect is how PostgreSQL writes what the statements shared with the
// other SQL store (internal/store/sqlcommon) leave to each engine: ids
// compare bytewise (COLLATE "C", as SQLite's do), a bare placeholder
// needs its type, a derived table its name, and LIKE is ILIKE.
var dialect = &sqlcommon.Dialect{
	ValidEnd: `CASE length(a.valid_to) WHEN 4 THEN a.valid_to || '-12-31' WHEN 7 THEN to_char((a.valid_to || '-01')::date + interval '1 month' - interval '1 day', 'YYYY-MM-DD') ELSE a.valid_to END`,
	Text:     func(expr string) string { return "CAST(" + expr + " AS text)" },
	Collate:  func(expr string) string { return expr + ` COLLATE "C"` },
	Like:     "ILIKE",
	As:       func(name string) string { return " " + name },
}

// List implements parley.Lister (internal/store/sqlcommon, shared with
// the other SQL store).
func (db *DB) List(ctx context.Context, req parley.ListRequest) (*parley.ListResult, error) {
	return sqlcommon.List(ctx, dialect, db.query, req)
}
