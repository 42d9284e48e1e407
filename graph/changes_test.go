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
