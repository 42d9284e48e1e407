package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// walker is the store's parley.Walker (internal/store/sqlcommon, shared
// with the other SQL store), reading links packed (links).
func (db *DB) walker() sqlcommon.Walker {
	return sqlcommon.Walker{Dialect: dialect, Query: db.query, QueryRow: db.queryRow, Links: db.links}
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

// links runs q, a statement of links (src, dst, kind, via), and returns
// them in order without repeats (a link between two nodes of a frontier
// is read twice). SQLite hands them over packed in one text, fields and
// links apart by the ASCII unit and record separators, which no id or kind
// holds (ids are lower-case letters, digits and '-'; parley.idPattern):
// a row per link through cgo and database/sql cost about as much as
// finding it (2,300 links of a hub's neighbourhood at 1M assertions:
// 1.3 ms packed, 2.8 ms a row each).
func (db *DB) links(ctx context.Context, q string, args ...any) ([]parley.Link, error) {
	var packed sql.NullString
	err := db.queryRow(ctx, `SELECT group_concat(src || char(31) || dst || char(31) || kind || char(31) || via, char(30)) FROM (`+q+`)`, args...).Scan(&packed)
	if err != nil {
		return nil, err
	}
	if !packed.Valid || packed.String == "" {
		return nil, nil
	}
	out := make([]parley.Link, 0, strings.Count(packed.String, "\x1e")+1)
	for rec := range strings.SplitSeq(packed.String, "\x1e") {
		f := strings.SplitN(rec, "\x1f", 5)
		if len(f) != 4 {
			return nil, fmt.Errorf("a link read back as %q", rec)
		}
		out = append(out, parley.Link{From: f[0], To: f[1], Kind: f[2], Via: f[3]})
	}
	return slices.Compact(sqlcommon.SortLinks(out)), nil
}
