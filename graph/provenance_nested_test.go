package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// provItem is one assertion of a list, with its attribution.
type provItem struct {
	ID          string
	Attribution *struct {
		Basis   string
		By, Via *struct{ ID string }
	}
}

// matches tells whether the item's attribution has value for the filter
// named dim (basis, attributedTo or reportedVia): the rule the store's
// filter is checked against.
func (it provItem) matches(dim, value string) bool {
	a := it.Attribution
	if a == nil {
		return false
	}
	switch dim {
	case "basis":
		return a.Basis == value
	case "attributedTo":
		return a.By != nil && a.By.ID == value
	case "reportedVia":
		return a.Via != nil && a.Via.ID == value
	}
	panic("unknown provenance filter " + dim)
}

type provList struct {
	TotalCount int
	Edges      []struct{ Node provItem }
}

// TestNestedListsFilterByProvenance: every nested list of assertions takes
// the three provenance filters (basis, attributedTo, reportedVia). For each
// list, on the Berlin graph, each filtered answer is exactly the unfiltered
// list's items whose attribution matches, in the same order; one filter
// keeps something, and one keeps less than the whole list.
func TestNestedListsFilterByProvenance(t *testing.T) {
	h := newHandler(t)
	sel := `{ totalCount edges { node { id ... on Assertion { attribution { basis by { id } via { id } } } } } }`
	for _, c := range []struct {
		node, on, field string   // the list: node(id: node) { ... on on { field } }
		filters         []string // each a provenance filter, such as basis: JOURNALIST
	}{
		// An actor's lists.
		{"keir-giles", "Actor", "statements", []string{`reportedVia: "al-jazeera"`}},
		{"ukraine", "Actor", "members", []string{"basis: JOURNALIST", "basis: ON_RECORD"}},
		{"volodymyr-zelenskyy", "Actor", "roles", []string{"basis: JOURNALIST", `attributedTo: "volodymyr-zelenskyy"`}},
		{"donald-trump", "Actor", "relations", []string{`attributedTo: "donald-trump"`, "basis: JOURNALIST"}},
		{"volodymyr-zelenskyy", "Actor", "participations", []string{"basis: JOURNALIST", "basis: ANALYST"}},
		{"keir-giles", "Actor", "claims", []string{`reportedVia: "al-jazeera"`}},
		{"russia", "Actor", "claimsAbout", []string{"basis: JOURNALIST", `reportedVia: "cnn"`, `attributedTo: "dmitry-peskov"`}},
		// An event's.
		{"trump-white-house-remarks", "Event", "statements", []string{"basis: ON_RECORD", `reportedVia: "cnn"`}},
		{"berlin-talks", "Event", "participations", []string{"basis: JOURNALIST", "basis: ON_RECORD"}},
		{"berlin-talks", "Event", "claims", []string{`attributedTo: "volodymyr-zelenskyy"`, "basis: JOURNALIST"}},
		// A document's, an issue's and a proposition's.
		{"doc-security-guarantees", "Document", "commitments", []string{"basis: ANONYMOUS_OFFICIAL", `attributedTo: "us-officials-cnn"`}},
		{"doc-peace-plan", "Document", "claims", []string{"basis: JOURNALIST", `attributedTo: "ukraine"`}},
		{"security-guarantees", "Issue", "commitments", []string{"basis: ANONYMOUS_OFFICIAL", `attributedTo: "european-leaders"`}},
		{"territory", "Issue", "claims", []string{`reportedVia: "cnn"`, "basis: JOURNALIST"}},
		{"peace-is-close", "Proposition", "claims", []string{`reportedVia: "al-jazeera"`, "basis: JOURNALIST"}},
		// The statements that voice a position, a commitment or a claim;
		// a commitment's claims.
		{"pos-trump-peace-is-close", "Position", "statements", []string{"basis: ON_RECORD", "basis: ANALYST"}},
		{"com-us-article-5-like-guarantees", "Commitment", "statements", []string{"basis: ANONYMOUS_OFFICIAL", `reportedVia: "cnn"`}},
		{"com-us-article-5-like-guarantees", "Commitment", "claims", []string{"basis: JOURNALIST", "basis: ANONYMOUS_OFFICIAL"}},
		{"claim-us-officials-90-per-cent-solved", "Claim", "statements", []string{`reportedVia: "cnn"`, "basis: JOURNALIST"}},
	} {
		t.Run(c.node+"."+c.field, func(t *testing.T) {
			q := fmt.Sprintf("{ node(id: %q) { ... on %s { all: %s(first: 100) %s\n", c.node, c.on, c.field, sel)
			for i, f := range c.filters {
				q += fmt.Sprintf("f%d: %s(%s, first: 100) %s\n", i, c.field, f, sel)
			}
			checkProvenance(t, h, q+"} } }", c.filters)
		})
	}
	// Plain lists of assertions: a document's and a commitment's
	// requirements (its own and its document's), what a statement voices,
	// and the posts its speaker held.
	item := `{ id ... on Assertion { attribution { basis by { id } via { id } } } }`
	for _, c := range []struct {
		node, on, field string
		filters         []string
	}{
		{"doc-security-guarantees", "Document", "requirements", []string{"basis: JOURNALIST", "basis: ON_RECORD"}},
		{"com-us-no-troops-on-the-ground", "Commitment", "requirements", []string{"basis: JOURNALIST", `attributedTo: "us-officials"`}},
		{"st-us-officials-90-per-cent", "Statement", "expresses", []string{`reportedVia: "cnn"`, "basis: JOURNALIST"}},
		{"st-zelenskyy-very-workable", "Statement", "speakerRoles", []string{"basis: JOURNALIST", "basis: ANONYMOUS_OFFICIAL"}},
	} {
		t.Run(c.node+"."+c.field, func(t *testing.T) {
			q := fmt.Sprintf("{ node(id: %q) { ... on %s { all: %s %s\n", c.node, c.on, c.field, item)
			for i, f := range c.filters {
				q += fmt.Sprintf("f%d: %s(%s) %s\n", i, c.field, f, item)
			}
			checkProvenance(t, h, q+"} } }", c.filters)
		})
	}
	// The lists inside an alignment: each item's positions of either
	// actor, the commitments that tie them (filtered on the commitment's
	// attribution) and the claims one makes about the other.
	for _, c := range []struct {
		a, b, list string // alignment(a:, b:) { list }
		filters    []string
	}{
		{"russia", "ukraine", "items { a", []string{"basis: JOURNALIST", `attributedTo: "dmitry-peskov"`}},
		{"russia", "ukraine", "items { b", []string{"basis: JOURNALIST", `attributedTo: "volodymyr-zelenskyy"`}},
		{"united-states", "ukraine", "commitments", []string{"basis: ANONYMOUS_OFFICIAL", "basis: ON_RECORD"}},
		{"european-leaders", "ukraine", "commitments", []string{"basis: ON_RECORD", "basis: JOURNALIST"}},
		{"donald-trump", "vladimir-putin", "claims", []string{"basis: ON_RECORD", "basis: JOURNALIST"}},
		{"keir-giles", "donald-trump", "claims", []string{`reportedVia: "al-jazeera"`, `attributedTo: "donald-trump"`}},
	} {
		t.Run("alignment("+c.a+","+c.b+")."+c.list, func(t *testing.T) {
			field, inner := c.list, ""
			if f, ok := strings.CutPrefix(c.list, "items { "); ok {
				field, inner = f, " }"
			}
			sub := item
			if field == "commitments" {
				sub = "{ tie commitment " + item + " }"
			}
			q := fmt.Sprintf("{ alignment(a: %q, b: %q) { ", c.a, c.b)
			if inner != "" {
				q += "items { "
			}
			q += fmt.Sprintf("all: %s %s\n", field, sub)
			for i, f := range c.filters {
				q += fmt.Sprintf("f%d: %s(%s) %s\n", i, field, f, sub)
			}
			checkProvenance(t, h, q+inner+" } }", c.filters)
		})
	}
	// The positions of each stance on an issue (positionsByStance).
	t.Run("donbas.positionsByStance.positions", func(t *testing.T) {
		q := `{ node(id: "donbas") { ... on Issue { positionsByStance { stance
			all: positions(first: 100) ` + sel + `
			f0: positions(basis: ON_RECORD, first: 100) ` + sel + `
			f1: positions(attributedTo: "volodymyr-zelenskyy", first: 100) ` + sel + ` } } } }`
		checkProvenance(t, h, q, []string{"basis: ON_RECORD", `attributedTo: "volodymyr-zelenskyy"`})
	})
}

