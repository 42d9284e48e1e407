package graph_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/graph"
)

// TestOperationCacheFollowsVariables asks the same documents again with
// other variables: what an operation computes once and keeps for the
// document's later requests (the fields each object selects, the
// arguments of each field) must follow the variables where the document
// names them, in a field's arguments, in @include and @skip, on fields,
// inline fragments and fragment spreads.
func TestOperationCacheFollowsVariables(t *testing.T) {
	h, _ := serve(t, berlinFile(t))
	ask := func(q string, vars map[string]any) string {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var resp struct {
			Data   json.RawMessage
			Errors []gqlError
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || len(resp.Errors) > 0 {
			t.Fatalf("%s %v: %s", q, vars, w.Body.String())
		}
		return string(resp.Data)
	}
	const args = `query($n: Int, $after: String) { node(id: "ukraine") { ... on Actor {
		positions(first: $n, after: $after) { edges { node { id } } } } } }`
	const include = `query($x: Boolean!, $s: Boolean!) { actors(first: 2) { edges { node { id name @include(if: $x)
		... on Actor @skip(if: $s) { kind } ...Described @include(if: $s) } } } }
		fragment Described on Actor { description }`
	// The answers each asked alone, on a handler of its own.
	fresh := func(q string, vars map[string]any) string {
		t.Helper()
		h2, _ := serve(t, berlinFile(t))
		saved := h
		h = h2
		defer func() { h = saved }()
		return ask(q, vars)
	}
	var first struct {
		Node struct {
			Positions struct{ Edges []struct{ Cursor string } }
		}
	}
	if err := json.Unmarshal([]byte(fresh(`{ node(id: "ukraine") { ... on Actor { positions(first: 1) { edges { cursor } } } } }`, nil)), &first); err != nil || len(first.Node.Positions.Edges) != 1 {
		t.Fatalf("the first position's cursor: %v", err)
	}
	cases := []struct {
		q    string
		vars map[string]any
	}{
		{args, map[string]any{"n": 1}},
		{args, map[string]any{"n": 3}},
		{args, map[string]any{"n": 2, "after": first.Node.Positions.Edges[0].Cursor}},
		{args, map[string]any{"n": 1}},
		{include, map[string]any{"x": true, "s": false}},
		{include, map[string]any{"x": false, "s": true}},
		{include, map[string]any{"x": true, "s": true}},
		{include, map[string]any{"x": false, "s": false}},
	}
	var want []string
	for _, c := range cases {
		want = append(want, fresh(c.q, c.vars))
	}
	if want[0] == want[1] || want[4] == want[5] || want[6] == want[7] {
		t.Fatalf("the variables change nothing: %q", want)
	}
	for round := range 2 {
		for i, c := range cases {
			if diff := cmp.Diff(want[i], ask(c.q, c.vars)); diff != "" {
				t.Errorf("round %d, %s with %v, asked after the others (-alone +after):\n%s", round, c.q, c.vars, diff)
			}
		}
	}
}

// TestOperationCacheStopsGrowing: what a document's queries share (the
// fields each object selects, arguments, the prefetch's plans and item
// selections) is made by its first request; asked again, a query adds
// nothing, whatever it lists within lists, fragments and connections
// included.
func TestOperationCacheStopsGrowing(t *testing.T) {
	count := graph.CountOperationCaches()
	h, _ := serve(t, berlinFile(t))
	const q = `{ node(id: "russia") { ... on Actor { name positions(first: 20) { totalCount edges { node { stance
		proposition { text issue { name } positions(first: 10) { edges { node { ...Held
			evidence { quote source { title } } } } } } } } } } }
		actors(first: 5) { edges { node { id name } } } }
		fragment Held on Position { holder { name } }`
	ask := func() {
		t.Helper()
		if _, errs := raw(t, h, q); len(errs) > 0 {
			t.Fatalf("%+v", errs)
		}
	}
	ask()
	first := count()
	if first == 0 {
		t.Fatal("the query's document shares nothing")
	}
	for range 5 {
		ask()
	}
	if n := count(); n != first {
		t.Errorf("the shared operation cache holds %d entries after six requests, %d after the first", n, first)
	}
}
