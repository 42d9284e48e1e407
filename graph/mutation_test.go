package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/parley"
)

// writeServer serves the Berlin graph with auth, as parley serve does,
// and makes a token of each role (and a revoked one).
type writeServer struct {
	h                              http.Handler
	db                             testDB
	reader, editor, admin, revoked string
}

func newWriteServer(t *testing.T, requireToken bool) *writeServer {
	t.Helper()
	ctx := context.Background()
	db := openTestDB(t)
	if _, err := db.Import(ctx, []*parley.Dataset{berlinFile(t)}); err != nil {
		t.Fatal(err)
	}
	s := &writeServer{db: db, h: graph.Authenticate(db, requireToken, graph.Conform(graph.NewHandler(db, nil)))}
	for name, dst := range map[string]*string{"reader": &s.reader, "editor": &s.editor, "admin": &s.admin, "revoked": &s.revoked} {
		role := name
		if name == "revoked" {
			role = "editor"
		}
		var err error
		if *dst, err = db.CreateToken(ctx, name, role); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RevokeToken(ctx, "revoked"); err != nil {
		t.Fatal(err)
	}
	return s
}

// do posts a query with a token (none if empty) and returns the HTTP
// status, the data and the errors.
func (s *writeServer) do(t *testing.T, token, query string, vars map[string]any) (int, json.RawMessage, []gqlError) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	var resp struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response %q: %v", w.Body.String(), err)
	}
	return w.Code, resp.Data, resp.Errors
}

