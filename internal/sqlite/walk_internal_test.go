package sqlite

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// TestNeighboursUpToCutsLikeOneSortedUnion checks that neighboursUpTo,
// which cuts each half (links from the frontier, links to it) at max in
// SQL and merges them, gives exactly the first max links of the whole
// union in order, as one sorted UNION did; and that neighbours and
// linksBetween, whose links come packed in one text, give every live link
// once, in order. On a generated graph with hubs (the busiest actors hold
// thousands of links) and some deprecated assertions, for frontiers with a
// hub, with quiet nodes, mixed, with kinds, and budgets from 1 to past
// everything.
func TestNeighboursUpToCutsLikeOneSortedUnion(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "walk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds := gen.Generate(gen.Config{Actors: 200, Statements: 8000, Seed: 5})
	deprecated := 0
	for i := range ds.Positions {
		if i%7 == 0 {
			ds.Positions[i].Rank = parley.RankDeprecated
			deprecated++
		}
	}
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}

	// The reference: every live link touching the frontier, from the
	// tables, in order.
	reference := func(frontier, kinds []string) []parley.Link {
		t.Helper()
		ids, _ := json.Marshal(frontier)
		q := `SELECT DISTINCT e.src, e.dst, e.kind, e.via FROM edges e
			WHERE (e.src IN (SELECT value FROM json_each(?1)) OR e.dst IN (SELECT value FROM json_each(?1)))
			AND NOT EXISTS (SELECT 1 FROM assertions d WHERE d.id = e.via AND d.rank = 'DEPRECATED')
			ORDER BY e.src, e.dst, e.kind, e.via`
		rows, err := db.db.QueryContext(ctx, q, string(ids))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		want := map[string]bool{}
		for _, k := range kinds {
			want[k] = true
		}
		out := []parley.Link{}
		for rows.Next() {
			var l parley.Link
			if err := rows.Scan(&l.From, &l.To, &l.Kind, &l.Via); err != nil {
				t.Fatal(err)
			}
			if len(kinds) == 0 || want[l.Kind] {
				out = append(out, l)
			}
		}
		return out
	}

	busy, quiet := ds.Actors[0].ID, ds.Actors[len(ds.Actors)-1].ID
	second := ds.Actors[1].ID
	prop := ds.Propositions[0].ID
	frontiers := [][]string{{busy}, {quiet}, {quiet, busy}, {busy, second, prop}, {prop}, {ds.Events[0].ID, quiet}}
	kindsets := [][]string{nil, {"HOLDS_POSITION_ON"}, {"SPOKE_AT", "TOOK_PART_IN"}}
	hubLinks := 0
	for _, f := range frontiers {
		for _, kinds := range kindsets {
			all := reference(f, kinds)
			if len(f) == 1 && f[0] == busy && kinds == nil {
				hubLinks = len(all)
			}
			got, err := walk(db).Neighbours(ctx, f, kinds)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(all, orEmpty(got)); diff != "" {
				t.Errorf("neighbours(%v, %v) (-want +got):\n%s", f, kinds, diff)
			}
			for _, max := range []int{1, 2, 7, 64, 500, len(all) - 1, len(all), len(all) + 10, 0} {
				if max < 0 {
					continue
				}
				want := all
				if max > 0 && len(want) > max {
					want = want[:max]
				}
				got, err := walk(db).NeighboursUpTo(ctx, f, kinds, max)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, orEmpty(got)); diff != "" {
					t.Errorf("neighboursUpTo(%v, %v, %d) (-want +got):\n%s", f, kinds, max, diff)
				}
			}
		}
	}
	if hubLinks < 500 {
		t.Errorf("the busiest actor has %d links; the test wants a hub of more than the budgets", hubLinks)
	}

	// Links between two sets, against the reference cut to those.
	from, to := []string{busy, quiet}, []string{prop, ds.Propositions[1].ID, second, ds.Events[0].ID}
	in := func(set []string, id string) bool {
		for _, x := range set {
			if x == id {
				return true
			}
		}
		return false
	}
	want := []parley.Link{}
	for _, l := range reference(from, nil) {
		if (in(from, l.From) && in(to, l.To)) || (in(from, l.To) && in(to, l.From)) {
			want = append(want, l)
		}
	}
	got, err := walk(db).LinksBetween(ctx, from, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, orEmpty(got)); diff != "" {
		t.Errorf("linksBetween (-want +got):\n%s", diff)
	}
	if len(want) == 0 {
		t.Error("no links between the two sets: the test checks nothing")
	}
	t.Logf("%d deprecated positions; the hub has %d live links", deprecated, hubLinks)
}

func orEmpty(ls []parley.Link) []parley.Link {
	if ls == nil {
		return []parley.Link{}
	}
	return ls
}

// walk is db's walker, addressable.
func walk(db *DB) *sqlcommon.Walker {
	w := db.walker()
	return &w
}
