package postgres_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestWalksSameAsSQLite imports one generated graph (hubs of hundreds of
// links, some positions deprecated) into both stores and checks that
// neighbourhoods (cut by their limit or not), paths and pages of
// conflicts come out the same.
func TestWalksSameAsSQLite(t *testing.T) {
	pg := open(t)
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	ds := gen.Generate(gen.Config{Actors: 120, Statements: 2500, Seed: 7})
	for i := range ds.Positions {
		if i%9 == 0 {
			ds.Positions[i].Rank = parley.RankDeprecated
		}
	}
	for _, s := range []parley.Store{lite, pg} {
		if _, err := s.Import(ctx, []*parley.Dataset{ds}); err != nil {
			t.Fatalf("%T import: %v", s, err)
		}
	}
	busy, quiet := ds.Actors[0].ID, ds.Actors[len(ds.Actors)-1].ID
	stores := map[string]parley.Walker{"sqlite": lite, "postgres": pg}

	type hood struct {
		id           string
		hops, limit  int
		kinds        []string
		wantTruncate bool
	}
	truncated := 0
	for _, h := range []hood{{busy, 1, 500, nil, false}, {busy, 2, 40, nil, true}, {quiet, 2, 500, nil, false}, {quiet, 2, 25, nil, true},
		{quiet, 3, 200, []string{"HOLDS_POSITION_ON"}, false}, {ds.Issues[0].ID, 2, 60, nil, false}} {
		got := map[string]*parley.Subgraph{}
		for name, s := range stores {
			g, err := s.Neighbourhood(ctx, h.id, h.hops, h.limit, h.kinds)
			if err != nil {
				t.Fatalf("%s neighbourhood %+v: %v", name, h, err)
			}
			got[name] = g
		}
		if diff := cmp.Diff(got["sqlite"], got["postgres"]); diff != "" {
			t.Errorf("neighbourhood %+v (-sqlite +postgres):\n%s", h, diff)
		}
		if got["sqlite"].Truncated {
			truncated++
		}
	}
	if truncated == 0 {
		t.Error("no neighbourhood was cut by its limit: the test does not check the cut")
	}

	for _, p := range [][2]string{{busy, quiet}, {quiet, ds.Actors[1].ID}, {ds.Issues[0].ID, quiet}} {
		got := map[string]*parley.Path{}
		for name, s := range stores {
			path, err := s.Path(ctx, p[0], p[1], 4, nil)
			if err != nil {
				t.Fatalf("%s path %v: %v", name, p, err)
			}
			got[name] = path
		}
		if diff := cmp.Diff(got["sqlite"], got["postgres"]); diff != "" {
			t.Errorf("path %v (-sqlite +postgres):\n%s", p, diff)
		}
		if got["sqlite"] == nil {
			t.Errorf("no path %v within 4 hops", p)
		}
	}

	// Paths between nodes of every kind (busy and quiet actors, issues,
	// propositions, events, positions), both ways, within 1 to 6 hops, of
	// any link or of some kinds only: PostgreSQL's walk runs in the server
	// (parley_path), SQLite's in Go, and they must find the same path; and
	// the same again when each step reads every link of its frontier
	// rather than first those to the other side.
	ends := []string{busy, quiet, ds.Actors[1].ID, ds.Actors[len(ds.Actors)/2].ID, ds.Issues[0].ID,
		ds.Issues[len(ds.Issues)-1].ID, ds.Propositions[0].ID, ds.Events[0].ID, ds.Positions[0].ID, ds.Positions[len(ds.Positions)-1].ID}
	found, none := 0, 0
	for _, from := range ends {
		for _, to := range ends {
			for _, c := range []struct {
				hops  int
				kinds []string
			}{{4, nil}, {1, nil}, {2, nil}, {6, nil}, {3, []string{"HOLDS_POSITION_ON"}}, {4, []string{"SPOKE_AT", "TOOK_PART_IN", "IN_ISSUE"}}} {
				got := map[string]*parley.Path{}
				for name, s := range stores {
					path, err := s.Path(ctx, from, to, c.hops, c.kinds)
					if err != nil {
						t.Fatalf("%s path %s to %s %+v: %v", name, from, to, c, err)
					}
					got[name] = path
				}
				long, err := pg.PathEveryLink(ctx, from, to, c.hops, c.kinds)
				if err != nil {
					t.Fatalf("postgres path (every link) %s to %s %+v: %v", from, to, c, err)
				}
				if diff := cmp.Diff(got["sqlite"], got["postgres"]); diff != "" {
					t.Errorf("path %s to %s %+v (-sqlite +postgres):\n%s", from, to, c, diff)
				}
				if diff := cmp.Diff(got["sqlite"], long); diff != "" {
					t.Errorf("path %s to %s %+v, every link read (-sqlite +postgres):\n%s", from, to, c, diff)
				}
				if got["sqlite"] == nil {
					none++
				} else {
					found++
				}
			}
		}
	}
	if found < 100 || none < 50 {
		t.Errorf("%d paths found, %d not: the pairs do not check both", found, none)
	}
	// An end that is not a node: the first such is named, on both.
	for _, p := range [][3]string{{"no-such", quiet, "no-such"}, {busy, "no-such", "no-such"}, {"no-a", "no-b", "no-a"}} {
		for name, s := range stores {
			_, err := s.Path(ctx, p[0], p[1], 4, nil)
			var pe *parley.Error
			if want := "no node with id " + strconv.Quote(p[2]); !errors.As(err, &pe) || pe.Code != parley.ENotFound || pe.Message != want {
				t.Errorf("%s path %s to %s: %v, want %s %q", name, p[0], p[1], err, parley.ENotFound, want)
			}
		}
	}

	issue := ds.Issues[0].ID
	var inIssue, elsewhere string
	for _, p := range ds.Propositions {
		if p.Issue == issue && inIssue == "" {
			inIssue = p.ID
		}
		if p.Issue != issue && elsewhere == "" {
			elsewhere = p.ID
		}
	}
	date := parley.Date("2025")
	for _, q := range []parley.ConflictQuery{{Issue: &issue, First: 20}, {Actor: &busy, First: 15}, {First: 30},
		{Issue: &issue, Actor: &busy, First: 10}, {Issue: &issue, Proposition: &inIssue, First: 10},
		{Proposition: &elsewhere, First: 10}, {Issue: &issue, AsOf: &date, First: 10}, {Issue: &issue, Proposition: &elsewhere, First: 10}} {
		got := map[string][]string{}
		for name, s := range stores {
			// Two pages, the second after the first's last pair.
			q := q
			for page := 0; page < 2; page++ {
				list, _, err := s.Conflicts(ctx, q)
				if err != nil {
					t.Fatalf("%s conflicts %+v: %v", name, q, err)
				}
				for _, c := range list {
					got[name] = append(got[name], c.Proposition+" "+c.A.ID+" "+c.B.ID)
				}
				if len(list) == 0 {
					break
				}
				q.After = &[2]string{list[len(list)-1].A.ID, list[len(list)-1].B.ID}
			}
		}
		if diff := cmp.Diff(got["sqlite"], got["postgres"]); diff != "" {
			t.Errorf("conflicts %+v (-sqlite +postgres):\n%s", q, diff)
		}
		if outside := q.Proposition != nil && *q.Proposition == elsewhere && q.Issue != nil; outside != (len(got["sqlite"]) == 0) {
			t.Errorf("conflicts %+v: %d, want some unless the proposition is outside the issue", q, len(got["sqlite"]))
		}
	}
}

// TestEdgeDegreesFollowWrites checks that edge_degrees, from which the
// path counts a frontier's links, holds for every node the links that
// touch it, as counted on the edges themselves: after an import, after a
// node is replaced (its links change), added and deleted.
func TestEdgeDegreesFollowWrites(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	ds := gen.Generate(gen.Config{Actors: 20, Statements: 200, Seed: 3})
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	edges := func() int {
		t.Helper()
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM edges").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	check := func(when string) {
		t.Helper()
		var wrong, nodes int
		err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE d.n IS DISTINCT FROM c.n), count(*)
			FROM (SELECT id, n FROM edge_degrees WHERE n <> 0) d
			FULL JOIN (SELECT id, count(*) AS n FROM (SELECT src AS id FROM edges UNION ALL SELECT dst FROM edges) e GROUP BY id) c USING (id)`).Scan(&wrong, &nodes)
		if err != nil {
			t.Fatal(err)
		}
		if wrong > 0 || nodes == 0 {
			t.Errorf("%s: %d of %d nodes' links in edge_degrees differ from the edges", when, wrong, nodes)
		}
	}
	check("after the import")
	before := edges()

	moved := *ds.Positions[1]
	moved.Holder = ds.Actors[len(ds.Actors)-1].ID
	if moved.Holder == ds.Positions[1].Holder {
		moved.Holder = ds.Actors[len(ds.Actors)-2].ID
	}
	if _, err := db.Apply(ctx, []parley.Mutation{{Put: &moved}}); err != nil {
		t.Fatalf("replace %s: %v", moved.ID, err)
	}
	check("after a position moved to another holder")

	extra := *ds.Positions[2]
	extra.ID = "pos-extra"
	if _, err := db.Apply(ctx, []parley.Mutation{{Put: &extra, New: true}}); err != nil {
		t.Fatalf("add %s: %v", extra.ID, err)
	}
	if edges() <= before {
		t.Fatalf("adding a position added no edge (%d before, %d after)", before, edges())
	}
	check("after a position was added")

	if _, err := db.Apply(ctx, []parley.Mutation{{Delete: extra.ID}}); err != nil {
		t.Fatalf("delete %s: %v", extra.ID, err)
	}
	if edges() != before {
		t.Fatalf("deleting the added position left %d edges, want %d", edges(), before)
	}
	check("after the position was deleted")

	// Nothing in the store updates a link in place; an UPDATE by hand is
	// followed too.
	res, err := db.SQL().ExecContext(ctx, "UPDATE edges SET dst = $1 WHERE via = $2 AND dst <> $1", ds.Actors[0].ID, moved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("the UPDATE changed no link")
	}
	check("after links were updated in place")
}
