package sqlcommon

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

// Walker implements parley.Walker for a SQL store: its reads, its
// dialect, and Links, which runs a statement of links (src, dst, kind,
// via) and returns them in their stable order (SortLinks) without repeats
// (a link between two nodes of a frontier is read twice), each store
// reading them its fastest way.
type Walker struct {
	Dialect  *Dialect
	Query    Query
	QueryRow QueryRow
	Links    func(ctx context.Context, q string, args ...any) ([]parley.Link, error)
	// Arrays passes a list of ids (a frontier, kinds) as one array,
	// tested with = ANY, and leaves out links backed by deprecated
	// assertions by NOT EXISTS: PostgreSQL. Its planner sees how many ids
	// an array holds and reads the edges by their indexes (in order, for a
	// cut half); a list given as JSON text it took for a hundred rows and
	// scanned the whole table with a hash join, and NOT IN hashed every
	// deprecated id for each statement. Unset, a list is a JSON text read
	// by json_each (SQLite, whose planner reads the index either way).
	// Conflicts too pass the propositions to the positions as an array.
	Arrays bool
}

// in is the condition that col is one of the ids of argument n (made by
// list).
func (w *Walker) in(col string, n int) string {
	if w.Arrays {
		return fmt.Sprintf("%s = ANY(?%d)", col, n)
	}
	return fmt.Sprintf("%s IN (SELECT value FROM json_each(?%d))", col, n)
}

