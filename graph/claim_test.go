package graph_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestClaimThroughTheStack writes a claim through the API and reads it back
// every way the graph offers: the top-level list and its filters, the
// connections from what it is about and from its claimant, the statement
// that voices it, search, a path, and an export that imports again.
func TestClaimThroughTheStack(t *testing.T) {
	s := newWriteServer(t, false)
	must := func(token, q string, vars map[string]any) json.RawMessage {
		t.Helper()
		_, data, errs := s.do(t, token, q, vars)
		if len(errs) > 0 {
			t.Fatalf("%s: %+v", q, errs)
		}
		return data
	}
	in := map[string]any{
		"id": "claim-test-not-seen", "kind": "FACT", "text": "Moscow has not seen the text of the proposals.",
		"about":       []any{"kremlin", "doc-security-guarantees"},
		"attribution": map[string]any{"basis": "SPOKESPERSON", "by": "kremlin"},
		"evidence":    []any{span("Moscow said it had not seen the text of the proposals on NATO-style security guarantees")},
	}
	data := must(s.editor, `mutation($in: ClaimInput!) { createClaim(input: $in) { claim { id kind claimant { id } about { ... on Node { id } } evidence { start end } } changes { op } } }`,
		map[string]any{"in": in})
	if !strings.Contains(string(data), `"claimant":{"id":"kremlin"}`) || !strings.Contains(string(data), `"about":[{"id":"kremlin"},{"id":"doc-security-guarantees"}]`) ||
		!strings.Contains(string(data), `"changes":[{"op":"CREATE"}]`) {
		t.Errorf("createClaim = %s", data)
	}
	data = must(s.editor, `mutation($in: ClaimPatch!) { updateClaim(input: $in) { claim { kind text } } }`,
		map[string]any{"in": map[string]any{"id": "claim-test-not-seen", "kind": "FACT", "text": "Moscow says it has not seen the text."}})
	if string(data) != `{"updateClaim":{"claim":{"kind":"FACT","text":"Moscow says it has not seen the text."}}}` {
		t.Errorf("updateClaim = %s", data)
	}
	// A statement voices it.
	must(s.editor, `mutation($in: StatementPatch!) { updateStatement(input: $in) { statement { id } } }`,
		map[string]any{"in": map[string]any{"id": "st-russia-not-seen-text", "expresses": []any{"claim-test-not-seen"}}})

	data = must("", `{
		byAbout: claims(about: "doc-security-guarantees", claimant: "kremlin", kind: FACT) { totalCount edges { node { id } } }
		none: claims(about: "doc-security-guarantees", kind: FORECAST) { totalCount }
		russia: node(id: "kremlin") { ... on Actor { claims { edges { node { id } } } claimsAbout { edges { node { id } } } } }
		doc: node(id: "doc-security-guarantees") { ... on Document { claims { totalCount edges { node { id statements { edges { node { id } } } } } } } }
		search(query: "not seen", kinds: [Claim]) { edges { node { node { ... on Node { id } } } } }
		path(from: "kremlin", to: "doc-security-guarantees", maxHops: 2, kinds: [ABOUT]) { links { kind via { ... on Node { id } } } }
		claims: path(from: "kremlin", to: "claim-test-not-seen", maxHops: 1, kinds: [CLAIMS]) { links { kind via { ... on Node { id } } } }
	}`, nil)
	var got struct {
		ByAbout struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
		None   struct{ TotalCount int }
		Russia struct {
			Claims, ClaimsAbout struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		Doc struct {
			Claims struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID         string
						Statements struct {
							Edges []struct{ Node struct{ ID string } }
						}
					}
				}
			}
		}
		Search struct {
			Edges []struct {
				Node struct{ Node struct{ ID string } }
			}
		}
		Path, Claims struct {
			Links []struct {
				Kind string
				Via  struct{ ID string }
			}
		}
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	ids := func(edges []struct{ Node struct{ ID string } }) []string {
		var out []string
		for _, e := range edges {
			out = append(out, e.Node.ID)
		}
		return out
	}
	const id = "claim-test-not-seen"
	if got.ByAbout.TotalCount != 1 || ids(got.ByAbout.Edges)[0] != id || got.None.TotalCount != 0 {
		t.Errorf("claims(about, claimant, kind) = %+v, none = %+v", got.ByAbout, got.None)
	}
	if !contains(ids(got.Russia.Claims.Edges), id) || !contains(ids(got.Russia.ClaimsAbout.Edges), id) {
		t.Errorf("the Kremlin's claims %v, claims about the Kremlin %v: want both to hold %s", ids(got.Russia.Claims.Edges), ids(got.Russia.ClaimsAbout.Edges), id)
	}
	dc := got.Doc.Claims.Edges
	if len(dc) == 0 || !contains(func() []string {
		var out []string
		for _, e := range dc {
			out = append(out, e.Node.ID)
		}
		return out
	}(), id) {
		t.Errorf("claims about the guarantees = %+v", dc)
	}
	for _, e := range dc {
		if e.Node.ID == id && (len(e.Node.Statements.Edges) != 1 || e.Node.Statements.Edges[0].Node.ID != "st-russia-not-seen-text") {
			t.Errorf("statements voicing the claim = %+v", e.Node.Statements)
		}
	}
	var hits []string
	for _, e := range got.Search.Edges {
		hits = append(hits, e.Node.Node.ID)
	}
	if !contains(hits, id) {
		t.Errorf("search for the claim's words found %v", hits)
	}
	var links []string
	for _, l := range got.Path.Links {
		links = append(links, l.Kind+" "+l.Via.ID)
	}
	for _, l := range got.Claims.Links {
		links = append(links, l.Kind+" "+l.Via.ID)
	}
	// Kremlin—claim—document by ABOUT (the claim is about both), and
	// Kremlin—claim by CLAIMS.
	if diff := cmp.Diff([]string{"ABOUT " + id, "ABOUT " + id, "CLAIMS " + id}, links); diff != "" {
		t.Errorf("paths through the claim (-want +got):\n%s", diff)
	}

	// Refused: a claim about a statement, and one with no evidence.
	_, _, errs := s.do(t, s.editor, `mutation($in: ClaimInput!) { createClaim(input: $in) { claim { id } } }`,
		map[string]any{"in": map[string]any{"id": "claim-bad", "kind": "FACT", "text": "x", "about": []any{"st-russia-not-seen-text"},
			"attribution": map[string]any{"basis": "JOURNALIST"}, "evidence": []any{span("Moscow said")}}})
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(errs[0].Message, "input.about[0]") {
		t.Errorf("claim about a statement: %+v", errs)
	}

	// Export holds the claim and imports into a fresh store unchanged.
	ctx := context.Background()
	ds, err := s.db.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var exported *parley.Claim
	for _, c := range ds.Claims {
		if c.ID == id {
			exported = c
		}
	}
	if exported == nil || exported.Text != "Moscow says it has not seen the text." {
		t.Fatalf("export lost the claim: %+v", exported)
	}
	db2, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "again.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if _, err := db2.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatalf("import the export: %v", err)
	}
	again, err := db2.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ds.Claims, again.Claims); diff != "" {
		t.Errorf("claims after a round trip (-exported +reimported):\n%s", diff)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
