package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
)

// Conflicts implements parley.Walker. The query is driven from a set of
// propositions (the one asked for, the actor's, the issue's, or all), then
// the positions on each by index, so it never scans the positions.
func (db *DB) Conflicts(ctx context.Context, q parley.ConflictQuery) ([]parley.Conflict, bool, error) {
	var with, where []string
	var withArgs, args []any
	if q.Issue != nil {
		with = append(with, "tree(id) AS (SELECT ? UNION SELECT i.id FROM issues i JOIN tree ON i.parent_id = tree.id)")
		withArgs = append(withArgs, *q.Issue)
	}
	switch {
	case q.Proposition != nil:
		with = append(with, "props(id) AS (SELECT ?)")
		withArgs = append(withArgs, *q.Proposition)
	case q.Actor != nil:
		with = append(with, "props(id) AS MATERIALIZED (SELECT DISTINCT proposition_id FROM positions WHERE holder_id = ?)")
		withArgs = append(withArgs, *q.Actor)
	case q.Issue != nil:
		with = append(with, "props(id) AS MATERIALIZED (SELECT p.id FROM tree CROSS JOIN propositions p ON p.issue_id = tree.id)")
	default:
		with = append(with, "props(id) AS (SELECT id FROM propositions)")
	}
	if q.Issue != nil {
		where = append(where, "(SELECT issue_id FROM propositions WHERE id = props.id) IN (SELECT id FROM tree)")
	}
	if q.Proposition != nil {
		where = append(where, "props.id = ?")
		args = append(args, *q.Proposition)
	}
	if q.Actor != nil {
		where = append(where, "? IN (pa.holder_id, pb.holder_id)")
		args = append(args, *q.Actor)
	}
	if q.AsOf != nil {
		for _, alias := range []string{"aa", "ab"} {
			where = append(where, strings.ReplaceAll("(a.valid_from IS NULL OR "+validStart+" <= ?) AND (a.valid_to IS NULL OR "+validEnd+" >= ?)", "a.", alias+"."))
			args = append(args, q.AsOf.End(), q.AsOf.Start())
		}
	}
	order := "pa.id, pb.id"
	if q.Backward {
		order = "pa.id DESC, pb.id DESC"
		if q.Before != nil {
			where = append(where, "(pa.id, pb.id) < (?, ?)")
			args = append(args, q.Before[0], q.Before[1])
		}
	} else if q.After != nil {
		where = append(where, "(pa.id, pb.id) > (?, ?)")
		args = append(args, q.After[0], q.After[1])
	}
	cond := ""
	if len(where) > 0 {
		cond = " AND " + strings.Join(where, " AND ")
	}
	query := "WITH RECURSIVE " + strings.Join(with, ", ") + `
		SELECT pa.proposition_id, na.data, nb.data, na.version, nb.version
		FROM props
		CROSS JOIN positions pa ON pa.proposition_id = props.id
		CROSS JOIN positions pb ON pb.proposition_id = props.id AND pa.id < pb.id AND pa.holder_id <> pb.holder_id
		JOIN assertions aa ON aa.id = pa.id
		JOIN assertions ab ON ab.id = pb.id
		JOIN nodes na ON na.id = pa.id
		JOIN nodes nb ON nb.id = pb.id
		WHERE aa.rank <> 'DEPRECATED' AND ab.rank <> 'DEPRECATED'
		AND ((pa.stance IN ('SUPPORTS', 'CONDITIONALLY_SUPPORTS') AND pb.stance = 'OPPOSES')
		  OR (pb.stance IN ('SUPPORTS', 'CONDITIONALLY_SUPPORTS') AND pa.stance = 'OPPOSES'))` + cond + `
		ORDER BY ` + order + ` LIMIT ?`
	rows, err := db.query(ctx, query, append(append(withArgs, args...), q.First+1)...)
	if err != nil {
		return nil, false, fmt.Errorf("conflicts: %w", err)
	}
	defer rows.Close()
	var out []parley.Conflict
	for rows.Next() {
		var prop string
		var da, dbb []byte
		var va, vb int
		if err := rows.Scan(&prop, &da, &dbb, &va, &vb); err != nil {
			return nil, false, err
		}
		c := parley.Conflict{Proposition: prop, A: new(parley.Position), B: new(parley.Position)}
		if err := json.Unmarshal(da, c.A); err != nil {
			return nil, false, err
		}
		if err := json.Unmarshal(dbb, c.B); err != nil {
			return nil, false, err
		}
		c.A.Version, c.B.Version = va, vb
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > q.First
	if more {
		out = out[:q.First]
	}
	if q.Backward {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, more, nil
}

// neighbours returns the links touching any node of the frontier, in a
// stable order, leaving out links backed by deprecated assertions. SQLite
// reads them by the two indexes; they are put in order and made unique
// here, which costs less than a sorted UNION in SQL when a hub has
// thousands.
func (db *DB) neighbours(ctx context.Context, frontier []string, kinds []string) ([]parley.Link, error) {
	ids, err := json.Marshal(frontier)
	if err != nil {
		return nil, err
	}
	kindCond := ""
	args := []any{string(ids)}
	if len(kinds) > 0 {
		ks, _ := json.Marshal(kinds)
		kindCond = " AND e.kind IN (SELECT value FROM json_each(?2))"
		args = append(args, string(ks))
	}
	live := " AND e.via NOT IN (SELECT id FROM assertions WHERE rank = 'DEPRECATED')"
	q := `SELECT e.src, e.dst, e.kind, e.via FROM edges e WHERE e.src IN (SELECT value FROM json_each(?1))` + kindCond + live + `
		UNION ALL
		SELECT e.src, e.dst, e.kind, e.via FROM edges e WHERE e.dst IN (SELECT value FROM json_each(?1))` + kindCond + live
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("neighbours: %w", err)
	}
	return scanLinks(rows)
}

// scanLinks reads links, puts them in order and drops repeats (a link
// between two nodes of a frontier is read twice).
func scanLinks(rows *sql.Rows) ([]parley.Link, error) {
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
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Via < b.Via
	})
	return slices.Compact(out), nil
}

