package sqlite_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
)

// TestListPagesByParent pages positions by holder for several parents at
// once, forward and backward, and checks each parent's page against the
// generated dataset itself: the live positions (a fifth are deprecated
// here) in id order, cut at the page, with More set when more remain. A
// parent that cannot be an id (it holds the separators the store packs
// pages with) gets an empty page and leaves the others' intact.
func TestListPagesByParent(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	ds := gen.Generate(gen.Config{Actors: 40, Statements: 600, Seed: 5})
	for i, p := range ds.Positions {
		if i%5 == 0 {
			p.Rank = "DEPRECATED"
		}
	}
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	live := map[string][]string{}
	for _, p := range ds.Positions {
		if p.Rank != "DEPRECATED" {
			live[p.Holder] = append(live[p.Holder], p.ID)
		}
	}
	var holders []string
	for h, ids := range live {
		slices.Sort(ids)
		holders = append(holders, h)
	}
	slices.Sort(holders)
	parents := append(holders[:6:6], "no\x1fsuch", "rec\x1eord", "")
	const first = 3
	for _, backward := range []bool{false, true} {
		res, err := db.List(ctx, parley.ListRequest{Of: parley.TypePosition, Via: "holder", Parents: parents, First: first, Backward: backward})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range parents {
			want := live[h]
			more := len(want) > first
			if more && backward {
				want = want[len(want)-first:]
			} else if more {
				want = want[:first]
			}
			var got []string
			for _, n := range res.Items[h] {
				got = append(got, n.(*parley.Position).ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("backward %v, holder %q: page (-want +got):\n%s", backward, h, diff)
			}
			if res.More[h] != more {
				t.Errorf("backward %v, holder %q: More %v, want %v", backward, h, res.More[h], more)
			}
		}
	}
}
