package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type searchResp struct {
	Search struct {
		Edges []struct {
			Cursor string
			Node   struct {
				Node struct {
					Typename string `json:"__typename"`
					ID       string
				}
				Field    string
				Snippet  string
				Score    float64
				Sentence *struct {
					Start, End int
					Quote      string
				}
			}
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
		TotalCount int
	}
}

// ids are the ids of the hits, a sentence of a source as the source's id
// and where the sentence starts.
func (r searchResp) ids() []string {
	var out []string
	for _, e := range r.Search.Edges {
		id := e.Node.Node.ID
		if e.Node.Sentence != nil {
			id += fmt.Sprintf("@%d", e.Node.Sentence.Start)
		}
		out = append(out, id)
	}
	return out
}

const hitFields = `edges { cursor node { node { __typename ... on Node { id } } field snippet score sentence { start end quote } } }
	pageInfo { hasNextPage endCursor } totalCount`

func TestSearchRanking(t *testing.T) {
	h := newHandler(t)
	var all searchResp
	query(t, h, `{ search(query: "Donbas", first: 12) { `+hitFields+` } }`, &all)
	// Everything the search finds first is about Donbas, positions and
	// statements among the first ten.
	donbas := map[string]bool{
		"donbas": true, "ukraine-cedes-donbas": true, "ukraine-recognises-occupied-donbas-as-russian": true, "donbas-free-economic-zone": true,
		"pos-russia-demands-donbas": true, "pos-ukraine-refuses-to-give-up-donbas": true, "pos-ukraine-will-not-recognise-occupied-donbas": true,
		"pos-us-floats-free-economic-zone": true, "pos-ukraine-questions-free-economic-zone": true,
		"claim-territory-hardest-roadblock": true, "claim-largest-obstacles-unresolved": true,
		"st-zelenskyy-will-not-recognise": true, "st-zelenskyy-will-not-give-up-territory": true,
	}
	kinds := map[string]int{}
	for i, e := range all.Search.Edges[:10] {
		if !donbas[e.Node.Node.ID] {
			t.Errorf("hit %d is %s, not about Donbas", i, e.Node.Node.ID)
		}
		kinds[e.Node.Node.Typename]++
		if !strings.Contains(e.Node.Snippet, "<mark>Donbas</mark>") {
			t.Errorf("hit %d: snippet %q does not highlight the word", i, e.Node.Snippet)
		}
		if i > 0 && e.Node.Score > all.Search.Edges[i-1].Node.Score {
			t.Errorf("hit %d scores higher than the one before", i)
		}
	}
	if kinds["Position"] < 2 || kinds["Statement"] < 1 {
		t.Errorf("kinds among the first ten: %v; want positions and a statement", kinds)
	}
	// Only positions and statements.
	var ps searchResp
	query(t, h, `{ search(query: "Donbas", kinds: [Position, Statement]) { `+hitFields+` } }`, &ps)
	// The positions and statements whose words say "Donbas" (Ukraine's
	// refusal says "this territory", so it is not among them).
	want := []string{"pos-russia-demands-donbas", "pos-ukraine-will-not-recognise-occupied-donbas", "pos-us-floats-free-economic-zone",
		"st-zelenskyy-will-not-recognise"}
	if diff := cmp.Diff(want, ps.ids()); diff != "" {
		t.Errorf("positions and statements on Donbas (-want +got):\n%s", diff)
	}
}

func TestSearchFeatures(t *testing.T) {
	h := newHandler(t)
	var r searchResp
	query(t, h, `{ search(query: "zelen*", kinds: [Actor]) { `+hitFields+` } }`, &r)
	if diff := cmp.Diff([]string{"volodymyr-zelenskyy"}, r.ids()); diff != "" {
		t.Errorf("prefix search (-want +got):\n%s", diff)
	}
	query(t, h, `{ search(query: "KREMLIN") { `+hitFields+` } }`, &r)
	if len(r.Search.Edges) == 0 || r.Search.Edges[0].Node.Node.ID != "kremlin" {
		t.Errorf("any case: %v", r.ids())
	}
	// Words in any order must all match; the snippet markers are the client's.
	var s struct {
		Search struct {
			Edges []struct{ Node struct{ Snippet string } }
		}
	}
	query(t, h, `{ search(query: "truce Ukraine respite", first: 1) { edges { node { snippet(before: "[", after: "]") } } } }`, &s)
	if len(s.Search.Edges) != 1 || !strings.Contains(s.Search.Edges[0].Node.Snippet, "[truce]") || !strings.Contains(s.Search.Edges[0].Node.Snippet, "[respite]") {
		t.Errorf("snippet = %+v", s)
	}
	// Paging through every hit for a common word.
	seen := map[string]bool{}
	var after string
	for pages := 0; ; pages++ {
		args := "first: 7"
		if after != "" {
			args += fmt.Sprintf(", after: %q", after)
		}
		var p searchResp
		query(t, h, `{ search(query: "Russia", `+args+`) { `+hitFields+` } }`, &p)
		for _, id := range p.ids() {
			if seen[id] {
				t.Fatalf("%s on two pages", id)
			}
			seen[id] = true
		}
		if !p.Search.PageInfo.HasNextPage {
			break
		}
		after = *p.Search.PageInfo.EndCursor
		if pages > 30 {
			t.Fatal("paging does not end")
		}
	}
	var one searchResp
	query(t, h, `{ search(query: "Russia", first: 100) { `+hitFields+` } }`, &one)
	if len(seen) != len(one.Search.Edges) || len(seen) < 15 || one.Search.TotalCount != len(seen) {
		t.Errorf("paged %d hits, one page has %d, totalCount %d", len(seen), len(one.Search.Edges), one.Search.TotalCount)
	}
	sentences := 0
	for i, e := range one.Search.Edges {
		if e.Node.Sentence != nil {
			sentences++
		} else if sentences > 0 {
			t.Errorf("hit %d, %s, comes after a sentence of the text: the graph's nodes come first", i, e.Node.Node.ID)
		}
	}
	if sentences < 5 {
		t.Errorf("%d sentences of the article mention Russia, want the many that do", sentences)
	}
}

func TestSearchHostileInput(t *testing.T) {
	h := newHandler(t)
	for _, q := range []string{`"unbalanced`, `NEAR(`, `Donbas NEAR(territory`, `*`, `Donbas*`, `"Donbas" OR "truce"`, `col:Donbas`, `(((`, `Don"bas`, `^Donbas`, `Донбас`} {
		data, errs := raw(t, h, fmt.Sprintf(`{ search(query: %q) { edges { node { field } } } }`, q))
		if len(errs) > 0 {
			if errs[0].Extensions["code"] != "BAD_USER_INPUT" {
				t.Errorf("%q: %+v, want results or BAD_USER_INPUT", q, errs)
			}
			continue
		}
		if !strings.HasPrefix(string(data), `{"search":{"edges":[`) {
			t.Errorf("%q: %s", q, data)
		}
	}
	for q, msg := range map[string]string{
		strings.Repeat("Donbas ", 1500): "query is longer than 500 characters",
		"   ":                           "query has no words to search for",
		`" * ( )`:                       "query has no words to search for",
	} {
		_, errs := raw(t, h, fmt.Sprintf(`{ search(query: %q) { edges { node { field } } } }`, q))
		if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Message != msg {
			t.Errorf("%.20q: %+v, want BAD_USER_INPUT %q", q, errs, msg)
		}
	}
}

// TestSearchFollowsWrites checks the index is kept current by mutations
// and imports: new words are found at once, replaced and deleted ones are
// gone.
func TestSearchFollowsWrites(t *testing.T) {
	s := newWriteServer(t, false)
	find := func(word string) []string {
		t.Helper()
		_, data, errs := s.do(t, "", fmt.Sprintf(`{ search(query: %q) { edges { node { node { ... on Node { id } } } } } }`, word), nil)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		var r searchResp
		if err := jsonUnmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		return r.ids()
	}
	s.do(t, s.editor, `mutation { createActor(input: {id: "zaporizhzhia-council", kind: ORGANIZATION, name: "Zaporizhzhia council"}) { actor { id } } }`, nil)
	if got := find("zaporizhzhia"); len(got) != 1 || got[0] != "zaporizhzhia-council" {
		t.Errorf("after create: %v", got)
	}
	s.do(t, s.editor, `mutation { updateActor(input: {id: "zaporizhzhia-council", name: "Kherson council"}) { actor { id } } }`, nil)
	if got := find("zaporizhzhia"); len(got) != 0 {
		t.Errorf("the old name is still found: %v", got)
	}
	if got := find("kherson"); len(got) != 1 {
		t.Errorf("the new name is not found: %v", got)
	}
	s.do(t, s.admin, `mutation { deleteNode(input: {id: "zaporizhzhia-council"}) { id } }`, nil)
	if got := find("kherson"); len(got) != 0 {
		t.Errorf("a deleted node is still found: %v", got)
	}
	s.do(t, s.admin, `mutation($y: String!) { importDataset(input: {yaml: $y}) { created } }`, map[string]any{"y": "issues:\n  - id: black-sea\n    name: Black Sea grain corridor\n"})
	if got := find("grain corridor"); len(got) != 1 || got[0] != "black-sea" {
		t.Errorf("after import: %v", got)
	}
}

// TestSearchControlCharacters sends NUL and other control characters in
// the query's variable, as JSON allows: a clean answer, never an internal
// error.
func TestSearchControlCharacters(t *testing.T) {
	h := newHandler(t)
	for _, q := range []string{"Donbas\x00", "\x00Donbas", "Don\x00bas", "truce\x01\x1f\x7f", "\x00", "\ufffd"} {
		body, _ := json.Marshal(map[string]any{
			"query":     `query($q: String!) { search(query: $q) { edges { node { field snippet } } } }`,
			"variables": map[string]any{"q": q},
		})
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var resp struct {
			Data   json.RawMessage
			Errors []gqlError
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%q: %d %s", q, w.Code, w.Body)
		}
		if len(resp.Errors) > 0 {
			if resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.HasPrefix(resp.Errors[0].Message, "query ") {
				t.Errorf("%q: %+v, want results or BAD_USER_INPUT naming the query", q, resp.Errors)
			}
			continue
		}
		if !strings.HasPrefix(string(resp.Data), `{"search":{"edges":[`) {
			t.Errorf("%q: %s", q, resp.Data)
		}
	}
}

// TestSearchFindsWhatAPersonTypes: a word finds its other forms, a
// statement is found by who said it, and the article's own sentences are
// hits, named plainly in a flat list with a total.
func TestSearchFindsWhatAPersonTypes(t *testing.T) {
	h := newHandler(t)
	type hit struct {
		Node struct {
			Typename string `json:"__typename"`
			ID       string
		}
		Field    string
		Snippet  string
		Score    float64
		Sentence *struct {
			Start, End int
			Quote      string
			Source     struct{ ID string }
		}
	}
	type hits struct {
		TotalCount int
		Hits       []hit
	}
	var r struct{ Doubt, Peskov, Sentence, Accents hits }
	fields := `totalCount hits { node { __typename ... on Node { id } } field snippet score sentence { start end quote source { id } } }`
	// One search an operation: each costs a ranking of every match.
	for _, q := range []struct {
		query string
		into  *hits
	}{
		{`search(query: "doubt")`, &r.Doubt},
		{`search(query: "Peskov", kinds: [Statement])`, &r.Peskov},
		{`search(query: "incremental gains")`, &r.Sentence},
		{`search(query: "ISTITUTO affari")`, &r.Accents},
	} {
		var one struct{ Search hits }
		query(t, h, `{ `+q.query+` { `+fields+` } }`, &one)
		*q.into = one.Search
	}
	// "doubt" finds the analysts' doubt by its stem: their statement, the
	// actor and issue the words are evidence of, their position (by its
	// summary, shorter than its evidence, the same words), and the
	// article's sentence.
	var got []string
	for _, h := range r.Doubt.Hits {
		got = append(got, h.Node.ID+" "+h.Field)
		if !strings.Contains(h.Snippet, "<mark>doubtful</mark>") {
			t.Errorf("doubt: snippet %q does not mark the word", h.Snippet)
		}
	}
	want := []string{"st-analysts-doubtful words", "analysts evidence", "ceasefire evidence", "pos-analysts-peace-not-close summary",
		"berlin-talks-article sentence"}
	if diff := cmp.Diff(want, got); diff != "" || r.Doubt.TotalCount != len(want) {
		t.Errorf("doubt (-want +got):\n%s\ntotalCount %d", diff, r.Doubt.TotalCount)
	}
	if s := r.Doubt.Hits[len(r.Doubt.Hits)-1].Sentence; s == nil || s.Quote != "But analysts remain doubtful that a ceasefire is imminent." ||
		s.Source.ID != "berlin-talks-article" || s.End-s.Start != len([]rune(s.Quote)) {
		t.Errorf("doubt: the sentence hit = %+v", s)
	}
	// Peskov's three statements: two quoted with his name, and the one
	// whose evidence says only "He added", found by its speaker's name.
	got = nil
	for _, h := range r.Peskov.Hits {
		got = append(got, h.Node.ID)
		if want := map[bool]string{true: "speaker", false: "evidence"}[h.Node.ID == "st-peskov-achieve-our-goals"]; h.Field != want {
			t.Errorf("Peskov: %s matched by %q, want %s", h.Node.ID, h.Field, want)
		}
	}
	sort.Strings(got)
	if diff := cmp.Diff([]string{"st-peskov-achieve-our-goals", "st-peskov-momentary-solutions", "st-peskov-no-truce"}, got); diff != "" || r.Peskov.TotalCount != 3 {
		t.Errorf("Peskov's statements (-want +got):\n%s", diff)
	}
	// A sentence no node quotes those words of is found in the text.
	var sentence []string
	for _, h := range r.Sentence.Hits {
		if h.Sentence != nil {
			sentence = append(sentence, h.Sentence.Quote)
		}
	}
	if len(sentence) != 1 || !strings.HasPrefix(sentence[0], "Russia currently controls nearly a fifth of Ukraine’s east and has been making incremental territorial gains") {
		t.Errorf("incremental gains: sentences %q", sentence)
	}
	if len(r.Accents.Hits) == 0 || r.Accents.Hits[0].Node.ID != "istituto-affari-internazionali" {
		t.Errorf("any case: %+v", r.Accents.Hits)
	}
}
