package graph_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/graph"
)

// post sends a query with a token through the handler, as a client
// would, and returns the data and errors; safe from many goroutines.
func (s *writeServer) post(token, query string, vars map[string]any) (json.RawMessage, []gqlError, error) {
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
		return nil, nil, fmt.Errorf("response %d %q: %v", w.Code, w.Body.String(), err)
	}
	return resp.Data, resp.Errors, nil
}

// words returns n distinct spans of the Berlin source, each a whole word
// of six letters or more, with its offset in characters.
func words(t *testing.T, n int) []map[string]any {
	t.Helper()
	text := []rune(berlinFile(t).Sources[0].Text)
	var out []map[string]any
	for i := 0; i < len(text) && len(out) < n; {
		if !unicode.IsLetter(text[i]) || (i > 0 && unicode.IsLetter(text[i-1])) {
			i++
			continue
		}
		j := i
		for j < len(text) && unicode.IsLetter(text[j]) {
			j++
		}
		if j-i >= 6 {
			out = append(out, map[string]any{"source": src, "quote": string(text[i:j]), "start": i})
		}
		i = j
	}
	if len(out) < n {
		t.Fatalf("the source has %d long words, want %d", len(out), n)
	}
	return out
}

// checkHistory checks that the history of each node agrees with the node:
// every change after the first starts from the record the one before it
// left, and the last leaves the record stored.
func checkHistory(t *testing.T, db *sql.DB, ids ...string) {
	t.Helper()
	for _, id := range ids {
		rows, err := db.Query("SELECT seq, op, coalesce(before, ''), coalesce(after, '') FROM changes WHERE node_id = ? ORDER BY seq", id)
		if err != nil {
			t.Fatal(err)
		}
		var prev string
		n := 0
		for rows.Next() {
			var seq int64
			var op, before, after string
			if err := rows.Scan(&seq, &op, &before, &after); err != nil {
				t.Fatal(err)
			}
			// An import records the record it replaced, not its own.
			if n > 0 && prev != "" && !jsonEqual(before, prev) {
				t.Errorf("%s: change %d (%s) starts from\n%s\nbut the change before it left\n%s", id, seq, op, before, prev)
			}
			prev = after
			n++
		}
		rows.Close()
		var data string
		if err := db.QueryRow("SELECT data FROM nodes WHERE id = ?", id).Scan(&data); err != nil {
			t.Fatal(err)
		}
		if prev != "" && !jsonEqual(prev, data) {
			t.Errorf("%s: the last change left\n%s\nbut the node holds\n%s", id, prev, data)
		}
	}
}

// changedFields returns, for each change of a node in order, the top-level
// fields its record after differs in from its record before.
func changedFields(t *testing.T, db *sql.DB, id string) [][]string {
	t.Helper()
	rows, err := db.Query("SELECT before, after FROM changes WHERE node_id = ? AND op = 'UPDATE' ORDER BY seq", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		var before, after string
		if err := rows.Scan(&before, &after); err != nil {
			t.Fatal(err)
		}
		var b, a map[string]any
		if err := json.Unmarshal([]byte(before), &b); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(after), &a); err != nil {
			t.Fatal(err)
		}
		var diff []string
		for k := range a {
			if !cmp.Equal(a[k], b[k]) {
				diff = append(diff, k)
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				diff = append(diff, k)
			}
		}
		sort.Strings(diff)
		out = append(out, diff)
	}
	return out
}

// evidenceCounts returns, for each update of a node in order, how many
// spans its record held before and after.
func evidenceCounts(t *testing.T, db *sql.DB, id string) [][2]int {
	t.Helper()
	// The records are decoded here, so that the query runs on either
	// backend.
	rows, err := db.Query(`SELECT before, after FROM changes WHERE node_id = ? AND op = 'UPDATE' ORDER BY seq`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]int
	for rows.Next() {
		var rec [2]string
		if err := rows.Scan(&rec[0], &rec[1]); err != nil {
			t.Fatal(err)
		}
		var c [2]int
		for i, r := range rec {
			var v struct{ Evidence []json.RawMessage }
			if err := json.Unmarshal([]byte(r), &v); err != nil {
				t.Fatal(err)
			}
			c[i] = len(v.Evidence)
		}
		out = append(out, c)
	}
	return out
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return cmp.Equal(x, y)
}