// checkProvenance asks q, which holds unfiltered lists ("all") each beside
// the same list filtered by each of filters ("f0", "f1"...), and checks
// each filtered list against the unfiltered one. Some filtered list must
// hold something, and some must be shorter than its unfiltered list.
func checkProvenance(t *testing.T, h http.Handler, q string, filters []string) {
	t.Helper()
	data, errs := raw(t, h, q)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	var found []map[string]any
	provLists(v, &found)
	if len(found) == 0 {
		t.Fatalf("no list in %s", data)
	}
	decode := func(v any) provList {
		var l provList
		if items, ok := v.([]any); ok { // a plain list, not a connection
			edges := make([]map[string]any, len(items))
			for i, it := range items {
				if m, ok := it.(map[string]any); ok && m["commitment"] != nil {
					it = m["commitment"] // an alignment's tie: its commitment
				}
				edges[i] = map[string]any{"node": it}
			}
			v = map[string]any{"totalCount": len(items), "edges": edges}
		}
		b, _ := json.Marshal(v)
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		if l.TotalCount != len(l.Edges) {
			t.Errorf("a list is paged: %d of %d", len(l.Edges), l.TotalCount)
		}
		return l
	}
	nonEmpty, smaller := false, false
	for _, obj := range found {
		all := decode(obj["all"])
		var every []string
		for _, e := range all.Edges {
			every = append(every, e.Node.ID)
		}
		for i, filter := range filters {
			dim, value, _ := strings.Cut(filter, ": ")
			value = strings.Trim(value, `"`)
			var want, got []string
			for _, e := range all.Edges {
				if e.Node.matches(dim, value) {
					want = append(want, e.Node.ID)
				}
			}
			for _, e := range decode(obj[fmt.Sprintf("f%d", i)]).Edges {
				got = append(got, e.Node.ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s against the unfiltered list %v (-want +got):\n%s", filter, every, diff)
			}
			if os.Getenv("PROV_DUMP") != "" {
				t.Logf("%s: %v of %v", filter, got, every)
			}
			nonEmpty = nonEmpty || len(got) > 0
			smaller = smaller || len(got) < len(every)
		}
	}
	if !nonEmpty || !smaller {
		t.Errorf("the filters %v should keep something (%v) and leave something out (%v): %s", filters, nonEmpty, smaller, data)
	}
}

// provLists finds, anywhere in an answer, the objects holding an
// unfiltered list ("all") beside filtered ones.
func provLists(v any, out *[]map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["all"]; ok {
			*out = append(*out, x)
		}
		for _, c := range x {
			provLists(c, out)
		}
	case []any:
		for _, c := range x {
			provLists(c, out)
		}
	}
}
