package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCursorsOnlyWhenAsked: cursors are made only for a connection that
// asks for one, however it asks (directly, in an inline fragment, in a
// named fragment, on edges or on pageInfo), and are then the same cursors;
// a connection asking for none answers the rest as before.
func TestCursorsOnlyWhenAsked(t *testing.T) {
	h := newHandler(t)
	type conn struct {
		Actors struct {
			Edges []struct {
				Cursor *string
				Node   struct{ ID string }
			}
			PageInfo struct {
				HasNextPage bool
				StartCursor *string
				EndCursor   *string
			}
		}
	}
	ask := func(q string) conn {
		t.Helper()
		data, errs := raw(t, h, q)
		if len(errs) > 0 {
			t.Fatalf("%s: %+v", q, errs)
		}
		var c conn
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	all := ask(`{ actors(first: 3) { edges { cursor node { id } } pageInfo { hasNextPage startCursor endCursor } } }`)
	if len(all.Actors.Edges) != 3 || all.Actors.PageInfo.EndCursor == nil || all.Actors.Edges[2].Cursor == nil || *all.Actors.Edges[2].Cursor != *all.Actors.PageInfo.EndCursor || *all.Actors.Edges[0].Cursor != *all.Actors.PageInfo.StartCursor {
		t.Fatalf("cursors asked for: %+v", all)
	}
	for _, q := range []string{
		`{ actors(first: 3) { ... on ActorConnection { edges { cursor node { id } } pageInfo { hasNextPage startCursor endCursor } } } }`,
		`{ actors(first: 3) { ...C } } fragment C on ActorConnection { edges { ...E } pageInfo { ...P } } fragment E on ActorEdge { cursor node { id } } fragment P on PageInfo { hasNextPage startCursor endCursor }`,
	} {
		if diff := cmp.Diff(all, ask(q)); diff != "" {
			t.Errorf("%s (-direct +fragments):\n%s", q, diff)
		}
	}
	// pageInfo's cursors alone, and the edges' alone.
	page := ask(`{ actors(first: 3) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`)
	if page.Actors.PageInfo.EndCursor == nil || *page.Actors.PageInfo.EndCursor != *all.Actors.PageInfo.EndCursor {
		t.Errorf("endCursor alone: %+v", page.Actors.PageInfo)
	}
	edges := ask(`{ actors(first: 3) { edges { cursor } } }`)
	for i, e := range edges.Actors.Edges {
		if e.Cursor == nil || *e.Cursor != *all.Actors.Edges[i].Cursor {
			t.Errorf("edge %d's cursor alone: %v", i, e.Cursor)
		}
	}
	// No cursor asked for: the same nodes and page.
	none := ask(`{ actors(first: 3) { edges { node { id } } pageInfo { hasNextPage } } }`)
	for i := range all.Actors.Edges {
		all.Actors.Edges[i].Cursor = nil
	}
	all.Actors.PageInfo.StartCursor, all.Actors.PageInfo.EndCursor = nil, nil
	if diff := cmp.Diff(all, none); diff != "" {
		t.Errorf("without cursors (-with, cursors dropped +without):\n%s", diff)
	}
}