// dump is every row of the graph and its history, to show that a refused
// write changed nothing.
func (s *writeServer) dump(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT id, hash FROM nodes ORDER BY id", "SELECT count(*), coalesce(max(seq), 0) FROM changes",
		"SELECT count(*) FROM evidence", "SELECT count(*) FROM edges", "SELECT name, coalesce(revoked_at, '') FROM tokens ORDER BY name"} {
		rows, err := s.db.SQL().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

const src = "berlin-talks-article"

func span(quote string) map[string]any { return map[string]any{"source": src, "quote": quote} }

// TestCreateAndUpdateEachType creates a node of every type and updates it,
// through the API, and checks the node, its located evidence and its
// history.
func TestCreateAndUpdateEachType(t *testing.T) {
	s := newWriteServer(t, false)
	a := func(quote string) []any { return []any{span(quote)} }
	tests := []struct {
		typ    string
		input  map[string]any
		update map[string]any
		check  string // a field to read back after the update
		want   string
	}{
		{"Source", map[string]any{"id": "src-2", "title": "A note", "text": "Two parties met."}, map[string]any{"publisher": "Desk"}, "publisher", "Desk"},
		{"Actor", map[string]any{"id": "kyiv-city", "kind": "ORGANIZATION", "name": "Kyiv city", "evidence": a("Kyiv faces military pressure")},
			map[string]any{"description": "The capital"}, "description", "The capital"},
		{"Event", map[string]any{"id": "ev-2", "name": "Dinner", "kind": "DINNER"}, map[string]any{"place": "Berlin"}, "place", "Berlin"},
		{"Issue", map[string]any{"id": "issue-2", "name": "Ammunition"}, map[string]any{"parent": "ceasefire"}, "parent { id }", `{"id":"ceasefire"}`},
		{"Proposition", map[string]any{"id": "prop-2", "issue": "donbas", "text": "A referendum."}, map[string]any{"text": "A referendum in Donbas."}, "text", "A referendum in Donbas."},
		{"Document", map[string]any{"id": "doc-2", "title": "A memo", "type": "OTHER"}, map[string]any{"status": "DRAFT"}, "status", "DRAFT"},
		{"Role", map[string]any{"id": "role-2", "holder": "keir-giles", "post": "Expert", "evidence": a("Keir Giles, a Russian military expert")},
			map[string]any{"validFrom": "2025"}, "validFrom", "2025"},
		{"Relation", map[string]any{"id": "rel-2", "kind": "IN_CONTACT", "subject": "donald-trump", "object": "european-leaders", "evidence": a("Trump addressed European leaders by phone")},
			map[string]any{"label": "addressed by phone"}, "label", "addressed by phone"},
		{"Participation", map[string]any{"id": "part-2", "event": "berlin-talks", "actor": "germany", "role": "HOST", "evidence": a("The talks in Berlin")},
			map[string]any{"role": "PARTICIPANT"}, "role", "PARTICIPANT"},
		{"Position", map[string]any{"id": "pos-2", "holder": "russia", "proposition": "temporary-truce", "stance": "OPPOSES", "speechAct": "REJECTS",
			"evidence": a("we don't want a truce")}, map[string]any{"redLine": true}, "redLine", "true"},
		{"Commitment", map[string]any{"id": "com-2", "promisors": []any{"european-leaders"}, "obligation": "Support recovery.", "polarity": "POSITIVE",
			"status": []any{map[string]any{"status": "PROPOSED", "evidence": a("economic recovery support measures")}}, "evidence": a("economic recovery support measures")},
			map[string]any{"bindingness": "POLITICALLY_BINDING"}, "bindingness", "POLITICALLY_BINDING"},
		{"Requirement", map[string]any{"id": "req-2", "subject": "doc-recovery-funding", "kind": "FUNDING", "description": "Funding.", "evidence": a("plans for funding Ukraine's post-war recovery")},
			map[string]any{"actor": "european-union"}, "actor { id }", `{"id":"european-union"}`},
		{"Statement", map[string]any{"id": "st-2", "speaker": "germany", "mode": "INDIRECT", "words": "a small but real chance",
			"expresses": []any{"claim-germany-small-but-real-chance"}, "evidence": a("Germany said there was a small but real chance")},
			map[string]any{"cueVerb": "said"}, "cueVerb", "said"},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			id := tt.input["id"].(string)
			code, data, errs := s.do(t, s.editor, fmt.Sprintf(`mutation($in: %sInput!) { create%s(input: $in) { changes { op author nodeId } } }`, tt.typ, tt.typ),
				map[string]any{"in": tt.input})
			if code != 200 || len(errs) > 0 {
				t.Fatalf("create: %d %+v", code, errs)
			}
			if !strings.Contains(string(data), `{"op":"CREATE","author":"editor","nodeId":"`+id+`"}`) {
				t.Errorf("create changes: %s", data)
			}
			patch := map[string]any{"id": id}
			for k, v := range tt.update {
				patch[k] = v
			}
			_, data, errs = s.do(t, s.editor, fmt.Sprintf(`mutation($in: %sPatch!) { update%s(input: $in) { changes { op } } }`, tt.typ, tt.typ),
				map[string]any{"in": patch})
			if len(errs) > 0 || !strings.Contains(string(data), `"op":"UPDATE"`) {
				t.Fatalf("update: %s %+v", data, errs)
			}
			_, data, errs = s.do(t, "", fmt.Sprintf(`{ node(id: %q) { ... on %s { %s history { edges { node { op author } } } } } }`, id, tt.typ, tt.check), nil)
			if len(errs) > 0 {
				t.Fatalf("read: %+v", errs)
			}
			var got map[string]map[string]json.RawMessage
			json.Unmarshal(data, &got)
			field := strings.Fields(tt.check)[0]
			val := strings.Trim(string(got["node"][field]), `"`)
			if val != tt.want {
				t.Errorf("%s after update = %s, want %s", field, val, tt.want)
			}
			if h := string(got["node"]["history"]); h != `{"edges":[{"node":{"op":"UPDATE","author":"editor"}},{"node":{"op":"CREATE","author":"editor"}}]}` {
				t.Errorf("history = %s", h)
			}
		})
	}
	// The created position is in the graph's relationships at once.
	_, data, _ := s.do(t, "", `{ node(id: "temporary-truce") { ... on Proposition { positions { totalCount } } } }`, nil)
	if string(data) != `{"node":{"positions":{"totalCount":2}}}` {
		t.Errorf("positions on a truce after the create: %s", data)
	}
}