// linksBetween returns the live links between a node of from and one of
// to, in the order of neighbours.
func (db *DB) linksBetween(ctx context.Context, from, to []string, kinds []string) ([]parley.Link, error) {
	f, err := json.Marshal(from)
	if err != nil {
		return nil, err
	}
	t, err := json.Marshal(to)
	if err != nil {
		return nil, err
	}
	kindCond := ""
	args := []any{string(f), string(t)}
	if len(kinds) > 0 {
		ks, _ := json.Marshal(kinds)
		kindCond = " AND e.kind IN (SELECT value FROM json_each(?3))"
		args = append(args, string(ks))
	}
	live := " AND e.via NOT IN (SELECT id FROM assertions WHERE rank = 'DEPRECATED')"
	q := `SELECT e.src, e.dst, e.kind, e.via FROM edges e
		WHERE e.src IN (SELECT value FROM json_each(?1)) AND e.dst IN (SELECT value FROM json_each(?2))` + kindCond + live + `
		UNION ALL
		SELECT e.src, e.dst, e.kind, e.via FROM edges e
		WHERE e.dst IN (SELECT value FROM json_each(?1)) AND e.src IN (SELECT value FROM json_each(?2))` + kindCond + live
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("links between: %w", err)
	}
	return scanLinks(rows)
}

// degree is how many links touch the nodes of the frontier, counted on
// the indexes alone (deprecated ones too): what growing it would read.
func (db *DB) degree(ctx context.Context, frontier []string) (int, error) {
	ids, err := json.Marshal(frontier)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.queryRow(ctx, `SELECT (SELECT count(*) FROM edges WHERE src IN (SELECT value FROM json_each(?1)))
		+ (SELECT count(*) FROM edges WHERE dst IN (SELECT value FROM json_each(?1)))`, string(ids)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("degree: %w", err)
	}
	return n, nil
}