// list is ids as the argument that in tests.
func (w *Walker) list(ids []string) (any, error) {
	if w.Arrays {
		if ids == nil {
			ids = []string{}
		}
		return ids, nil
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// live is the condition that the link e is not backed by a deprecated
// assertion (read from the partial index of the deprecated).
func (w *Walker) live() string {
	if w.Arrays {
		return " AND NOT EXISTS (SELECT 1 FROM assertions d WHERE d.id = e.via AND d.rank = 'DEPRECATED')"
	}
	return " AND e.via NOT IN (SELECT id FROM assertions WHERE rank = 'DEPRECATED')"
}

// linkArgs are the arguments of a statement of links over the id lists
// sets (arguments 1, 2, ...), and kinds, if any, after them; kindCond
// tests the kinds.
func (w *Walker) linkArgs(kinds []string, sets ...[]string) (args []any, kindCond string, err error) {
	for _, set := range sets {
		a, err := w.list(set)
		if err != nil {
			return nil, "", err
		}
		args = append(args, a)
	}
	if len(kinds) > 0 {
		a, err := w.list(kinds)
		if err != nil {
			return nil, "", err
		}
		args = append(args, a)
		kindCond = " AND " + w.in("e.kind", len(args))
	}
	return args, kindCond, nil
}

// Conflicts implements parley.Walker. One statement reads the live
// positions for and against on the propositions in question (the one
// asked for, the actor's, the issue's, or all), driven from the
// propositions by index; the pairs are made here, in the order of their
// ids, and the making stops at the page's end. (Pairing them in SQL read
// and sorted every pair of an issue, 32,000 at 100k assertions, to page
// twenty.) A second statement reads the page's positions.
func (w *Walker) Conflicts(ctx context.Context, q parley.ConflictQuery) ([]parley.Conflict, bool, error) {
	var with, where []string
	var args []any
	if q.Issue != nil {
		with = append(with, "tree(id) AS (SELECT "+w.Dialect.Collate(w.Dialect.Text("?"))+" UNION SELECT i.id FROM issues i JOIN tree ON i.parent_id = tree.id)")
		args = append(args, *q.Issue)
	}
	switch {
	case q.Proposition != nil:
		with = append(with, "props(id) AS (SELECT "+w.Dialect.Text("?")+")")
		args = append(args, *q.Proposition)
	case q.Actor != nil:
		with = append(with, "props(id) AS MATERIALIZED (SELECT DISTINCT proposition_id FROM positions WHERE holder_id = ?)")
		args = append(args, *q.Actor)
	case q.Issue != nil:
		with = append(with, "props(id) AS MATERIALIZED (SELECT p.id FROM tree CROSS JOIN propositions p ON p.issue_id = tree.id)")
	default:
		with = append(with, "props(id) AS (SELECT id FROM propositions)")
	}
	// The issue's tree holds the proposition asked for, or the actor's,
	// only if this says so (the issue's own propositions are its tree's).
	if q.Issue != nil && (q.Proposition != nil || q.Actor != nil) {
		where = append(where, "(SELECT issue_id FROM propositions WHERE id = p.proposition_id) IN (SELECT id FROM tree)")
	}
	// Live: not deprecated, read from the partial index of the
	// deprecated (a look-up of every position's assertion cost more than
	// the rest of the statement: 686 positions of the first issue at 1M
	// assertions, 3.9 ms against 1.5 ms). A date needs the assertions'
	// validity, so then each is looked up.
	join, live := "", "p.id NOT IN (SELECT id FROM assertions WHERE rank = 'DEPRECATED')"
	if q.AsOf != nil {
		join, live = "\n\t\tJOIN assertions a ON a.id = p.id", "a.rank <> 'DEPRECATED'"
		where = append(where, "(a.valid_from IS NULL OR "+ValidStart+" <= ?) AND (a.valid_to IS NULL OR "+w.Dialect.ValidEnd+" >= ?)")
		args = append(args, q.AsOf.End(), q.AsOf.Start())
	}
	cond := ""
	if len(where) > 0 {
		cond = " AND " + strings.Join(where, " AND ")
	}
	// The positions on the propositions, by index. PostgreSQL's planner
	// takes an issue's recursive tree for 71 issues, so its propositions
	// for all of them: joined to them, it scanned every position (at 100k
	// assertions, 30,303 rows for issue-00001's 742, 15 ms); given the
	// propositions as one array (Arrays), it reads the index (0.9 ms).
	from := `FROM props
		CROSS JOIN positions p ON p.proposition_id = props.id`
	if w.Arrays {
		from = `FROM positions p`
		live = "p.proposition_id = ANY(ARRAY(SELECT id FROM props)) AND " + live
	}
	query := "WITH RECURSIVE " + strings.Join(with, ", ") + `
		SELECT p.id, p.proposition_id, p.holder_id, p.stance = 'OPPOSES'
		` + from + join + `
		WHERE ` + live + ` AND p.stance IN ('SUPPORTS', 'CONDITIONALLY_SUPPORTS', 'OPPOSES')` + cond
	rows, err := w.Query(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("conflicts: %w", err)
	}
	type side struct {
		id, prop, holder string
		against          bool
	}
	var all []side
	for rows.Next() {
		var p side
		if err := rows.Scan(&p.id, &p.prop, &p.holder, &p.against); err != nil {
			rows.Close()
			return nil, false, fmt.Errorf("conflicts: %w", err)
		}
		all = append(all, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("conflicts: %w", err)
	}
	// Each proposition's positions for and against, in id order.
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	type camps struct{ pro, con []side }
	byProp := map[string]*camps{}
	for _, p := range all {
		c := byProp[p.prop]
		if c == nil {
			c = &camps{}
			byProp[p.prop] = c
		}
		if p.against {
			c.con = append(c.con, p)
		} else {
			c.pro = append(c.pro, p)
		}
	}
	// The pairs (a, b), a's id before b's, one for and one against, held
	// by different actors (one of them the actor asked about), in the
	// order of (a, b), or its reverse when paging backward.
	type pair struct{ a, b side }
	var page []pair
	want := q.First + 1
	keep := func(a, b side) bool {
		if a.holder == b.holder || (q.Actor != nil && a.holder != *q.Actor && b.holder != *q.Actor) {
			return false
		}
		switch {
		case q.Backward && q.Before != nil:
			return a.id < q.Before[0] || (a.id == q.Before[0] && b.id < q.Before[1])
		case !q.Backward && q.After != nil:
			return a.id > q.After[0] || (a.id == q.After[0] && b.id > q.After[1])
		}
		return true
	}
	for i := range all {
		a := all[i]
		if q.Backward {
			a = all[len(all)-1-i]
		}
		if (!q.Backward && q.After != nil && a.id < q.After[0]) || (q.Backward && q.Before != nil && a.id > q.Before[0]) {
			continue // before the cursor
		}
		c := byProp[a.prop]
		others := c.con
		if a.against {
			others = c.pro
		}
		// The other camp's positions after a, in the paging order.
		k := sort.Search(len(others), func(j int) bool { return others[j].id > a.id })
		later := others[k:]
		for j := range later {
			b := later[j]
			if q.Backward {
				b = later[len(later)-1-j]
			}
			if keep(a, b) {
				page = append(page, pair{a, b})
			}
			if len(page) == want {
				break
			}
		}
		if len(page) == want {
			break
		}
	}
	more := len(page) > q.First
	if more {
		page = page[:q.First]
	}
	if q.Backward {
		slices.Reverse(page)
	}
	ids := make([]string, 0, 2*len(page))
	for _, p := range page {
		ids = append(ids, p.a.id, p.b.id)
	}
	nodes := map[string]any{}
	if len(ids) > 0 {
		if nodes, err = Nodes(ctx, w.Query, ids); err != nil {
			return nil, false, fmt.Errorf("conflicts: %w", err)
		}
	}
	out := make([]parley.Conflict, 0, len(page))
	for _, p := range page {
		a, okA := nodes[p.a.id].(*parley.Position)
		b, okB := nodes[p.b.id].(*parley.Position)
		if !okA || !okB {
			return nil, false, fmt.Errorf("conflicts: positions %s and %s changed while read", p.a.id, p.b.id)
		}
		out = append(out, parley.Conflict{Proposition: p.a.prop, A: a, B: b})
	}
	return out, more, nil
}

// Neighbours returns the links touching any node of the frontier, in a
// stable order, leaving out links backed by deprecated assertions. SQLite
// reads them by the two indexes; they are put in order and made unique
// here, which costs less than a sorted UNION in SQL when a hub has
// thousands.
func (w *Walker) Neighbours(ctx context.Context, frontier []string, kinds []string) ([]parley.Link, error) {
	args, kindCond, err := w.linkArgs(kinds, frontier)
	if err != nil {
		return nil, err
	}
	live := w.live()
	q := `SELECT e.src, e.dst, e.kind, e.via FROM edges e WHERE ` + w.in("e.src", 1) + kindCond + live + `
		UNION ALL
		SELECT e.src, e.dst, e.kind, e.via FROM edges e WHERE ` + w.in("e.dst", 1) + kindCond + live
	out, err := w.Links(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("Neighbours: %w", err)
	}
	return out, nil
}

// SortLinks puts links in their stable order: by from, to, kind and via.
// They often come as one or two sorted runs (the two halves of a
// neighbourhood's links, each read in order): those are merged, in one
// pass; anything else is sorted.
func SortLinks(out []parley.Link) []parley.Link {
	k := 1
	for k < len(out) && compareLinks(out[k-1], out[k]) <= 0 {
		k++
	}
	if k >= len(out) {
		return out
	}
	if !slices.IsSortedFunc(out[k:], compareLinks) {
		slices.SortFunc(out, compareLinks)
		return out
	}
	merged := make([]parley.Link, 0, len(out))
	a, b := out[:k], out[k:]
	for len(a) > 0 && len(b) > 0 {
		if compareLinks(a[0], b[0]) <= 0 {
			merged, a = append(merged, a[0]), a[1:]
		} else {
			merged, b = append(merged, b[0]), b[1:]
		}
	}
	merged = append(merged, a...)
	return append(merged, b...)
}

func compareLinks(a, b parley.Link) int {
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	if c := strings.Compare(a.To, b.To); c != 0 {
		return c
	}
	if c := strings.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	return strings.Compare(a.Via, b.Via)
}

// LinksBetween returns the live links between a node of from and one of
// to, in the order of Neighbours.
func (w *Walker) LinksBetween(ctx context.Context, from, to []string, kinds []string) ([]parley.Link, error) {
	args, kindCond, err := w.linkArgs(kinds, from, to)
	if err != nil {
		return nil, err
	}
	live := w.live()
	q := `SELECT e.src, e.dst, e.kind, e.via FROM edges e
		WHERE ` + w.in("e.src", 1) + ` AND ` + w.in("e.dst", 2) + kindCond + live + `
		UNION ALL
		SELECT e.src, e.dst, e.kind, e.via FROM edges e
		WHERE ` + w.in("e.dst", 1) + ` AND ` + w.in("e.src", 2) + kindCond + live
	out, err := w.Links(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("links between: %w", err)
	}
	return out, nil
}

// degree is how many links touch the nodes of the frontier, counted on
// the indexes alone (deprecated ones too): what growing it would read.
func (w *Walker) degree(ctx context.Context, frontier []string) (int, error) {
	ids, err := w.list(frontier)
	if err != nil {
		return 0, err
	}
	var n int
	err = w.QueryRow(ctx, `SELECT (SELECT count(*) FROM edges WHERE `+w.in("src", 1)+`)
		+ (SELECT count(*) FROM edges WHERE `+w.in("dst", 1)+`)`, ids).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("degree: %w", err)
	}
	return n, nil
}

// NeighboursUpTo is Neighbours with at most max links (all if 0), taken
// in the stable order. Each half (links from the frontier, links to it) is
// read in that order and cut at max in SQL, so that a hub's tens of
// thousands of links are not all read and sorted to keep a few hundred:
// the links from the frontier come in order from the primary key and the
// reading stops at max. The first max of the two halves together are
// among the first max of each; they are merged here.
func (w *Walker) NeighboursUpTo(ctx context.Context, frontier []string, kinds []string, max int) ([]parley.Link, error) {
	args, kindCond, err := w.linkArgs(kinds, frontier)
	if err != nil {
		return nil, err
	}
	live := w.live()
	cut := ""
	if max > 0 {
		cut = fmt.Sprintf(" LIMIT %d", max)
	}
	half := func(col string) string {
		return `SELECT e.src, e.dst, e.kind, e.via FROM edges e WHERE ` + w.in("e."+col, 1) + kindCond + live +
			` ORDER BY e.src, e.dst, e.kind, e.via` + cut
	}
	q := `SELECT * FROM (` + half("src") + `) AS outward UNION ALL SELECT * FROM (` + half("dst") + `) AS inward`
	out, err := w.Links(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("Neighbours: %w", err)
	}
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	return out, nil
}

func (w *Walker) exists(ctx context.Context, id string) error {
	var one int
	err := w.QueryRow(ctx, "SELECT 1 FROM nodes WHERE id = ?", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return parley.Errorf(parley.ENotFound, "no node with id %q", id)
	}
	return err
}

// ends checks that a path's two ends exist (ENotFound naming the first
// that does not) and returns how many links each has (as degree counts
// them): one statement where four were a round trip each.
func (w *Walker) ends(ctx context.Context, from, to string) ([2]int, error) {
	var out [2]int
	rows, err := w.Query(ctx, `SELECT n.id, (SELECT count(*) FROM edges WHERE src = n.id) + (SELECT count(*) FROM edges WHERE dst = n.id)
		FROM nodes n WHERE n.id IN (?, ?)`, from, to)
	if err != nil {
		return out, fmt.Errorf("path: %w", err)
	}
	defer rows.Close()
	found := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return out, fmt.Errorf("path: %w", err)
		}
		found[id] = n
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("path: %w", err)
	}
	for i, id := range []string{from, to} {
		n, ok := found[id]
		if !ok {
			return out, parley.Errorf(parley.ENotFound, "no node with id %q", id)
		}
		out[i] = n
	}
	return out, nil
}

