package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5/stdlib"

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

// Path implements parley.Walker: the walk of sqlcommon.Walker.Path, step
// for step (the same path), run in the server by parley_path (migrations 0006 and
// 0007), one statement where the walker sends one a step.
func (db *DB) Path(ctx context.Context, from, to string, maxHops int, kinds []string) (*parley.Path, error) {
	return db.path(ctx, from, to, maxHops, kinds, sqlcommon.PathBetween)
}

// path is Path, a step looking up the links between its frontier and
// what the other side reached first when their product is at most
// between.
func (db *DB) path(ctx context.Context, from, to string, maxHops int, kinds []string, between int) (*parley.Path, error) {
	if maxHops < 1 || maxHops > parley.MaxPathHops {
		return nil, parley.Errorf(parley.EInvalid, "maxHops must be between 1 and %d, got %d", parley.MaxPathHops, maxHops)
	}
	if from == to {
		w := db.walker()
		return w.Path(ctx, from, to, maxHops, kinds)
	}
	if kinds == nil {
		kinds = []string{}
	}
	rows, err := db.query(ctx, `SELECT missing, node, src, dst, kind, via FROM parley_path(?, ?, ?, ?, ?) ORDER BY ord`, from, to, maxHops, kinds, between)
	if err != nil {
		return nil, fmt.Errorf("path: %w", err)
	}
	defer rows.Close()
	var p parley.Path
	for rows.Next() {
		var missing, node, src, dst, kind, via sql.NullString
		if err := rows.Scan(&missing, &node, &src, &dst, &kind, &via); err != nil {
			return nil, fmt.Errorf("path: %w", err)
		}
		if missing.Valid {
			return nil, parley.Errorf(parley.ENotFound, "no node with id %q", missing.String)
		}
		p.Nodes = append(p.Nodes, node.String)
		if src.Valid {
			p.Links = append(p.Links, parley.Link{From: src.String, To: dst.String, Kind: kind.String, Via: via.String})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("path: %w", err)
	}
	if len(p.Nodes) == 0 {
		return nil, nil
	}
	return &p, nil
}

// Neighbourhood implements parley.Walker.
func (db *DB) Neighbourhood(ctx context.Context, id string, hops, limit int, kinds []string) (*parley.Subgraph, error) {
	w := db.walker()
	return w.Neighbourhood(ctx, id, hops, limit, kinds)
}

// links runs q, a statement of links, and returns them in order without
// repeats. It reads them through the pgx connection under database/sql's
// (the pool's own connections are database/sql's to hold: taking one
// from pgxpool beside it could wait forever), which scans a row's text
// straight into strings, where database/sql converted each of a hub's
// thousands of rows field by field.
func (db *DB) links(ctx context.Context, q string, args ...any) ([]parley.Link, error) {
	db.queries.Add(1)
	if db.trace != nil {
		db.trace(q, args)
	}
	c, err := db.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []parley.Link
	err = c.Raw(func(dc any) error {
		wrapped, ok := dc.(*conn)
		if !ok {
			return fmt.Errorf("links: not a pgx connection: %T", dc)
		}
		sc, ok := wrapped.Conn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("links: not a pgx connection: %T", wrapped.Conn)
		}
		rows, err := sc.Conn().Query(ctx, rebind(q), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l parley.Link
			if err := rows.Scan(&l.From, &l.To, &l.Kind, &l.Via); err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return slices.Compact(sqlcommon.SortLinks(out)), nil
}