// TestConcurrentAddEvidence has 8 clients add 10 spans each to one
// position at once: every acknowledged span must be there afterwards, and
// the history must list exactly the changes the node went through.
func TestConcurrentAddEvidence(t *testing.T) {
	s := newWriteServer(t, false)
	const clients, each = 8, 10
	const id = "pos-russia-demands-donbas"
	spans := words(t, clients*each)
	var mu sync.Mutex
	var acked []int
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				sp := spans[c*each+i]
				data, errs, err := s.post(s.editor, `mutation($id: ID!, $ev: EvidenceInput!) { addEvidence(input: {id: $id, evidence: $ev}) { node { id } } }`,
					map[string]any{"id": id, "ev": sp})
				if err != nil || len(errs) > 0 {
					t.Errorf("add %v: %s %+v %v", sp, data, errs, err)
					continue
				}
				mu.Lock()
				acked = append(acked, sp["start"].(int))
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	data, errs, err := s.post("", `query($id: ID!) { node(id: $id) { ... on Position { evidence { start } } } }`, map[string]any{"id": id})
	if err != nil || len(errs) > 0 {
		t.Fatalf("read: %s %+v %v", data, errs, err)
	}
	var got struct {
		Node struct{ Evidence []struct{ Start int } }
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	have := map[int]bool{}
	for _, e := range got.Node.Evidence {
		have[e.Start] = true
	}
	missing := 0
	for _, start := range acked {
		if !have[start] {
			missing++
		}
	}
	if len(acked) != clients*each || missing > 0 || len(got.Node.Evidence) != clients*each+1 {
		t.Errorf("%d of %d additions acknowledged, %d of them missing; the position holds %d spans, want %d",
			len(acked), clients*each, missing, len(got.Node.Evidence), clients*each+1)
	}
	var updates int
	s.db.SQL().QueryRow("SELECT count(*) FROM changes WHERE node_id = ? AND op = 'UPDATE'", id).Scan(&updates)
	if updates != len(acked) {
		t.Errorf("the history lists %d updates of %s, want %d", updates, id, len(acked))
	}
	checkHistory(t, s.db.SQL(), id)
	for i, c := range evidenceCounts(t, s.db.SQL(), id) {
		if c[1] != c[0]+1 {
			t.Errorf("update %d of %s went from %d spans to %d; each adds one", i, id, c[0], c[1])
		}
	}
}

// TestConcurrentFieldUpdates updates two different fields of one actor at
// once, 20 times: both must be kept each time.
func TestConcurrentFieldUpdates(t *testing.T) {
	s := newWriteServer(t, false)
	const trials = 20
	for i := 0; i < trials; i++ {
		desc, alias := fmt.Sprintf("Description %d", i), fmt.Sprintf("Alias %d", i)
		var wg sync.WaitGroup
		for _, q := range []struct {
			query string
			vars  map[string]any
		}{
			{`mutation($d: String!) { updateActor(input: {id: "ukraine", description: $d}) { actor { id } } }`, map[string]any{"d": desc}},
			{`mutation($a: [String!]) { updateActor(input: {id: "ukraine", aliases: $a}) { actor { id } } }`, map[string]any{"a": []string{alias}}},
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if data, errs, err := s.post(s.editor, q.query, q.vars); err != nil || len(errs) > 0 {
					t.Errorf("trial %d: %s %+v %v", i, data, errs, err)
				}
			}()
		}
		wg.Wait()
		data, errs, err := s.post("", `{ node(id: "ukraine") { ... on State { description aliases } } }`, nil)
		if err != nil || len(errs) > 0 {
			t.Fatalf("read: %s %+v %v", data, errs, err)
		}
		want := fmt.Sprintf(`{"node":{"description":%q,"aliases":[%q]}}`, desc, alias)
		if string(data) != want {
			t.Errorf("trial %d: got %s, want %s", i, data, want)
		}
	}
	var updates int
	s.db.SQL().QueryRow("SELECT count(*) FROM changes WHERE node_id = 'ukraine' AND op = 'UPDATE'").Scan(&updates)
	if updates != 2*trials {
		t.Errorf("the history lists %d updates, want %d", updates, 2*trials)
	}
	checkHistory(t, s.db.SQL(), "ukraine")
	for i, f := range changedFields(t, s.db.SQL(), "ukraine") {
		if len(f) != 1 || (f[0] != "description" && f[0] != "aliases") {
			t.Errorf("update %d of ukraine changed %v; each changes one field", i, f)
		}
	}
}

