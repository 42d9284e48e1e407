// Package walktest holds the checks of sqlcommon.Walker's link reads that
// each SQL store runs against its own engine: the statements differ by
// dialect (json_each on SQLite, arrays on PostgreSQL), the answers must
// not.
package walktest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// Graph is the generated graph the checks import: hubs (the busiest
// actors hold thousands of links) and one position in seven deprecated.
func Graph() *parley.Dataset {
	ds := gen.Generate(gen.Config{Actors: 200, Statements: 8000, Seed: 5})
	for i := range ds.Positions {
		if i%7 == 0 {
			ds.Positions[i].Rank = parley.RankDeprecated
		}
	}
	return ds
}

// reference is every live link touching the frontier, of the kinds (all
// if none), from the tables, in order: one plain statement, filtered here.
const reference = `SELECT DISTINCT e.src, e.dst, e.kind, e.via FROM edges e
	WHERE (e.src IN (SELECT value FROM json_each(?1)) OR e.dst IN (SELECT value FROM json_each(?1)))
	AND NOT EXISTS (SELECT 1 FROM assertions d WHERE d.id = e.via AND d.rank = 'DEPRECATED')
	ORDER BY e.src, e.dst, e.kind, e.via`

// NeighboursCutLikeOneSortedUnion checks, on a store holding Graph(),
// that w.NeighboursUpTo (each half cut at max in SQL, then merged) gives
// exactly the first max links of the whole union in order, as one sorted
// UNION did; and that Neighbours and LinksBetween give every live link
// once, in order. For frontiers with a hub, with quiet nodes, mixed, with
// kinds, and budgets from 1 to past everything; query runs the reference
// statement (in SQLite's dialect, as the stores' statements are written).
func NeighboursCutLikeOneSortedUnion(t *testing.T, w *sqlcommon.Walker, query sqlcommon.Query, ds *parley.Dataset) {
	t.Helper()
	ctx := context.Background()
	deprecated := 0
	for _, p := range ds.Positions {
		if p.Rank == parley.RankDeprecated {
			deprecated++
		}
	}
	if deprecated == 0 {
		t.Fatal("no deprecated positions: the test would not check that they are left out")
	}
	ref := func(frontier, kinds []string) []parley.Link {
		t.Helper()
		ids, _ := json.Marshal(frontier)
		rows, err := query(ctx, reference, string(ids))
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
		if err := rows.Err(); err != nil {
			t.Fatal(err)
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
			all := ref(f, kinds)
			if len(f) == 1 && f[0] == busy && kinds == nil {
				hubLinks = len(all)
			}
			got, err := w.Neighbours(ctx, f, kinds)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(all, orEmpty(got)); diff != "" {
				t.Errorf("Neighbours(%v, %v) (-want +got):\n%s", f, kinds, diff)
			}
			for _, max := range []int{1, 2, 7, 64, 500, len(all) - 1, len(all), len(all) + 10, 0} {
				if max < 0 {
					continue
				}
				want := all
				if max > 0 && len(want) > max {
					want = want[:max]
				}
				got, err := w.NeighboursUpTo(ctx, f, kinds, max)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, orEmpty(got)); diff != "" {
					t.Errorf("NeighboursUpTo(%v, %v, %d) (-want +got):\n%s", f, kinds, max, diff)
				}
			}
		}
	}
	if hubLinks < 500 {
		t.Errorf("the busiest actor has %d links; the test wants a hub of more than the budgets", hubLinks)
	}

	// Links between two sets, against the reference cut to those, with
	// and without kinds.
	from, to := []string{busy, quiet}, []string{prop, ds.Propositions[1].ID, second, ds.Events[0].ID}
	in := func(set []string, id string) bool {
		for _, x := range set {
			if x == id {
				return true
			}
		}
		return false
	}
	for _, kinds := range kindsets {
		want := []parley.Link{}
		for _, l := range ref(from, kinds) {
			if (in(from, l.From) && in(to, l.To)) || (in(from, l.To) && in(to, l.From)) {
				want = append(want, l)
			}
		}
		got, err := w.LinksBetween(ctx, from, to, kinds)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, orEmpty(got)); diff != "" {
			t.Errorf("LinksBetween(%v) (-want +got):\n%s", kinds, diff)
		}
		if len(want) == 0 && kinds == nil {
			t.Error("no links between the two sets: the test checks nothing")
		}
	}
	t.Logf("%d deprecated positions; the hub has %d live links", deprecated, hubLinks)
}

func orEmpty(ls []parley.Link) []parley.Link {
	if ls == nil {
		return []parley.Link{}
	}
	return ls
}

// NeighbourhoodFindsItsNode checks, on a store holding Graph(), that
// w.Neighbourhood of a missing node is ENotFound whatever its hops and
// kinds (the node is looked up only when no link touches it), and that a
// node without links of the kinds asked for is its own neighbourhood.
func NeighbourhoodFindsItsNode(t *testing.T, w *sqlcommon.Walker, ds *parley.Dataset) {
	t.Helper()
	ctx := context.Background()
	for _, hops := range []int{0, 1, 2} {
		for _, kinds := range [][]string{nil, {"FAMILY"}} {
			_, err := w.Neighbourhood(ctx, "atlantis", hops, 100, kinds)
			var pe *parley.Error
			if !errors.As(err, &pe) || pe.Code != parley.ENotFound || pe.Message != `no node with id "atlantis"` {
				t.Errorf("Neighbourhood(atlantis, %d, %v): %v, want %s", hops, kinds, err, parley.ENotFound)
			}
		}
	}
	busy := ds.Actors[0].ID
	for _, tt := range []struct {
		hops  int
		kinds []string
		alone bool
	}{{0, nil, true}, {1, []string{"FAMILY"}, true}, {2, []string{"FAMILY"}, true}, {1, nil, false}} {
		g, err := w.Neighbourhood(ctx, busy, tt.hops, 100, tt.kinds)
		if err != nil {
			t.Fatalf("Neighbourhood(%s, %d, %v): %v", busy, tt.hops, tt.kinds, err)
		}
		if len(g.Nodes) == 0 || g.Nodes[0] != busy || (len(g.Nodes) == 1) != tt.alone || (len(g.Links) == 0) != tt.alone {
			t.Errorf("Neighbourhood(%s, %d, %v) = %d nodes from %v, %d links; alone: %v", busy, tt.hops, tt.kinds, len(g.Nodes), g.Nodes[:min(1, len(g.Nodes))], len(g.Links), tt.alone)
		}
	}
}
