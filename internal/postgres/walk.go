package postgres

import (
	"context"
	"slices"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// walker is the store's parley.Walker (internal/store/sqlcommon, shared
// with the other SQL store), reading links a row each (links).
func (db *DB) walker() sqlcommon.Walker {
	return sqlcommon.Walker{Dialect: dialect, Query: db.query, QueryRow: db.queryRow, Links: db.links, Arrays: true}
}

// Conflicts implements parley.Walker.
func (db *DB) Conflicts(ctx context.Context, q parley.ConflictQuery) ([]parley.Conflict, bool, error) {
	w := db.walker()
	return w.Conflicts(ctx, q)
}

// Path implements parley.Walker.
func (db *DB) Path(ctx context.Context, from, to string, maxHops int, kinds []string) (*parley.Path, error) {
	w := db.walker()
	return w.Path(ctx, from, to, maxHops, kinds)
}

// Neighbourhood implements parley.Walker.
func (db *DB) Neighbourhood(ctx context.Context, id string, hops, limit int, kinds []string) (*parley.Subgraph, error) {
	w := db.walker()
	return w.Neighbourhood(ctx, id, hops, limit, kinds)
}

// links runs q, a statement of links, and returns them in order without
// repeats. It reads them through pgx itself rather than database/sql,
// which converted each of a hub's thousands of rows field by field.
func (db *DB) links(ctx context.Context, q string, args ...any) ([]parley.Link, error) {
	db.queries.Add(1)
	if db.trace != nil {
		db.trace(q, args)
	}
	rows, err := db.pool.Query(ctx, rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parley.Link
	for rows.Next() {
		var l parley.Link
		if err := rows.Scan(&l.From, &l.To, &l.Kind, &l.Via); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return slices.Compact(sqlcommon.SortLinks(out)), nil
}
