package graph_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// itemFields is what each actor is asked below, in the list and alone:
// aliases of one field with different arguments, @include and @skip, a
// fragment on one kind, lists within lists, references within them.
const itemFields = `id
	a: positions(first: 2) { edges { node { id stance proposition { id positions(first: 2, stance: OPPOSES) { edges { node { id holder { name } } } } } } } }
	b: positions(first: 1, stance: OPPOSES) @include(if: true) { edges { node { id } } }
	c: positions(first: 3) @skip(if: true) { edges { node { id } } }
	... on Person { roles(first: 2) { edges { node { post organization { name } } } } }`

// TestPrefetchAnswersAsAlone checks the prefetch of a list's items (their
// lists and references fetched for the whole page, ahead, by a dry run of
// their resolvers) gives each item the answer it gets when asked alone,
// for every item, with every argument kept apart.
func TestPrefetchAnswersAsAlone(t *testing.T) {
	h, _ := serve(t, berlinFile(t))
	data, errs := raw(t, h, `{ actors(first: 40) { edges { node { `+itemFields+` } } } }`)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	var list struct {
		Actors struct {
			Edges []struct{ Node map[string]any }
		}
	}
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Actors.Edges) < 30 {
		t.Fatalf("%d actors", len(list.Actors.Edges))
	}
	opposed, roles := 0, 0
	for _, e := range list.Actors.Edges {
		id := e.Node["id"].(string)
		if _, ok := e.Node["c"]; ok {
			t.Errorf("%s: the field under @skip(if: true) is in the answer", id)
		}
		alone, errs := raw(t, h, fmt.Sprintf(`{ node(id: %q) { ... on Actor { %s } } }`, id, itemFields))
		if len(errs) > 0 {
			t.Fatalf("%s alone: %+v", id, errs)
		}
		var one struct{ Node map[string]any }
		if err := json.Unmarshal(alone, &one); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(e.Node, one.Node) {
			t.Errorf("%s in the list:\n%v\nalone:\n%v", id, e.Node, one.Node)
		}
		if b, _ := json.Marshal(e.Node["a"]); strings.Contains(string(b), "holder") {
			opposed++
		}
		if _, ok := e.Node["roles"]; ok {
			roles++
		}
	}
	if opposed == 0 || roles == 0 {
		t.Errorf("the query reached no opposing holder (%d) or no role (%d): it tests nothing", opposed, roles)
	}
}

// TestPrefetchKeepsErrorsInPlace checks a bad argument of a field under a
// list is reported once for each item, at the item's own path, as when
// each resolver ran alone: the dry run reports nothing itself.
func TestPrefetchKeepsErrorsInPlace(t *testing.T) {
	h, _ := serve(t, berlinFile(t))
	_, errs := raw(t, h, `{ actors(first: 3) { edges { node { id positions(first: 101) { edges { node { id } } } } } } }`)
	if len(errs) != 3 {
		t.Fatalf("%d errors, want 3 (one per actor): %+v", len(errs), errs)
	}
	var paths []string
	for _, e := range errs {
		if e.Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(e.Message, "first must be between 0 and 100") {
			t.Errorf("error %+v", e)
		}
		paths = append(paths, fmt.Sprint(e.Path))
	}
	sort.Strings(paths)
	want := []string{"[actors edges 0 node positions]", "[actors edges 1 node positions]", "[actors edges 2 node positions]"}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("paths %v, want %v", paths, want)
	}
}