// TestExpectedVersion checks optimistic concurrency: every node shows its
// version, each change moves it one up (and the history records it), an
// update with the version read goes through, and one with a stale version
// is refused with CONFLICT, naming the current version, and writes nothing.
func TestExpectedVersion(t *testing.T) {
	s := newWriteServer(t, false)
	read := func(id string) string {
		t.Helper()
		data, errs, err := s.post("", `query($id: ID!) { node(id: $id) { version history(first: 1) { edges { node { op version } } } } }`, map[string]any{"id": id})
		if err != nil || len(errs) > 0 {
			t.Fatalf("read %s: %s %+v %v", id, data, errs, err)
		}
		return string(data)
	}
	if got, want := read("ukraine"), `{"node":{"version":1,"history":{"edges":[{"node":{"op":"IMPORT","version":1}}]}}}`; got != want {
		t.Fatalf("imported node: got %s, want %s", got, want)
	}

	// Each kind of write, with the version read, moves it one up.
	for i, w := range []struct{ query, want string }{
		{`mutation { updateActor(input: {id: "ukraine", description: "One", expectedVersion: 1}) { actor { version description } changes { op version } } }`,
			`{"updateActor":{"actor":{"version":2,"description":"One"},"changes":[{"op":"UPDATE","version":2}]}}`},
		{`mutation { addEvidence(input: {id: "ukraine", expectedVersion: 2, evidence: {source: "berlin-talks-article", quote: "Ukraine insists"}}) { node { version } } }`,
			`{"addEvidence":{"node":{"version":3}}}`},
		{`mutation { removeEvidence(input: {id: "ukraine", index: 1, expectedVersion: 3}) { node { version } } }`,
			`{"removeEvidence":{"node":{"version":4}}}`},
		// Without expectedVersion, a write goes through whatever the version.
		{`mutation { updateActor(input: {id: "ukraine", description: "Two"}) { actor { version } } }`,
			`{"updateActor":{"actor":{"version":5}}}`},
		// A write that changes nothing leaves the version as it is.
		{`mutation { updateActor(input: {id: "ukraine", description: "Two", expectedVersion: 5}) { actor { version } changes { op } } }`,
			`{"updateActor":{"actor":{"version":5},"changes":[]}}`},
	} {
		data, errs, err := s.post(s.editor, w.query, nil)
		if err != nil || len(errs) > 0 || string(data) != w.want {
			t.Fatalf("write %d: got %s %+v %v, want %s", i, data, errs, err, w.want)
		}
	}
	if got, want := read("ukraine"), `{"node":{"version":5,"history":{"edges":[{"node":{"op":"UPDATE","version":5}}]}}}`; got != want {
		t.Errorf("after the writes: got %s, want %s", got, want)
	}

	// A stale version is refused, on every kind of write, and nothing is
	// written.
	before := s.dump(t)
	for _, w := range []struct{ token, query string }{
		{s.editor, `mutation { updateActor(input: {id: "ukraine", description: "Stale", expectedVersion: 4}) { actor { version } } }`},
		{s.editor, `mutation { addEvidence(input: {id: "ukraine", expectedVersion: 1, evidence: {source: "berlin-talks-article", quote: "Ukraine insists"}}) { node { id } } }`},
		{s.editor, `mutation { removeEvidence(input: {id: "ukraine", index: 0, expectedVersion: 2}) { node { id } } }`},
		{s.editor, `mutation { rateCommitment(input: {id: "com-us-ceasefire-monitoring", status: UNDER_NEGOTIATION, expectedVersion: 2,
			evidence: [{source: "berlin-talks-article", quote: "The draft documents remain incomplete"}]}) { commitment { id } } }`},
		{s.editor, `mutation { supersedePosition(input: {id: "pos-ukraine-may-abandon-nato-ambition", expectedVersion: 3, position: {
			id: "pos-new", holder: "ukraine", proposition: "ukraine-abandons-nato-ambition", stance: SUPPORTS, speechAct: CONCEDES,
			evidence: [{source: "berlin-talks-article", quote: "abandon its ambition to join NATO"}]}}) { position { id } } }`},
		{s.admin, `mutation { deleteNode(input: {id: "st-analysts-doubtful", expectedVersion: 2}) { id } }`},
		{s.admin, `mutation { deleteNode(input: {id: "st-analysts-doubtful", deprecate: true, expectedVersion: 2}) { id } }`},
	} {
		data, errs, err := s.post(w.token, w.query, nil)
		if err != nil || len(errs) != 1 || errs[0].Extensions["code"] != "CONFLICT" || !strings.Contains(errs[0].Message, "is at version") {
			t.Errorf("%s\ngot %s %+v %v, want one CONFLICT", w.query, data, errs, err)
			continue
		}
		cur, exp := errs[0].Extensions["currentVersion"], errs[0].Extensions["expectedVersion"]
		if cur == nil || exp == nil || cur == exp {
			t.Errorf("%s: extensions %v, want currentVersion and expectedVersion", w.query, errs[0].Extensions)
		}
	}
	if after := s.dump(t); after != before {
		t.Errorf("a refused write changed the database:\n%s", cmp.Diff(before, after))
	}
	data, errs, _ := s.post(s.editor, `mutation { updateActor(input: {id: "ukraine", description: "Stale", expectedVersion: 4}) { actor { id } } }`, nil)
	if len(errs) != 1 || errs[0].Message != `"ukraine" is at version 5, not 4: it changed since that version was read; read it again and reapply the change` ||
		errs[0].Extensions["currentVersion"] != float64(5) || fmt.Sprint(errs[0].Path) != "[updateActor]" {
		t.Errorf("stale update: %s %+v", data, errs)
	}
	_, errs, _ = s.post(s.editor, `mutation { updateActor(input: {id: "ukraine", description: "x", expectedVersion: 0}) { actor { id } } }`, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(errs[0].Message, "input.expectedVersion") {
		t.Errorf("version 0: %+v", errs)
	}
}

// TestSeveralMutationFields sends one document with three writes, the
// second of which fails: they run in order, the first and third are
// written and reported, and the second answers null with its error at its
// path.
func TestSeveralMutationFields(t *testing.T) {
	s := newWriteServer(t, false)
	srv := httptest.NewServer(s.h)
	defer srv.Close()
	body, _ := json.Marshal(map[string]any{"query": `mutation {
		a: updateActor(input: {id: "ukraine", description: "First"}) { actor { description version } }
		b: updateActor(input: {id: "ukraine", description: "Second", expectedVersion: 1}) { actor { description version } }
		c: addEvidence(input: {id: "ukraine", evidence: {source: "berlin-talks-article", quote: "Ukraine insists"}}) { node { version } }
	}`})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.editor)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	want := `{"a":{"actor":{"description":"First","version":2}},"b":null,"c":{"node":{"version":3}}}`
	if resp.StatusCode != http.StatusOK || string(out.Data) != want {
		t.Errorf("got %d %s, want 200 %s", resp.StatusCode, out.Data, want)
	}
	if len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != "CONFLICT" || fmt.Sprint(out.Errors[0].Path) != "[b]" {
		t.Errorf("errors %+v, want one CONFLICT at [b]", out.Errors)
	}
	var data string
	var version, updates int
	s.db.SQL().QueryRow("SELECT data, version FROM nodes WHERE id = 'ukraine'").Scan(&data, &version)
	var rec struct{ Description string }
	json.Unmarshal([]byte(data), &rec)
	desc := rec.Description
	s.db.SQL().QueryRow("SELECT count(*) FROM changes WHERE node_id = 'ukraine' AND op = 'UPDATE'").Scan(&updates)
	if desc != "First" || version != 3 || updates != 2 {
		t.Errorf("stored description %q, version %d, %d updates; want First, 3, 2", desc, version, updates)
	}
	checkHistory(t, s.db.SQL(), "ukraine")
}

// TestMutationFieldsNullable: every field of Mutation may answer null, so
// that one failing field of a document leaves the writes of the others
// reported rather than nulling the whole of data; and every update of a
// node takes expectedVersion and every node type shows its version.
func TestMutationFieldsNullable(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for _, f := range schema.Mutation.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		if f.Type.NonNull {
			t.Errorf("Mutation.%s is %s: make it nullable", f.Name, f.Type)
		}
		if strings.HasPrefix(f.Name, "update") {
			in := schema.Types[f.Arguments.ForName("input").Type.Name()]
			if in.Fields.ForName("expectedVersion") == nil {
				t.Errorf("%s has no expectedVersion", in.Name)
			}
		}
	}
	for _, def := range schema.PossibleTypes["Node"] {
		if v := def.Fields.ForName("version"); v == nil || v.Type.String() != "Int!" {
			t.Errorf("%s has no version: Int!", def.Name)
		}
	}
}
