package graph_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestChangesSince polls the history as a client that cannot subscribe
// does: changes(since:) gives the changes after a sequence number, oldest
// first, paged by endCursor, and nothing once it has caught up.
func TestChangesSince(t *testing.T) {
	s := newWriteServer(t, false)
	_, data, errs := s.do(t, "", `{ changes(first: 1) { edges { node { seq } } } }`, nil)
	var newest struct {
		Changes struct {
			Edges []struct{ Node struct{ Seq int } }
		}
	}
	if len(errs) > 0 || json.Unmarshal(data, &newest) != nil || len(newest.Changes.Edges) != 1 {
		t.Fatalf("newest change: %s %+v", data, errs)
	}
	start := newest.Changes.Edges[0].Node.Seq
	for _, d := range []string{"one", "two", "three"} {
		if _, _, errs := s.do(t, s.editor, `mutation($n: String!) { updateActor(input: {id: "ukraine", description: $n}) { actor { id } } }`, map[string]any{"n": d}); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	q := `query($s: Int!, $a: String) { changes(since: $s, first: 2, after: $a) { edges { node { seq op nodeId after } } pageInfo { hasNextPage endCursor } } }`
	type page struct {
		Changes struct {
			Edges []struct {
				Node struct {
					Seq        int
					Op, NodeID string
					After      string
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	var got []string
	var after any
	for i := 0; ; i++ {
		_, data, errs := s.do(t, "", q, map[string]any{"s": start, "a": after})
		var p page
		if len(errs) > 0 || json.Unmarshal(data, &p) != nil {
			t.Fatalf("page %d: %s %+v", i, data, errs)
		}
		for _, e := range p.Changes.Edges {
			var rec struct{ Description string }
			json.Unmarshal([]byte(e.Node.After), &rec)
			got = append(got, fmt.Sprintf("%d %s %s %s", e.Node.Seq-start, e.Node.Op, e.Node.NodeID, rec.Description))
		}
		if !p.Changes.PageInfo.HasNextPage {
			break
		}
		if i > 3 {
			t.Fatal("more pages than changes")
		}
		after = *p.Changes.PageInfo.EndCursor
	}
	want := fmt.Sprint([]string{"1 UPDATE ukraine one", "2 UPDATE ukraine two", "3 UPDATE ukraine three"})
	if fmt.Sprint(got) != want {
		t.Errorf("changes since %d:\n got %v\nwant %s", start, got, want)
	}
	// Caught up: nothing after the last.
	_, data, errs = s.do(t, "", `query($s: Int!) { changes(since: $s) { edges { cursor } pageInfo { hasNextPage } } }`, map[string]any{"s": start + 3})
	if len(errs) > 0 || string(data) != `{"changes":{"edges":[],"pageInfo":{"hasNextPage":false}}}` {
		t.Errorf("caught up: %s %+v", data, errs)
	}
	// Only one node's, and a bad since.
	_, data, errs = s.do(t, "", `query($s: Int!) { changes(since: $s, node: "france") { edges { cursor } } }`, map[string]any{"s": start})
	if len(errs) > 0 || string(data) != `{"changes":{"edges":[]}}` {
		t.Errorf("another node's: %s %+v", data, errs)
	}
	_, _, errs = s.do(t, "", `{ changes(since: -1) { edges { cursor } } }`, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("since -1: %+v", errs)
	}
}

// TestChangesTotalCount counts the changes a query selects on all its
// pages: of one node, after a since, or all; a page's size or cursor does
// not change it.
func TestChangesTotalCount(t *testing.T) {
	s := newWriteServer(t, false)
	count := func(q string, vars map[string]any) int {
		t.Helper()
		_, data, errs := s.do(t, "", q, vars)
		var out struct {
			Changes struct{ TotalCount int }
			Node    struct{ History struct{ TotalCount int } }
		}
		if len(errs) > 0 || json.Unmarshal(data, &out) != nil {
			t.Fatalf("%s: %s %+v", q, data, errs)
		}
		return out.Changes.TotalCount + out.Node.History.TotalCount
	}
	_, data, errs := s.do(t, "", `{ changes(first: 100, node: "ukraine") { edges { node { seq } } pageInfo { hasNextPage } } }`, nil)
	var ukraine struct {
		Changes struct {
			Edges    []struct{ Node struct{ Seq int } }
			PageInfo struct{ HasNextPage bool }
		}
	}
	if len(errs) > 0 || json.Unmarshal(data, &ukraine) != nil || ukraine.Changes.PageInfo.HasNextPage || len(ukraine.Changes.Edges) == 0 {
		t.Fatalf("ukraine's changes: %s %+v", data, errs)
	}
	before := len(ukraine.Changes.Edges)
	_, data, errs = s.do(t, "", `{ changes(first: 1) { edges { node { seq } } } }`, nil)
	var newest struct {
		Changes struct {
			Edges []struct{ Node struct{ Seq int } }
		}
	}
	if len(errs) > 0 || json.Unmarshal(data, &newest) != nil || len(newest.Changes.Edges) != 1 {
		t.Fatalf("newest change: %s %+v", data, errs)
	}
	last := newest.Changes.Edges[0].Node.Seq
	all := count(`{ changes(first: 1) { totalCount } }`, nil)
	if all < before {
		t.Fatalf("all changes %d, fewer than ukraine's %d", all, before)
	}
	if got := count(`{ changes(node: "ukraine", first: 1) { totalCount } }`, nil); got != before {
		t.Errorf("ukraine's totalCount = %d, want %d (the changes it pages through)", got, before)
	}
	for _, d := range []string{"one", "two", "three"} {
		if _, _, errs := s.do(t, s.editor, `mutation($n: String!) { updateActor(input: {id: "ukraine", description: $n}) { actor { id } } }`, map[string]any{"n": d}); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	for _, c := range []struct {
		q    string
		vars map[string]any
		want int
	}{
		{`{ changes { totalCount } }`, nil, all + 3},
		{`{ changes(node: "ukraine", first: 1) { totalCount } }`, nil, before + 3},
		{`{ node(id: "ukraine") { ... on Actor { history(first: 1) { totalCount } } } }`, nil, before + 3},
		{`query($s: Int!) { changes(since: $s, first: 1) { totalCount } }`, map[string]any{"s": last}, 3},
		{`query($s: Int!) { changes(since: $s, node: "france") { totalCount } }`, map[string]any{"s": last}, 0},
		{`query($s: Int!) { changes(since: $s) { totalCount } }`, map[string]any{"s": last + 3}, 0},
	} {
		if got := count(c.q, c.vars); got != c.want {
			t.Errorf("%s %v: totalCount = %d, want %d", c.q, c.vars, got, c.want)
		}
	}
	// A cursor moves the page, not the count.
	_, data, errs = s.do(t, "", `{ changes(node: "ukraine", first: 1) { pageInfo { endCursor } } }`, nil)
	var first struct {
		Changes struct{ PageInfo struct{ EndCursor string } }
	}
	if len(errs) > 0 || json.Unmarshal(data, &first) != nil {
		t.Fatalf("%s %+v", data, errs)
	}
	if got := count(`query($a: String) { changes(node: "ukraine", first: 1, after: $a) { totalCount } }`, map[string]any{"a": first.Changes.PageInfo.EndCursor}); got != before+3 {
		t.Errorf("after a cursor: totalCount = %d, want %d", got, before+3)
	}
}