// neighboursUpTo is neighbours with at most max links (all if 0), taken
// in the stable order.
func (db *DB) neighboursUpTo(ctx context.Context, frontier []string, kinds []string, max int) ([]parley.Link, error) {
	ids, err := json.Marshal(frontier)
	if err != nil {
		return nil, err
	}
	kindCond := ""
	args := []any{string(ids)}
	if len(kinds) > 0 {
		ks, _ := json.Marshal(kinds)
		kindCond = " AND e.kind IN (SELECT value FROM json_each(?))"
		args = append(args, string(ks))
	}
	live := " AND e.via NOT IN (SELECT id FROM assertions WHERE rank = 'DEPRECATED')"
	q := `SELECT src, dst, kind, via FROM (
		SELECT e.src, e.dst, e.kind, e.via FROM edges e WHERE e.src IN (SELECT value FROM json_each(?1))` + kindCond + live + `
		UNION
		SELECT e.src, e.dst, e.kind, e.via FROM edges e WHERE e.dst IN (SELECT value FROM json_each(?1))` + kindCond + live + `
	) ORDER BY src, dst, kind, via`
	if max > 0 {
		q += fmt.Sprintf(" LIMIT %d", max)
	}
	if len(kinds) > 0 {
		q = strings.ReplaceAll(q, "json_each(?)", "json_each(?2)")
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("neighbours: %w", err)
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
	return out, rows.Err()
}

func (db *DB) exists(ctx context.Context, id string) error {
	var one int
	err := db.queryRow(ctx, "SELECT 1 FROM nodes WHERE id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return parley.Errorf(parley.ENotFound, "no node with id %q", id)
	}
	return err
}

// Path implements parley.Walker: a breadth-first search from both ends at
// once, each step widening by one level (one query for the whole
// frontier) the frontier with fewer links, until the two meet. Starting
// from the quiet end keeps the search small even when the other end is a
// hub: from the busiest actor to a quiet one at 100k assertions, 1,500
// links are read instead of 4,300.
func (db *DB) Path(ctx context.Context, from, to string, maxHops int, kinds []string) (*parley.Path, error) {
	if maxHops < 1 || maxHops > parley.MaxPathHops {
		return nil, parley.Errorf(parley.EInvalid, "maxHops must be between 1 and %d, got %d", parley.MaxPathHops, maxHops)
	}
	for _, id := range []string{from, to} {
		if err := db.exists(ctx, id); err != nil {
			return nil, err
		}
	}
	if from == to {
		return &parley.Path{Nodes: []string{from}}, nil
	}
	// Each side maps a node it reached to the link it was reached by.
	type side struct {
		reached  map[string]parley.Link
		frontier []string
		degree   int // links of the frontier; -1 until counted
	}
	a := &side{reached: map[string]parley.Link{from: {}}, frontier: []string{from}, degree: -1}
	b := &side{reached: map[string]parley.Link{to: {}}, frontier: []string{to}, degree: -1}
	for hops := 0; hops < maxHops; hops++ {
		if len(a.frontier) == 0 || len(b.frontier) == 0 {
			return nil, nil
		}
		for _, s := range []*side{a, b} {
			if s.degree < 0 {
				d, err := db.degree(ctx, s.frontier)
				if err != nil {
					return nil, err
				}
				s.degree = d
			}
		}
		grow, other := a, b
		if b.degree < a.degree {
			grow, other = b, a
		}
		inFrontier := map[string]bool{}
		for _, f := range grow.frontier {
			inFrontier[f] = true
		}
		// The last step is the widest: before reading every link of the
		// frontier, look up by index only those that would end the
		// search, the links to what the other side has reached. In id
		// order, the first of them is the one the full step would meet
		// by, so the path is the same.
		if len(grow.frontier)*len(other.reached) <= 4096 {
			reached := make([]string, 0, len(other.reached))
			for id := range other.reached {
				reached = append(reached, id)
			}
			links, err := db.linksBetween(ctx, grow.frontier, reached, kinds)
			if err != nil {
				return nil, err
			}
			for _, l := range links {
				for _, step := range [][2]string{{l.From, l.To}, {l.To, l.From}} {
					if _, seen := grow.reached[step[1]]; !inFrontier[step[0]] || seen {
						continue
					}
					if _, ok := other.reached[step[1]]; ok {
						grow.reached[step[1]] = l
						return join(unwind(a.reached, from, step[1]), unwind(b.reached, to, step[1])), nil
					}
				}
			}
		}
		links, err := db.neighbours(ctx, grow.frontier, kinds)
		if err != nil {
			return nil, err
		}
		var next []string
		meet := ""
		for _, l := range links {
			for _, step := range [][2]string{{l.From, l.To}, {l.To, l.From}} {
				if !inFrontier[step[0]] {
					continue
				}
				if _, seen := grow.reached[step[1]]; seen {
					continue
				}
				grow.reached[step[1]] = l
				next = append(next, step[1])
				if _, ok := other.reached[step[1]]; ok && meet == "" {
					meet = step[1]
				}
			}
		}
		if meet != "" {
			return join(unwind(a.reached, from, meet), unwind(b.reached, to, meet)), nil
		}
		sort.Strings(next)
		grow.frontier, grow.degree = next, -1
	}
	return nil, nil
}

// join puts together a path from the start to the meeting node and one
// from the end to it.
func join(head, tail *parley.Path) *parley.Path {
	p := &parley.Path{Nodes: append([]string(nil), head.Nodes...), Links: append([]parley.Link(nil), head.Links...)}
	for i := len(tail.Links) - 1; i >= 0; i-- {
		p.Links = append(p.Links, tail.Links[i])
		p.Nodes = append(p.Nodes, tail.Nodes[i])
	}
	return p
}

// Neighbourhood implements parley.Walker, breadth first, a query a level.
func (db *DB) Neighbourhood(ctx context.Context, id string, hops, limit int, kinds []string) (*parley.Subgraph, error) {
	if hops < 0 || hops > parley.MaxNeighbourhoodHops {
		return nil, parley.Errorf(parley.EInvalid, "hops must be between 0 and %d, got %d", parley.MaxNeighbourhoodHops, hops)
	}
	if limit < 1 {
		return nil, parley.Errorf(parley.EInvalid, "limit must be at least 1, got %d", limit)
	}
	if err := db.exists(ctx, id); err != nil {
		return nil, err
	}
	g := &parley.Subgraph{Nodes: []string{id}}
	in := map[string]bool{id: true}
	seenLink := map[parley.Link]bool{}
	frontier := []string{id}
	for hop := 0; hop < hops && len(frontier) > 0 && !g.Truncated; hop++ {
		// Enough links to fill the rest of the limit several times over
		// (links among nodes already in count too); past that the
		// neighbourhood is cut and says so.
		budget := 4*(limit-len(g.Nodes)) + 64
		links, err := db.neighboursUpTo(ctx, frontier, kinds, budget)
		if err != nil {
			return nil, err
		}
		if len(links) == budget {
			g.Truncated = true
		}
		var next []string
		for _, l := range links {
			for _, end := range []string{l.From, l.To} {
				if in[end] {
					continue
				}
				if len(g.Nodes) >= limit {
					g.Truncated = true
					continue
				}
				in[end] = true
				g.Nodes = append(g.Nodes, end)
				next = append(next, end)
			}
			if in[l.From] && in[l.To] && !seenLink[l] {
				seenLink[l] = true
				g.Links = append(g.Links, l)
			}
		}
		sort.Strings(next)
		frontier = next
	}
	return g, nil
}

// unwind follows the links back from to to from: the path from from to to.
func unwind(reached map[string]parley.Link, from, to string) *parley.Path {
	p := &parley.Path{Nodes: []string{to}}
	for cur := to; cur != from; {
		l := reached[cur]
		prev := l.From
		if prev == cur {
			prev = l.To
		}
		p.Links = append(p.Links, l)
		p.Nodes = append(p.Nodes, prev)
		cur = prev
	}
	for i, j := 0, len(p.Nodes)-1; i < j; i, j = i+1, j-1 {
		p.Nodes[i], p.Nodes[j] = p.Nodes[j], p.Nodes[i]
	}
	for i, j := 0, len(p.Links)-1; i < j; i, j = i+1, j-1 {
		p.Links[i], p.Links[j] = p.Links[j], p.Links[i]
	}
	return p
}
