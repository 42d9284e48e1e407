package graph_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type coverageResp struct {
	Node struct {
		LeftOut  []struct{ Quote, Reason string }
		Coverage struct {
			Sentences, Covered int
			LeftOut            []struct {
				Quote      string
				Start, End int
				Reason     string
			}
			Uncovered []struct {
				Text       string
				Start, End int
			}
		}
	}
}

// TestBerlinCoverage: every sentence of the article is cited by some
// evidence or left out in the data with a reason, and the API says so.
func TestBerlinCoverage(t *testing.T) {
	h := newHandler(t)
	var resp coverageResp
	query(t, h, `{ node(id: "berlin-talks-article") { ... on Source { leftOut { quote reason }
		coverage { sentences covered leftOut { quote start end reason } uncovered { text start end } } } } }`, &resp)
	c := resp.Node.Coverage
	if c.Sentences != 74 || c.Covered != 72 || len(c.LeftOut) != 2 || len(c.Uncovered) != 0 {
		t.Errorf("coverage = %+v, want 74 sentences: 72 cited, 2 left out, none uncovered", c)
	}
	var got []string
	for _, l := range c.LeftOut {
		checkEvidence(t, "left out", []evidence{{Quote: l.Quote, Start: l.Start, End: l.End}})
		if l.Reason == "" {
			t.Errorf("%q left out without a reason", l.Quote)
		}
		got = append(got, l.Quote)
	}
	if diff := cmp.Diff([]string{"What Happened At The Berlin Talks", "Is A Ceasefire Really On The Horizon?"}, got); diff != "" {
		t.Errorf("left out (-want +got):\n%s", diff)
	}
	if len(resp.Node.LeftOut) != 2 {
		t.Errorf("the source's leftOut = %+v", resp.Node.LeftOut)
	}
}

// TestCoverageFindsOmissions: a sentence no evidence cites is listed with
// its offsets, and drops off the list once something cites it.
func TestCoverageFindsOmissions(t *testing.T) {
	s := newWriteServer(t, false)
	must := func(q string, vars map[string]any) string {
		t.Helper()
		_, data, errs := s.do(t, s.editor, q, vars)
		if len(errs) > 0 {
			t.Fatalf("%s: %+v", q, errs)
		}
		return string(data)
	}
	must(`mutation($in: SourceInput!) { createSource(input: $in) { source { id } } }`,
		map[string]any{"in": map[string]any{"id": "note", "title": "A note", "text": "Two parties met. They agreed nothing.\nA heading"}})
	q := `{ node(id: "note") { ... on Source { coverage { sentences covered uncovered { text start end } } } } }`
	if got, want := must(q, nil), `{"node":{"coverage":{"sentences":3,"covered":0,"uncovered":[{"text":"Two parties met.","start":0,"end":16},{"text":"They agreed nothing.","start":17,"end":37},{"text":"A heading","start":38,"end":47}]}}}`; got != want {
		t.Errorf("coverage of an uncited note = %s\nwant %s", got, want)
	}
	must(`mutation($in: ActorInput!) { createActor(input: $in) { actor { id } } }`,
		map[string]any{"in": map[string]any{"id": "parties", "kind": "GROUP", "name": "Two parties", "evidence": []any{map[string]any{"source": "note", "quote": "Two parties met"}}}})
	if got, want := must(q, nil), `{"node":{"coverage":{"sentences":3,"covered":1,"uncovered":[{"text":"They agreed nothing.","start":17,"end":37},{"text":"A heading","start":38,"end":47}]}}}`; got != want {
		t.Errorf("coverage once a sentence is cited = %s\nwant %s", got, want)
	}
	// The heading left out on purpose, with the reason.
	must(`mutation($in: SourcePatch!) { updateSource(input: $in) { source { id } } }`,
		map[string]any{"in": map[string]any{"id": "note", "leftOut": []any{map[string]any{"quote": "A heading", "reason": "a heading"}}}})
	q = `{ node(id: "note") { ... on Source { coverage { covered leftOut { quote start end reason } uncovered { text } } } } }`
	if got, want := must(q, nil), `{"node":{"coverage":{"covered":1,"leftOut":[{"quote":"A heading","start":38,"end":47,"reason":"a heading"}],"uncovered":[{"text":"They agreed nothing."}]}}}`; got != want {
		t.Errorf("coverage with a passage left out = %s\nwant %s", got, want)
	}
	// A passage not in the text is refused, naming the field.
	_, _, errs := s.do(t, s.editor, `mutation($in: SourcePatch!) { updateSource(input: $in) { source { id } } }`,
		map[string]any{"in": map[string]any{"id": "note", "leftOut": []any{map[string]any{"quote": "Not there", "reason": "x"}}}})
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(errs[0].Message, "input.leftOut[0].quote") {
		t.Errorf("a left-out passage not in the text: %+v", errs)
	}
}