func TestMutationRefusals(t *testing.T) {
	s := newWriteServer(t, false)
	long := strings.Repeat("x", parley.MaxTextLength+1)
	tests := []struct {
		name, query string
		vars        map[string]any
		code, msg   string
	}{
		{"taken id", `mutation { createActor(input: {id: "ukraine", kind: STATE, name: "Ukraine"}) { actor { id } } }`, nil,
			"CONFLICT", `id "ukraine" is already taken (by Actor)`},
		{"dangling reference", `mutation { createPosition(input: {id: "p", holder: "atlantis", proposition: "temporary-truce", stance: OPPOSES, speechAct: REJECTS,
			evidence: [{source: "berlin-talks-article", quote: "truce"}]}) { position { id } } }`, nil,
			"NOT_FOUND", `input.holder: holder refers to "atlantis", which does not exist`},
		{"reference of the wrong type", `mutation { createPosition(input: {id: "p", holder: "donbas", proposition: "temporary-truce", stance: OPPOSES, speechAct: REJECTS,
			evidence: [{source: "berlin-talks-article", quote: "truce"}]}) { position { id } } }`, nil,
			"BAD_USER_INPUT", `input.holder: holder refers to "donbas", which is an Issue, not an Actor`},
		{"words not in the source", `mutation { createRole(input: {id: "r", holder: "keir-giles", post: "x",
			evidence: [{source: "berlin-talks-article", quote: "Giles is a spy"}]}) { role { id } } }`, nil,
			"BAD_USER_INPUT", `input.evidence[0].quote: the words "Giles is a spy" are not in source "berlin-talks-article"`},
		{"missing evidence", `mutation { createRole(input: {id: "r", holder: "keir-giles", post: "x", evidence: []}) { role { id } } }`, nil,
			"BAD_USER_INPUT", "input.evidence: evidence is required: at least one quote from a source"},
		{"malformed date", `mutation { updateRole(input: {id: "role-giles-chatham-house-expert", validFrom: "2025-13"}) { role { id } } }`, nil,
			"BAD_USER_INPUT", `"2025-13" is not a date: use YYYY, YYYY-MM or YYYY-MM-DD`}, // at path updateRole.input.validFrom
		{"bad id", `mutation { createIssue(input: {id: "Big Issue", name: "x"}) { issue { id } } }`, nil,
			"BAD_USER_INPUT", `input.id: id "Big Issue" must be lower-case letters and digits in words joined by '-' (like "volodymyr-zelenskyy")`},
		{"text too long", `mutation($n: String!) { updateActor(input: {id: "ukraine", description: $n}) { actor { id } } }`, map[string]any{"n": long},
			"BAD_USER_INPUT", "input.description: description is longer than 10000 characters"},
		{"update of a missing node", `mutation { updateActor(input: {id: "atlantis", name: "A"}) { actor { id } } }`, nil,
			"NOT_FOUND", `no node with id "atlantis"`},
		{"update through the wrong type", `mutation { updateActor(input: {id: "donbas", name: "A"}) { actor { id } } }`, nil,
			"CONFLICT", `"donbas" is a *parley.Issue, not a *parley.Actor`},
		{"source text changed", `mutation { updateSource(input: {id: "berlin-talks-article", text: "Another text."}) { source { id } } }`, nil,
			"CONFLICT", `input.text: source "berlin-talks-article" is stored with a different text; evidence offsets point into it, so it cannot change`},
		{"delete of what others refer to", `mutation { deleteNode(input: {id: "pos-russia-rejects-temporary-truce"}) { id } }`, nil,
			"CONFLICT", `cannot delete "pos-russia-rejects-temporary-truce": st-peskov-no-truce refer to it; deprecate it instead`},
		{"delete of an actor others refer to", `mutation { deleteNode(input: {id: "keir-giles"}) { id } }`, nil,
			"CONFLICT", `cannot delete "keir-giles": claim-giles-ceasefire-incentive, claim-giles-trump-claims-without-agreement, role-giles-chatham-house-expert, st-giles-ceasefire-incentive, st-giles-trump-claimed refer to it`},
		{"deprecate an entity", `mutation { deleteNode(input: {id: "ukraine", deprecate: true}) { id } }`, nil,
			"BAD_USER_INPUT", `input.deprecate: "ukraine" is not an assertion; only assertions have a rank to deprecate`},
		{"remove the last evidence", `mutation { removeEvidence(input: {id: "pos-russia-demands-donbas", index: 0}) { node { id } } }`, nil,
			"BAD_USER_INPUT", "input.evidence: evidence is required: at least one quote from a source"},
		{"remove evidence that is not there", `mutation { removeEvidence(input: {id: "pos-russia-demands-donbas", index: 3}) { node { id } } }`, nil,
			"BAD_USER_INPUT", `input.index: "pos-russia-demands-donbas" has 1 evidence spans; there is no span 3`},
		{"add evidence not in the source", `mutation { addEvidence(input: {id: "ukraine", evidence: {source: "berlin-talks-article", quote: "Kyiv surrenders"}}) { node { id } } }`, nil,
			"BAD_USER_INPUT", `input.evidence.quote: the words "Kyiv surrenders" are not in source "berlin-talks-article"`},
		{"rate without evidence", `mutation { rateCommitment(input: {id: "com-us-ceasefire-monitoring", status: STALLED, evidence: []}) { commitment { id } } }`, nil,
			"BAD_USER_INPUT", "input.evidence: evidence is required: at least one quote from a source"},
		{"rate out of order", `mutation { rateCommitment(input: {id: "com-freedonia", status: STALLED, evidence: []}) { commitment { id } } }`, nil,
			"NOT_FOUND", `no node with id "com-freedonia"`},
		{"supersede with a bad position", `mutation { supersedePosition(input: {id: "pos-russia-demands-donbas", position: {id: "pos-new", holder: "russia",
			proposition: "nowhere", stance: SUPPORTS, speechAct: DEMANDS, evidence: [{source: "berlin-talks-article", quote: "Russia"}]}}) { position { id } } }`, nil,
			"NOT_FOUND", `input.position.proposition: proposition refers to "nowhere", which does not exist`},
		{"statement that voices nothing and says not why", `mutation { createStatement(input: {id: "st-x", speaker: "germany", mode: INDIRECT,
			words: "a small but real chance", evidence: [{source: "berlin-talks-article", quote: "Germany said there was a small but real chance"}]}) { statement { id } } }`, nil,
			"BAD_USER_INPUT", `input.expresses: statement "st-x" expresses nothing: list the positions, claims or commitments it voices in expresses, or say why it voices none in expressesNothing`},
		{"statement that voices something and says it voices nothing", `mutation { createStatement(input: {id: "st-x", speaker: "germany", mode: INDIRECT,
			words: "a small but real chance", expresses: ["claim-germany-small-but-real-chance"], expressesNothing: "Procedural.",
			evidence: [{source: "berlin-talks-article", quote: "Germany said there was a small but real chance"}]}) { statement { id } } }`, nil,
			"BAD_USER_INPUT", `input.expressesNothing: statement "st-x" expresses 1 node(s), so it cannot also say why it voices nothing: give expresses or expressesNothing, not both`},
		{"update that takes away what a statement voices", `mutation { updateStatement(input: {id: "st-merz-really-considerable", expresses: []}) { statement { id } } }`, nil,
			"BAD_USER_INPUT", `input.expresses: statement "st-merz-really-considerable" expresses nothing: list the positions, claims or commitments it voices in expresses, or say why it voices none in expressesNothing`},
		{"import of a statement that voices nothing", `mutation($y: String!) { importDataset(input: {yaml: $y}) { created } }`,
			map[string]any{"y": "actors:\n  - id: a1\n    kind: PERSON\n    name: A\nstatements:\n  - id: st-x\n    speaker: a1\n    mode: INDIRECT\n    words: small but real chance\n    evidence:\n      - source: berlin-talks-article\n        quote: Germany said there was a small but real chance\n"},
			"BAD_USER_INPUT", `input.yaml:6: statements[0].expresses: statement "st-x" expresses nothing: list the positions, claims or commitments it voices in expresses, or say why it voices none in expressesNothing`},
		{"import of a statement that voices something and says it voices nothing", `mutation($y: String!) { importDataset(input: {yaml: $y}) { created } }`,
			map[string]any{"y": "actors:\n  - id: a1\n    kind: PERSON\n    name: A\nstatements:\n  - id: st-x\n    speaker: a1\n    mode: INDIRECT\n    words: small but real chance\n    expresses: [claim-germany-small-but-real-chance]\n    expressesNothing: Procedural.\n    evidence:\n      - source: berlin-talks-article\n        quote: Germany said there was a small but real chance\n"},
			"BAD_USER_INPUT", `input.yaml:11: statements[0].expressesNothing: statement "st-x" expresses 1 node(s), so it cannot also say why it voices nothing: give expresses or expressesNothing, not both`},
		{"import with a dangling reference", `mutation($y: String!) { importDataset(input: {yaml: $y}) { created } }`,
			map[string]any{"y": "actors:\n  - id: a1\n    kind: PERSON\n    name: A\nrelations:\n  - id: r1\n    kind: FAMILY\n    subject: a1\n    object: nobody\n    evidence:\n      - source: berlin-talks-article\n        quote: son-in-law\n"},
			"NOT_FOUND", `input.yaml:9: relations[0].object: object refers to "nobody", which does not exist`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.dump(t)
			_, data, errs := s.do(t, s.admin, tt.query, tt.vars)
			if len(errs) != 1 || errs[0].Extensions["code"] != tt.code || (tt.msg != "" && errs[0].Message != tt.msg) {
				t.Errorf("errors = %+v\nwant %s %q", errs, tt.code, tt.msg)
			}
			// The refused field answers null (and the document no data at
			// all when it fails validation).
			var fields map[string]any
			if string(data) != "null" && len(data) != 0 {
				if err := json.Unmarshal(data, &fields); err != nil || len(fields) != 1 {
					t.Errorf("data = %s", data)
				}
				for k, v := range fields {
					if v != nil {
						t.Errorf("data.%s = %v, want null", k, v)
					}
				}
			}
			if after := s.dump(t); after != before {
				t.Errorf("a refused write changed the database:\n%s", cmp.Diff(before, after))
			}
		})
	}
}

