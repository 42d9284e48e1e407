package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
)

// answerServer is the handler chain of parley serve over one store: the
// token check, the answer cache, Conform, the GraphQL handler.
type answerServer struct {
	db    testDB
	cache *graph.AnswerCache
	h     http.Handler
}

func newAnswerServer(t *testing.T, db testDB, maxBytes int64) *answerServer {
	t.Helper()
	c := graph.NewAnswerCache(db, maxBytes, metrics.New())
	return &answerServer{db: db, cache: c, h: graph.Authenticate(db, false, c.Handler(graph.Conform(graph.NewHandler(db, nil))))}
}

// post sends a query with variables (nil: none) and a token ("" none).
func (s *answerServer) post(t *testing.T, token, query string, vars map[string]any, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	return postTo(s.h, token, query, vars, header...)
}

func (s *answerServer) get(t *testing.T, token, query string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	return send(s.h, httptest.NewRequest(http.MethodGet, "/query?query="+url.QueryEscape(query), nil), token, header)
}

// postTo posts a query with variables (nil: none) and a token ("" none) to
// the handler h, with the header's name and value pairs.
func postTo(h http.Handler, token, query string, vars map[string]any, header ...string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return send(h, req, token, header)
}

// send serves the request on h, with a token ("" none) and the header's
// name and value pairs.
func send(h http.Handler, req *http.Request, token string, header []string) *httptest.ResponseRecorder {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// berlinDB is a new store holding the Berlin graph.
func berlinDB(t *testing.T) testDB {
	t.Helper()
	db := openTestDB(t)
	if _, err := db.Import(context.Background(), []*parley.Dataset{berlinFile(t)}); err != nil {
		t.Fatal(err)
	}
	return db
}

// stats returns the cache's counters less those of before.
func (s *answerServer) since(before metrics.AnswerCacheStats) metrics.AnswerCacheStats {
	now := s.cache.Stats()
	return metrics.AnswerCacheStats{Hits: now.Hits - before.Hits, Misses: now.Misses - before.Misses, Stored: now.Stored - before.Stored,
		Evicted: now.Evicted - before.Evicted, Dropped: now.Dropped - before.Dropped, Uncacheable: now.Uncacheable - before.Uncacheable,
		Bytes: now.Bytes, Entries: now.Entries, MaxBytes: now.MaxBytes}
}

const answerQuery = `query Profile($id: ID!) { node(id: $id) { ... on Actor { name
	positions(first: 5) { totalCount edges { node { id stance proposition { id text } } } } } } }`

// TestAnswerCacheHit: a query asked again at the same version is
// answered from the cache, with the bytes and headers of the first answer
// (and those of a server without the cache), sending the store one
// statement (the version); other variables, another operation name or
// another response type are answers of their own.
func TestAnswerCacheHit(t *testing.T) {
	db := berlinDB(t)
	s := newAnswerServer(t, db, graph.DefaultAnswerCacheBytes)
	plain := graph.Authenticate(db, false, graph.Conform(graph.NewHandler(db, nil)))
	vars := map[string]any{"id": "ukraine"}

	first := s.post(t, "", answerQuery, vars)
	if first.Code != 200 || !strings.HasPrefix(first.Body.String(), `{"data":{"node":{"name":"Ukraine"`) {
		t.Fatalf("first answer: %d %s", first.Code, first.Body)
	}
	before, queries := s.cache.Stats(), db.Queries()
	second := s.post(t, "", answerQuery, vars)
	if n := db.Queries() - queries; n != 1 {
		t.Errorf("a repeated query sent %d statements to the store, want 1 (the version)", n)
	}
	if d := s.since(before); d.Hits != 1 || d.Misses != 0 {
		t.Errorf("repeated query: %+v, want one hit", d)
	}
	uncached := postTo(plain, "", answerQuery, vars)
	for _, w := range []*httptest.ResponseRecorder{second, uncached} {
		if w.Code != first.Code || w.Body.String() != first.Body.String() || fmt.Sprint(w.Header()) != fmt.Sprint(first.Header()) {
			t.Errorf("answers differ:\n%d %v %s\n%d %v %s", first.Code, first.Header(), first.Body, w.Code, w.Header(), w.Body)
		}
	}

	// Each of these is its own answer: a miss first, then a hit.
	for _, c := range []struct {
		name string
		do   func() *httptest.ResponseRecorder
		want string
	}{
		{"other variables", func() *httptest.ResponseRecorder { return s.post(t, "", answerQuery, map[string]any{"id": "russia"}) }, `{"data":{"node":{"name":"Russia"`},
		{"variables inline", func() *httptest.ResponseRecorder {
			return s.post(t, "", strings.Replace(strings.Replace(answerQuery, "($id: ID!)", "", 1), "$id", `"ukraine"`, 1), nil)
		}, `{"data":{"node":{"name":"Ukraine"`},
		{"graphql-response+json", func() *httptest.ResponseRecorder {
			return s.post(t, "", answerQuery, vars, "Accept", "application/graphql-response+json")
		}, `{"data":{"node":{"name":"Ukraine"`},
		{"GET", func() *httptest.ResponseRecorder { return s.get(t, "", `{ node(id: "ukraine") { id } }`) }, `{"data":{"node":{"id":"ukraine"}}}`},
	} {
		before := s.cache.Stats()
		a, b := c.do(), c.do()
		if d := s.since(before); d.Hits != 1 || d.Misses != 1 || d.Stored != 1 {
			t.Errorf("%s: %+v, want one miss then one hit", c.name, d)
		}
		if a.Code != 200 || !strings.HasPrefix(a.Body.String(), c.want) || a.Body.String() != b.Body.String() || fmt.Sprint(a.Header()) != fmt.Sprint(b.Header()) {
			t.Errorf("%s: %d %v %s then %d %v %s", c.name, a.Code, a.Header(), a.Body, b.Code, b.Header(), b.Body)
		}
		if c.name == "graphql-response+json" && a.Header().Get("Content-Type") != "application/graphql-response+json" {
			t.Errorf("%s: Content-Type %q", c.name, a.Header().Get("Content-Type"))
		}
	}
}

// TestAnswerCacheSeesWrites serves one database (a SQLite file, or a
// PostgreSQL database when PARLEY_TEST_POSTGRES names a server) from two
// stores and two handlers, as two server processes would, each with its
// answer cache warm: a write through either (a mutation through one's
// handler, a write through the other's store) is seen by the next read
// through both.
func TestAnswerCacheSeesWrites(t *testing.T) {
	ctx := context.Background()
	a, b := twoStores(t)
	if _, err := a.Import(ctx, []*parley.Dataset{berlinFile(t)}); err != nil {
		t.Fatal(err)
	}
	editor, err := a.CreateToken(ctx, "editor", parley.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	servers := []*answerServer{newAnswerServer(t, a, graph.DefaultAnswerCacheBytes), newAnswerServer(t, b, graph.DefaultAnswerCacheBytes)}
	vars := map[string]any{"id": "ukraine"}
	name := func(s *answerServer) string {
		t.Helper()
		w := s.post(t, "", answerQuery, vars)
		var got struct {
			Data struct{ Node struct{ Name string } }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		return got.Data.Node.Name
	}
	warm := func(want string) {
		t.Helper()
		for i, s := range servers {
			name(s)
			before := s.cache.Stats()
			if got := name(s); got != want || s.since(before).Hits != 1 {
				t.Fatalf("server %d: %q (%+v), want %q from its cache", i+1, got, s.since(before), want)
			}
		}
	}
	warm("Ukraine")
	for i, s := range servers {
		// A mutation through server s.
		want := fmt.Sprintf("Ukraine (renamed through server %d)", i+1)
		w := s.post(t, editor, `mutation($name: String!) { updateActor(input: {id: "ukraine", name: $name}) { actor { name } } }`, map[string]any{"name": want})
		if w.Code != 200 || strings.Contains(w.Body.String(), "errors") {
			t.Fatalf("rename: %d %s", w.Code, w.Body)
		}
		for j, other := range servers {
			if got := name(other); got != want {
				t.Errorf("after the write through server %d, server %d answers %q, want %q", i+1, j+1, got, want)
			}
		}
		warm(want)
	}
	// A write through the second store alone (another process with no
	// server): both see it.
	elsewhere := renameActor(t, b, "ukraine", "Ukraine (renamed elsewhere)")
	for j, s := range servers {
		if got := name(s); got != elsewhere {
			t.Errorf("after a write elsewhere, server %d answers %q", j+1, got)
		}
		if s.cache.Stats().Dropped == 0 {
			t.Errorf("server %d dropped no answer", j+1)
		}
	}
}

// TestAnswerCacheKeepsNoErrorOrMutation: an answer with an error (from a
// resolver, from validation), a mutation's answer, and the list of tokens
// (which the graph's version does not cover) are never answered from the
// cache: each request runs.
func TestAnswerCacheKeepsNoErrorOrMutation(t *testing.T) {
	ctx := context.Background()
	db := berlinDB(t)
	editor, _ := db.CreateToken(ctx, "editor", parley.RoleEditor)
	admin, _ := db.CreateToken(ctx, "admin", parley.RoleAdmin)
	s := newAnswerServer(t, db, graph.DefaultAnswerCacheBytes)
	for _, c := range []struct {
		name, token, query, want string
	}{
		{"resolver error", "", `{ tokens { name } }`, "UNAUTHENTICATED"},
		{"validation error", "", `{ nope }`, "GRAPHQL_VALIDATION_FAILED"},
		{"partial data", editor, `{ node(id: "ukraine") { id } tokens { name } }`, "FORBIDDEN"},
		{"mutation", editor, `mutation { rateCommitment(input: {id: "com-us-ceasefire-monitoring", status: UNDER_NEGOTIATION, note: "again",
			evidence: [{source: "berlin-talks-article", quote: "The draft documents remain incomplete"}]}) { commitment { statusHistory { note } } } }`, `"again"`},
	} {
		before := s.cache.Stats()
		a := s.post(t, c.token, c.query, nil)
		b := s.post(t, c.token, c.query, nil)
		if d := s.since(before); d.Hits != 0 || d.Stored != 0 || d.Uncacheable != 2 {
			t.Errorf("%s: %+v, want two requests run and nothing kept", c.name, d)
		}
		if !strings.Contains(a.Body.String(), c.want) || !strings.Contains(b.Body.String(), c.want) {
			t.Errorf("%s: %s then %s", c.name, a.Body, b.Body)
		}
		if c.name == "mutation" && strings.Count(b.Body.String(), `"again"`) != 2 {
			t.Errorf("the mutation sent twice was not applied twice: %s", b.Body)
		}
	}
	// The tokens, for an admin: a token made without a change to the
	// graph is listed at once.
	list := `{ tokens { name } }`
	s.post(t, admin, list, nil)
	if _, err := db.CreateToken(ctx, "newcomer", parley.RoleReader); err != nil {
		t.Fatal(err)
	}
	if w := s.post(t, admin, list, nil); !strings.Contains(w.Body.String(), "newcomer") {
		t.Errorf("tokens after a token was made: %s", w.Body)
	}
}

// TestAnswerCachePerCaller: the caller is part of the key: the viewer of
// each token (and of none) is its own, and a GET answer keeps the
// Cache-Control of the caller it was made for.
func TestAnswerCachePerCaller(t *testing.T) {
	ctx := context.Background()
	db := berlinDB(t)
	reader, _ := db.CreateToken(ctx, "reader", parley.RoleReader)
	editor, _ := db.CreateToken(ctx, "editor", parley.RoleEditor)
	s := newAnswerServer(t, db, graph.DefaultAnswerCacheBytes)
	const q = `{ viewer { name role } node(id: "ukraine") { id } }`
	for round := range 2 {
		for _, c := range []struct{ token, want, cacheControl string }{
			{"", `{"data":{"viewer":null,`, "no-cache"},
			{reader, `{"data":{"viewer":{"name":"reader","role":"reader"},`, "private, no-cache"},
			{editor, `{"data":{"viewer":{"name":"editor","role":"editor"},`, "private, no-cache"},
		} {
			for _, w := range []*httptest.ResponseRecorder{s.post(t, c.token, q, nil), s.get(t, c.token, q)} {
				if !strings.HasPrefix(w.Body.String(), c.want) {
					t.Errorf("round %d, token %q: %s, want %s…", round, c.token, w.Body, c.want)
				}
			}
			if cc := s.get(t, c.token, q).Header().Get("Cache-Control"); cc != c.cacheControl {
				t.Errorf("round %d, token %q: Cache-Control %q, want %q", round, c.token, cc, c.cacheControl)
			}
		}
	}
	if st := s.cache.Stats(); st.Stored != 6 || st.Hits != 12 {
		t.Errorf("%+v, want 6 answers kept (3 callers, GET and POST) and 12 hits", st)
	}
}

// TestAnswerCacheBound: the answers kept never count for more bytes than
// the bound (each its key, its body and a fixed overhead); past it the
// least recently used go, and what is kept is still answered.
func TestAnswerCacheBound(t *testing.T) {
	db := berlinDB(t)
	const max = 64 << 10
	s := newAnswerServer(t, db, max)
	ids := []string{"ukraine", "russia", "united-states", "europe", "pos-russia-demands-donbas", "pos-ukraine-refuses-to-give-up-donbas", "com-us-ceasefire-monitoring"}
	q := `query($id: ID!, $n: Int!) { node(id: $id) { id ... on Actor { name positions(first: $n) { edges { node { id } } } } } }`
	for range 3 {
		for n := 1; n <= 20; n++ {
			for _, id := range ids {
				w := s.post(t, "", q, map[string]any{"id": id, "n": n})
				if w.Code != 200 || strings.Contains(w.Body.String(), "errors") {
					t.Fatalf("%s %d: %d %s", id, n, w.Code, w.Body)
				}
				st := s.cache.Stats()
				if st.Bytes > max {
					t.Fatalf("the cache holds %d bytes, more than its %d", st.Bytes, max)
				}
			}
		}
	}
	st := s.cache.Stats()
	if st.Evicted == 0 || st.Entries == 0 || st.Bytes < max/2 {
		t.Errorf("%+v: want evictions, and the cache more than half full", st)
	}
	// The last answer is kept, and answered as a hit.
	before := s.cache.Stats()
	s.post(t, "", q, map[string]any{"id": ids[len(ids)-1], "n": 20})
	if d := s.since(before); d.Hits != 1 {
		t.Errorf("the most recent answer: %+v, want a hit", d)
	}
	// The first is long gone: a miss.
	before = s.cache.Stats()
	s.post(t, "", q, map[string]any{"id": ids[0], "n": 1})
	if d := s.since(before); d.Misses != 1 {
		t.Errorf("the least recent answer: %+v, want a miss", d)
	}
	// The bytes counted are each kept answer's key, body and overhead:
	// an empty cache given one answer holds exactly that.
	one := newAnswerServer(t, db, max)
	vars := map[string]any{"id": "ukraine", "n": 3}
	w := one.post(t, "", q, vars)
	canon, _ := json.Marshal(vars)
	minKey := int64(len(q) + len(canon))
	if got := one.cache.Stats().Bytes; got < int64(w.Body.Len())+minKey+512 || got > int64(w.Body.Len())+minKey+512+32 {
		t.Errorf("one answer of %d bytes (document and variables %d) counts for %d bytes", w.Body.Len(), minKey, got)
	}
	// An answer larger than an eighth of the cache is not kept.
	small := newAnswerServer(t, db, 2048)
	small.post(t, "", q, map[string]any{"id": "ukraine", "n": 20})
	if st := small.cache.Stats(); st.Stored != 0 || st.Uncacheable != 1 {
		t.Errorf("an answer larger than an eighth of the cache: %+v, want it not kept", st)
	}
}

// TestAnswerCacheOff: with no bytes there is no cache, and the handler
// passes every request through.
func TestAnswerCacheOff(t *testing.T) {
	db := openTestDB(t)
	if c := graph.NewAnswerCache(db, 0, nil); c != nil {
		t.Fatal("a cache of 0 bytes was made")
	}
	var c *graph.AnswerCache
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	if fmt.Sprintf("%p", c.Handler(next)) != fmt.Sprintf("%p", next) {
		t.Error("no cache: the handler is not the next handler itself")
	}
}

// TestAnswerCacheArguments: no answer depends on the wall clock (asOf is
// an argument: no default is "now"; changes(since:) reads the history,
// which moves the version): each date asked is an answer of its own, as a
// server without the cache gives it, and the changes since a point show a
// write made after the first answer was kept.
func TestAnswerCacheArguments(t *testing.T) {
	ctx := context.Background()
	db := berlinDB(t)
	s := newAnswerServer(t, db, graph.DefaultAnswerCacheBytes)
	plain := graph.Conform(graph.NewHandler(db, nil))
	q := `query($d: PartialDate) { positions(asOf: $d, first: 50) { totalCount edges { node { id } } } }`
	for round := range 2 {
		for _, d := range []any{nil, "2023-06", "2024-02-10", "2026-12"} {
			got, want := s.post(t, "", q, map[string]any{"d": d}), postTo(plain, "", q, map[string]any{"d": d})
			if got.Body.String() != want.Body.String() || strings.Contains(got.Body.String(), "errors") {
				t.Errorf("round %d, asOf %v: %s, want %s", round, d, got.Body, want.Body)
			}
		}
	}
	if st := s.cache.Stats(); st.Stored != 4 || st.Hits != 4 {
		t.Errorf("%+v, want 4 answers kept and 4 hits", st)
	}
	changes := `query($s: Int!) { changes(since: $s, first: 5) { edges { node { op nodeId } } } }`
	v, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if w := s.post(t, "", changes, map[string]any{"s": v}); w.Body.String() != `{"data":{"changes":{"edges":[]}}}` {
		t.Fatalf("changes since now: %s", w.Body)
	}
	renameActor(t, db, "ukraine", "Ukraine (renamed)")
	if w := s.post(t, "", changes, map[string]any{"s": v}); !strings.Contains(w.Body.String(), `"nodeId":"ukraine"`) {
		t.Errorf("changes since the kept answer, after a write: %s", w.Body)
	}
}

// TestAnswerCacheETag: a GET answer kept carries an ETag; asked again with
// it in If-None-Match, the answer is 304 Not Modified with no body; after
// a write that changes it, the answer is new, with another ETag.
func TestAnswerCacheETag(t *testing.T) {
	db := berlinDB(t)
	s := newAnswerServer(t, db, graph.DefaultAnswerCacheBytes)
	const q = `{ node(id: "ukraine") { ... on Actor { name } } }`
	first := s.get(t, "", q)
	tag := first.Header().Get("ETag")
	if first.Code != 200 || tag == "" {
		t.Fatalf("first GET: %d, ETag %q", first.Code, tag)
	}
	again := s.get(t, "", q, "If-None-Match", tag)
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("ETag") != tag || again.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("GET with its ETag: %d %v %q", again.Code, again.Header(), again.Body)
	}
	if w := s.get(t, "", q, "If-None-Match", `"other"`); w.Code != 200 || w.Body.String() != first.Body.String() {
		t.Errorf("GET with another ETag: %d %s", w.Code, w.Body)
	}
	if w := s.post(t, "", q, nil); w.Header().Get("ETag") != "" {
		t.Errorf("a POST answer has an ETag")
	}
	renameActor(t, db, "ukraine", "Ukraine (renamed)")
	w := s.get(t, "", q, "If-None-Match", tag)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "renamed") || w.Header().Get("ETag") == tag || w.Header().Get("ETag") == "" {
		t.Errorf("after a write: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

// TestAnswerCacheOneExecution: identical requests that miss at once (the
// graph just changed under a document whose answers are kept) are
// answered by one execution.
func TestAnswerCacheOneExecution(t *testing.T) {
	db := berlinDB(t)
	// The executions, counted, wait for the gate.
	var executions atomic.Int64
	gate := make(chan struct{})
	close(gate)
	var gateMu sync.Mutex
	inner := graph.Conform(graph.NewHandler(db, nil))
	c := graph.NewAnswerCache(db, graph.DefaultAnswerCacheBytes, nil)
	s := &answerServer{db: db, cache: c, h: c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		executions.Add(1)
		gateMu.Lock()
		g := gate
		gateMu.Unlock()
		<-g
		inner.ServeHTTP(w, r)
	}))}
	vars := map[string]any{"id": "ukraine"}
	s.post(t, "", answerQuery, vars) // the document is known
	renameActor(t, db, "ukraine", "Ukraine (renamed)")
	gateMu.Lock()
	gate = make(chan struct{})
	gateMu.Unlock()
	const clients = 8
	before := s.cache.Stats()
	executions.Store(0)
	var wg sync.WaitGroup
	bodies := make([]string, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bodies[i] = s.post(t, "", answerQuery, vars).Body.String()
		}()
	}
	// Every client has missed (and joins the execution the gate holds)
	// before the gate opens.
	for start := time.Now(); s.cache.Stats().Misses < before.Misses+clients; {
		if time.Since(start) > 30*time.Second {
			close(gate)
			t.Fatalf("the clients did not all miss: %+v", s.since(before))
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(gate)
	wg.Wait()
	for i := range bodies {
		if bodies[i] != bodies[0] || !strings.Contains(bodies[0], "Ukraine") {
			t.Fatalf("answers differ: %s / %s", bodies[0], bodies[i])
		}
	}
	if d := s.since(before); d.Stored != 1 || d.Misses != clients || executions.Load() != 1 {
		t.Errorf("%d identical misses: %+v, %d executions, want one", clients, d, executions.Load())
	}
}

// versionCounter counts the versions read through it; the store's own
// counter (Queries) counts every statement besides.
type versionCounter struct {
	testDB
	versions atomic.Int64
}

func (s *versionCounter) Version(ctx context.Context) (int64, error) {
	s.versions.Add(1)
	return s.testDB.Version(ctx)
}

// TestAnswerCacheStoreFree: a query that reads nothing from the store
// (__typename, __schema, __type at its root, through fragments, under
// @skip or @include) is answered again without any call to the store, not
// even the version's, and keeps its answer when the graph changes; a
// document with any other root field (beside __typename, in a fragment,
// under @include) still reads the version at each request and sees a
// write made through another store at once.
func TestAnswerCacheStoreFree(t *testing.T) {
	ctx := context.Background()
	a, b := twoStores(t)
	if _, err := a.Import(ctx, []*parley.Dataset{berlinFile(t)}); err != nil {
		t.Fatal(err)
	}
	counted := &versionCounter{testDB: a}
	s := newAnswerServer(t, counted, graph.DefaultAnswerCacheBytes)
	calls := func() int64 { return counted.versions.Load() + a.Queries() }

	free := []string{
		`{ __typename }`,
		`query Named { __typename }`,
		`{ ... on Query { __typename } }`,
		`query { ...F } fragment F on Query { __typename t: __type(name: "Actor") { name } }`,
		`{ __typename @skip(if: false) __schema @include(if: true) { queryType { name } } }`,
		`{ ... @include(if: true) { __schema { mutationType { name } } } }`,
	}
	mixed := []string{
		`{ __typename actors(first: 1) { edges { node { id name } } } }`,
		`{ ... on Query { __typename } actors(first: 1) { edges { node { id name } } } }`,
		`query { ...F } fragment F on Query { __typename actors(first: 1) { edges { node { id name } } } }`,
		`{ __typename ... @include(if: true) { actors(first: 1) { edges { node { id name } } } } }`,
		`{ __typename ... @skip(if: true) { __typename } actors(first: 1) @skip(if: false) { edges { node { id name } } } }`,
	}
	answers := map[string]string{}
	for _, q := range append(append([]string{}, free...), mixed...) {
		w := s.post(t, "", q, nil)
		if w.Code != 200 || !strings.HasPrefix(w.Body.String(), `{"data":`) || strings.Contains(w.Body.String(), `"errors"`) {
			t.Fatalf("%s: %d %s", q, w.Code, w.Body)
		}
		answers[q] = w.Body.String()
	}
	for _, q := range free {
		before, n := s.cache.Stats(), calls()
		w := s.post(t, "", q, nil)
		if got := calls() - n; got != 0 {
			t.Errorf("%s: asked again, %d calls to the store, want none", q, got)
		}
		if d := s.since(before); d.Hits != 1 || w.Body.String() != answers[q] {
			t.Errorf("%s: %+v %s, want a hit with %s", q, d, w.Body, answers[q])
		}
	}
	for _, q := range mixed {
		before, v := s.cache.Stats(), counted.versions.Load()
		w := s.post(t, "", q, nil)
		if got := counted.versions.Load() - v; got != 1 {
			t.Errorf("%s: asked again, %d reads of the version, want 1", q, got)
		}
		if d := s.since(before); d.Hits != 1 || w.Body.String() != answers[q] {
			t.Errorf("%s: %+v %s, want a hit", q, d, w.Body)
		}
	}

	// Rename the first actor through the other store (another process).
	var first struct {
		Data struct {
			Actors struct {
				Edges []struct{ Node struct{ ID, Name string } }
			}
		}
	}
	if err := json.Unmarshal([]byte(answers[mixed[0]]), &first); err != nil || len(first.Data.Actors.Edges) != 1 {
		t.Fatalf("%v: %s", err, answers[mixed[0]])
	}
	old := first.Data.Actors.Edges[0].Node.Name
	n, err := b.Node(ctx, first.Data.Actors.Edges[0].Node.ID)
	if err != nil {
		t.Fatal(err)
	}
	renamed := n.(*parley.Actor)
	renamed.Name = old + " (renamed elsewhere)"
	if _, err := b.Apply(ctx, []parley.Mutation{{Op: parley.OpUpdate, Put: renamed}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range mixed {
		w := s.post(t, "", q, nil)
		if want := strings.Replace(answers[q], old, renamed.Name, 1); w.Body.String() != want {
			t.Errorf("%s after a write elsewhere:\n got %s\nwant %s", q, w.Body, want)
		}
	}
	for _, q := range free {
		before, n := s.cache.Stats(), calls()
		w := s.post(t, "", q, nil)
		if got := calls() - n; got != 0 || s.since(before).Hits != 1 || w.Body.String() != answers[q] {
			t.Errorf("%s after a write: %d calls to the store, %+v, %s", q, got, s.since(before), w.Body)
		}
	}
}