// PathBetween is the largest product of a path step's frontier and what
// the other side has reached for which the step first looks up only the
// links between the two (see Path).
const PathBetween = 4096

// Path implements parley.Walker: a breadth-first search from both ends at
// once, each step widening by one level (one query for the whole
// frontier) the frontier with fewer links, until the two meet. Starting
// from the quiet end keeps the search small even when the other end is a
// hub: from the busiest actor to a quiet one at 100k assertions, 1,500
// links are read instead of 4,300.
func (w *Walker) Path(ctx context.Context, from, to string, maxHops int, kinds []string) (*parley.Path, error) {
	if maxHops < 1 || maxHops > parley.MaxPathHops {
		return nil, parley.Errorf(parley.EInvalid, "maxHops must be between 1 and %d, got %d", parley.MaxPathHops, maxHops)
	}
	if from == to {
		if err := w.exists(ctx, from); err != nil {
			return nil, err
		}
		return &parley.Path{Nodes: []string{from}}, nil
	}
	degrees, err := w.ends(ctx, from, to)
	if err != nil {
		return nil, err
	}
	// Each side maps a node it reached to the link it was reached by.
	type side struct {
		reached  map[string]parley.Link
		frontier []string
		degree   int // links of the frontier; -1 until counted
	}
	a := &side{reached: map[string]parley.Link{from: {}}, frontier: []string{from}, degree: degrees[0]}
	b := &side{reached: map[string]parley.Link{to: {}}, frontier: []string{to}, degree: degrees[1]}
	for hops := 0; hops < maxHops; hops++ {
		if len(a.frontier) == 0 || len(b.frontier) == 0 {
			return nil, nil
		}
		for _, s := range []*side{a, b} {
			if s.degree < 0 {
				d, err := w.degree(ctx, s.frontier)
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
		if len(grow.frontier)*len(other.reached) <= PathBetween {
			reached := make([]string, 0, len(other.reached))
			for id := range other.reached {
				reached = append(reached, id)
			}
			links, err := w.LinksBetween(ctx, grow.frontier, reached, kinds)
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
		links, err := w.Neighbours(ctx, grow.frontier, kinds)
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
func (w *Walker) Neighbourhood(ctx context.Context, id string, hops, limit int, kinds []string) (*parley.Subgraph, error) {
	if hops < 0 || hops > parley.MaxNeighbourhoodHops {
		return nil, parley.Errorf(parley.EInvalid, "hops must be between 0 and %d, got %d", parley.MaxNeighbourhoodHops, hops)
	}
	if limit < 1 {
		return nil, parley.Errorf(parley.EInvalid, "limit must be at least 1, got %d", limit)
	}
	// A link touching the node says it exists (links name nodes by
	// foreign key): it is looked up only when its first level has none,
	// or there is no level (a round trip fewer on PostgreSQL).
	if hops == 0 {
		if err := w.exists(ctx, id); err != nil {
			return nil, err
		}
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
		links, err := w.NeighboursUpTo(ctx, frontier, kinds, budget)
		if err != nil {
			return nil, err
		}
		if hop == 0 && len(links) == 0 {
			if err := w.exists(ctx, id); err != nil {
				return nil, err
			}
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