func TestDeleteDeprecateSupersedeRate(t *testing.T) {
	s := newWriteServer(t, false)
	// Deleting what nothing refers to.
	_, data, errs := s.do(t, s.admin, `mutation { deleteNode(input: {id: "st-analysts-doubtful"}) { id deprecated node { id } changes { op before after } } }`, nil)
	if len(errs) > 0 || !strings.Contains(string(data), `"op":"DELETE"`) || !strings.Contains(string(data), `"after":null`) {
		t.Fatalf("delete: %s %+v", data, errs)
	}
	_, data, _ = s.do(t, "", `{ node(id: "st-analysts-doubtful") { id } changes(node: "st-analysts-doubtful") { edges { node { op node { __typename } } } } }`, nil)
	if !strings.Contains(string(data), `"node":null,"changes":{"edges":[{"node":{"op":"DELETE","node":null}}`) {
		t.Errorf("after delete: %s", data)
	}

	// Deprecating what others refer to (a statement voices it); it stays
	// readable.
	_, data, errs = s.do(t, s.admin, `mutation { deleteNode(input: {id: "pos-russia-rejects-temporary-truce", deprecate: true, reason: RETRACTED}) {
		deprecated node { ... on Position { rank rankReason } } } }`, nil)
	if len(errs) > 0 || string(data) != `{"deleteNode":{"deprecated":true,"node":{"rank":"DEPRECATED","rankReason":"RETRACTED"}}}` {
		t.Fatalf("deprecate: %s %+v", data, errs)
	}
	_, data, _ = s.do(t, "", `{ a: positions(proposition: "temporary-truce") { totalCount } b: positions(proposition: "temporary-truce", includeDeprecated: true) { totalCount } }`, nil)
	if string(data) != `{"a":{"totalCount":0},"b":{"totalCount":1}}` {
		t.Errorf("deprecated position listed: %s", data)
	}

	// Superseding.
	_, data, errs = s.do(t, s.editor, `mutation { supersedePosition(input: {id: "pos-ukraine-may-abandon-nato-ambition", position: {
		id: "pos-ukraine-abandons-nato-ambition", holder: "ukraine", proposition: "ukraine-abandons-nato-ambition", stance: SUPPORTS, speechAct: CONCEDES,
		evidence: [{source: "berlin-talks-article", quote: "abandon its ambition to join NATO"}]}}) {
		position { id stance supersedes { id } } superseded { id rank rankReason supersededBy { id } } changes { op nodeId } } }`, nil)
	want := `{"supersedePosition":{"position":{"id":"pos-ukraine-abandons-nato-ambition","stance":"SUPPORTS","supersedes":{"id":"pos-ukraine-may-abandon-nato-ambition"}},` +
		`"superseded":{"id":"pos-ukraine-may-abandon-nato-ambition","rank":"DEPRECATED","rankReason":"SUPERSEDED","supersededBy":{"id":"pos-ukraine-abandons-nato-ambition"}},` +
		`"changes":[{"op":"SUPERSEDE","nodeId":"pos-ukraine-abandons-nato-ambition"},{"op":"SUPERSEDE","nodeId":"pos-ukraine-may-abandon-nato-ambition"}]}}`
	if len(errs) > 0 || string(data) != want {
		t.Errorf("supersede:\n got %s\nwant %s\n%+v", data, want, errs)
	}
	_, _, errs = s.do(t, s.editor, `mutation { supersedePosition(input: {id: "pos-ukraine-may-abandon-nato-ambition", position: {
		id: "pos-x", holder: "ukraine", proposition: "ukraine-abandons-nato-ambition", stance: SUPPORTS, speechAct: CONCEDES,
		evidence: [{source: "berlin-talks-article", quote: "NATO"}]}}) { position { id } } }`, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "CONFLICT" {
		t.Errorf("superseding twice: %+v", errs)
	}

	// Rating a commitment appends to its history.
	_, data, errs = s.do(t, s.editor, `mutation { rateCommitment(input: {id: "com-us-ceasefire-monitoring", status: UNDER_NEGOTIATION, date: "2026-11",
		note: "Still in the draft", evidence: [{source: "berlin-talks-article", quote: "The draft documents remain incomplete"}]}) {
		commitment { status statusHistory { status date recordedBy note evidence { start } } } changes { op author } } }`, nil)
	want = `{"rateCommitment":{"commitment":{"status":"UNDER_NEGOTIATION","statusHistory":[{"status":"PROPOSED","date":null,"recordedBy":null,"note":null,"evidence":[{"start":3376}]},` +
		`{"status":"UNDER_NEGOTIATION","date":"2026-11","recordedBy":"editor","note":"Still in the draft","evidence":[{"start":687}]}]},"changes":[{"op":"RATE","author":"editor"}]}}`
	if len(errs) > 0 || string(data) != want {
		t.Errorf("rate:\n got %s\nwant %s\n%+v", data, want, errs)
	}
	_, data, _ = s.do(t, "", `{ commitments(status: UNDER_NEGOTIATION) { totalCount } }`, nil)
	if string(data) != `{"commitments":{"totalCount":1}}` {
		t.Errorf("current status filter: %s", data)
	}

	// Evidence added and removed.
	_, data, errs = s.do(t, s.editor, `mutation { addEvidence(input: {id: "ukraine", evidence: {source: "berlin-talks-article", quote: "Ukraine insists"}}) {
		node { ... on State { evidence { quote start end } } } } }`, nil)
	if len(errs) > 0 || !strings.Contains(string(data), `{"quote":"Ukraine insists","start":9032,"end":9047}`) {
		t.Errorf("add evidence: %s %+v", data, errs)
	}
	_, data, errs = s.do(t, s.editor, `mutation { removeEvidence(input: {id: "ukraine", index: 0}) { node { ... on State { evidence { quote } } } } }`, nil)
	if len(errs) > 0 || string(data) != `{"removeEvidence":{"node":{"evidence":[{"quote":"Ukraine insists"}]}}}` {
		t.Errorf("remove evidence: %s %+v", data, errs)
	}

	// An admin imports a file.
	yaml := "actors:\n  - id: france-2\n    kind: STATE\n    name: France again\n"
	_, data, errs = s.do(t, s.admin, `mutation($y: String!) { importDataset(input: {yaml: $y}) { created updated unchanged } }`, map[string]any{"y": yaml})
	if len(errs) > 0 || string(data) != `{"importDataset":{"created":1,"updated":0,"unchanged":0}}` {
		t.Errorf("import: %s %+v", data, errs)
	}
	_, data, _ = s.do(t, "", `{ changes(first: 2) { edges { node { op author nodeId } } pageInfo { hasNextPage } } }`, nil)
	if string(data) != `{"changes":{"edges":[{"node":{"op":"IMPORT","author":"admin","nodeId":"france-2"}},{"node":{"op":"UPDATE","author":"editor","nodeId":"ukraine"}}],"pageInfo":{"hasNextPage":true}}}` {
		t.Errorf("changes: %s", data)
	}
}

func TestAuth(t *testing.T) {
	s := newWriteServer(t, false)
	const write = `mutation { updateActor(input: {id: "ukraine", description: "x"}) { actor { id } } }`
	tests := []struct {
		name, token, query string
		status             int
		code               string
	}{
		{"reads are public", "", `{ node(id: "ukraine") { id } }`, 200, ""},
		{"no token", "", write, 200, "UNAUTHENTICATED"},
		{"wrong token", "pk_nonsense", write, 401, "UNAUTHENTICATED"},
		{"wrong token, even to read", "pk_nonsense", `{ node(id: "ukraine") { id } }`, 401, "UNAUTHENTICATED"},
		{"revoked token", "revoked", write, 401, "UNAUTHENTICATED"},
		{"reader writing", "reader", write, 200, "FORBIDDEN"},
		{"editor importing", "editor", `mutation { importDataset(input: {yaml: "actors: []"}) { created } }`, 200, "FORBIDDEN"},
		{"editor deleting", "editor", `mutation { deleteNode(input: {id: "st-analysts-doubtful"}) { id } }`, 200, "FORBIDDEN"},
		{"editor listing tokens", "editor", `{ tokens { name } }`, 200, "FORBIDDEN"},
		{"editor writing", "editor", write, 200, ""},
	}
	tokens := map[string]string{"reader": s.reader, "editor": s.editor, "admin": s.admin, "revoked": s.revoked}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.token
			if v, ok := tokens[tok]; ok {
				tok = v
			}
			before := s.dump(t)
			status, _, errs := s.do(t, tok, tt.query, nil)
			code := ""
			if len(errs) > 0 {
				code, _ = errs[0].Extensions["code"].(string)
			}
			if status != tt.status || code != tt.code {
				t.Errorf("status %d, code %q (%+v); want %d, %q", status, code, errs, tt.status, tt.code)
			}
			if tt.code != "" && s.dump(t) != before {
				t.Errorf("a refused request changed the database")
			}
		})
	}
	// Admins manage tokens through the API too; the token works at once.
	_, data, errs := s.do(t, s.admin, `mutation { createToken(input: {name: "bob", role: editor}) { token info { name role } } }`, nil)
	var resp struct{ CreateToken struct{ Token string } }
	json.Unmarshal(data, &resp)
	if len(errs) > 0 || !strings.HasPrefix(resp.CreateToken.Token, "pk_") {
		t.Fatalf("createToken: %s %+v", data, errs)
	}
	if _, data, _ := s.do(t, resp.CreateToken.Token, `{ viewer { name role } }`, nil); string(data) != `{"viewer":{"name":"bob","role":"editor"}}` {
		t.Errorf("viewer: %s", data)
	}
	s.do(t, s.admin, `mutation { revokeToken(input: {name: "bob"}) { info { revokedAt } } }`, nil)
	if status, _, _ := s.do(t, resp.CreateToken.Token, `{ viewer { name } }`, nil); status != 401 {
		t.Errorf("revoked token: status %d", status)
	}
	if _, data, _ := s.do(t, s.admin, `{ tokens { name role } }`, nil); !strings.Contains(string(data), `{"name":"bob","role":"editor"}`) {
		t.Errorf("tokens: %s", data)
	}

	// With reads needing a token.
	s2 := newWriteServer(t, true)
	if status, _, errs := s2.do(t, "", `{ node(id: "ukraine") { id } }`, nil); status != 401 || errs[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Errorf("read without a token: %d %+v", status, errs)
	}
	if status, data, _ := s2.do(t, s2.reader, `{ node(id: "ukraine") { id } }`, nil); status != 200 || string(data) != `{"node":{"id":"ukraine"}}` {
		t.Errorf("reader reading: %d %s", status, data)
	}
}

