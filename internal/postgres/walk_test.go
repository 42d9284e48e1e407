package postgres_test

import (
	"context"
	"path/filepath"
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

	issue := ds.Issues[0].ID
	for _, q := range []parley.ConflictQuery{{Issue: &issue, First: 20}, {Actor: &busy, First: 15}, {First: 30}} {
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
		if len(got["sqlite"]) == 0 {
			t.Errorf("conflicts %+v: none", q)
		}
	}
}