// TestConcurrentWriters runs 8 writers and 16 readers against one database
// file through a real HTTP server, and checks that no request failed and
// that every acknowledged write is there.
func TestConcurrentWriters(t *testing.T) {
	s := newWriteServer(t, false)
	srv := httptest.NewServer(s.h)
	defer srv.Close()
	const writers, readers, writes, reads = 8, 16, 150, 120
	var failures atomic.Int64
	var acked sync.Map
	post := func(token, query string, vars map[string]any) (string, bool) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error(), false
		}
		defer resp.Body.Close()
		var out struct {
			Data   json.RawMessage
			Errors []gqlError
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || len(out.Errors) > 0 {
			return fmt.Sprintf("%d %+v %v", resp.StatusCode, out.Errors, err), false
		}
		return string(out.Data), true
	}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < writes; i++ {
				id := fmt.Sprintf("st-load-%d-%03d", w, i)
				msg, ok := post(s.editor, `mutation($in: StatementInput!) { createStatement(input: $in) { statement { id } } }`, map[string]any{"in": map[string]any{
					"id": id, "speaker": "russia", "mode": "INDIRECT", "words": "Russia is demanding", "expresses": []any{"pos-russia-demands-donbas"},
					"evidence": []any{span("Russia is demanding that Ukraine cede control of Donbas")}}})
				if !ok {
					failures.Add(1)
					t.Errorf("write %s: %s", id, msg)
					continue
				}
				acked.Store(id, true)
			}
		}(w)
	}
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for i := 0; i < reads; i++ {
				q := `{ statements(speaker: "russia", first: 20) { totalCount edges { node { id evidence { quote } } } } }`
				if i%2 == 1 {
					q = `{ node(id: "russia") { ... on State { positions { edges { node { proposition { text } } } } } } }`
				}
				if msg, ok := post("", q, nil); !ok {
					failures.Add(1)
					t.Errorf("read: %s", msg)
				}
			}
		}(r)
	}
	wg.Wait()
	if failures.Load() > 0 {
		t.Fatalf("%d requests failed", failures.Load())
	}
	n := 0
	acked.Range(func(any, any) bool { n++; return true })
	var stored, logged int
	s.db.SQL().QueryRow("SELECT count(*) FROM statements WHERE id LIKE 'st-load-%'").Scan(&stored)
	s.db.SQL().QueryRow("SELECT count(*) FROM changes WHERE node_id LIKE 'st-load-%' AND op = 'CREATE'").Scan(&logged)
	if n != writers*writes || stored != n || logged != n {
		t.Errorf("acknowledged %d writes, stored %d, recorded %d; want %d each", n, stored, logged, writers*writes)
	}
	t.Logf("%d writes and %d reads, no failure", writers*writes, readers*reads)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
