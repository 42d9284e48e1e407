package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// metricValue reads one series' value from a /metrics text answer; ok is
// false if the series is absent.
func metricValue(t *testing.T, text, series string) (float64, bool) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, val, found := strings.Cut(sc.Text(), " ")
		if found && name == series {
			v, err := strconv.ParseFloat(val, 64)
			if err != nil {
				t.Fatalf("%s: %v", series, err)
			}
			return v, true
		}
	}
	return 0, false
}

// TestServeMetrics serves /metrics and sees its counters move with the
// requests made: operations by name, type and outcome, errors by code,
// latencies, the store's calls, the pool, and Go's runtime.
func TestServeMetrics(t *testing.T) {
	s := startServer(t, "--db", filepath.Join(t.TempDir(), "m.db"))
	code, before := s.get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	probe := `parley_graphql_requests_total{operation="Probe",outcome="ok",type="query"}`
	if _, ok := metricValue(t, before, probe); ok {
		t.Fatalf("%s before any request", probe)
	}
	nodesBefore, _ := metricValue(t, before, `parley_store_call_duration_seconds_count{method="list"}`)
	// Two pages of different sizes: a page asked again at the same
	// version comes from the shared cache, with no list call.
	for _, first := range []string{"2", "3"} {
		if code, body := s.post("", `{"query":"query Probe { actors(first: `+first+`) { edges { node { id } } } }"}`); code != 200 || strings.Contains(body, "errors") {
			t.Fatalf("Probe: %d %s", code, body)
		}
	}
	if code, body := s.post("", `{"query":"query Bad { nope }","operationName":"Bad"}`); code != 200 || !strings.Contains(body, "GRAPHQL_VALIDATION_FAILED") {
		t.Fatalf("Bad: %d %s", code, body)
	}
	if code, body := s.post("", `{"query":"mutation Write { deleteNode(input: {id: \"x\"}) { __typename } }"}`); code != 200 || !strings.Contains(body, "UNAUTHENTICATED") {
		t.Fatalf("Write: %d %s", code, body)
	}
	_, after := s.get("/metrics")
	want := map[string]float64{
		probe: 2,
		`parley_graphql_requests_total{operation="Bad",outcome="error",type="unknown"}`: 1,
		`parley_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}`:                 1,
	}
	for series, n := range want {
		if v, ok := metricValue(t, after, series); !ok || v != n {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, n)
		}
	}
	if v, _ := metricValue(t, after, `parley_graphql_request_duration_seconds_count{type="query"}`); v < 2 {
		t.Errorf("query latency count %v, want at least 2", v)
	}
	if v, _ := metricValue(t, after, `parley_store_call_duration_seconds_count{method="list"}`); v < nodesBefore+2 {
		t.Errorf("store list calls %v, want at least %v", v, nodesBefore+2)
	}
	for _, series := range []string{"go_goroutines", "parley_db_pool_open_connections", "parley_subscriptions_open"} {
		if _, ok := metricValue(t, after, series); !ok {
			t.Errorf("%s absent", series)
		}
	}
}

// TestServeSearchCountsByTheStore asks a served search for its
// totalCount: the store counts (its search_count call is timed once), and
// the count is every hit, as the hits of one large page show.
func TestServeSearchCountsByTheStore(t *testing.T) {
	s := startServer(t, "--db", filepath.Join(t.TempDir(), "m.db"))
	_, before := s.get("/metrics")
	counted, _ := metricValue(t, before, `parley_store_call_duration_seconds_count{method="search_count"}`)
	code, body := s.post("", `{"query":"{ search(query: \"Russia\", first: 100) { totalCount edges { cursor } } }"}`)
	var resp struct {
		Data struct {
			Search struct {
				TotalCount int
				Edges      []struct{ Cursor string }
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &resp); code != 200 || err != nil {
		t.Fatalf("search: %d %s", code, body)
	}
	if n := resp.Data.Search.TotalCount; n < 15 || n != len(resp.Data.Search.Edges) {
		t.Errorf("totalCount %d, %d hits on one page: %.300s", n, len(resp.Data.Search.Edges), body)
	}
	_, after := s.get("/metrics")
	if v, _ := metricValue(t, after, `parley_store_call_duration_seconds_count{method="search_count"}`); v != counted+1 {
		t.Errorf("the store counted %v times, want 1: totalCount was not asked of the store", v-counted)
	}
}

// TestServeDebugAddr serves pprof on a loopback address only when asked,
// and refuses an address that is not loopback.
func TestServeDebugAddr(t *testing.T) {
	if code, _, errOut := run(t, nil, "serve", "--db", filepath.Join(t.TempDir(), "d.db"), "--debug-addr", "0.0.0.0:0"); code != 2 || !strings.Contains(errOut, "loopback") {
		t.Fatalf("--debug-addr 0.0.0.0:0: exit %d, %s", code, errOut)
	}
	sides := make(chan [2]string, 2)
	addrc := make(chan string, 1)
	app := &App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Ready: func(a string) { addrc <- a },
		SideReady: func(what, a string) { sides <- [2]string{what, a} }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- app.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "d.db"), "--debug-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"})
	}()
	defer func() { cancel(); <-done }()
	got := map[string]string{}
	var base string
	for base == "" || len(got) < 2 {
		select {
		case s := <-sides:
			got[s[0]] = s[1]
		case a := <-addrc:
			base = "http://" + a
		case code := <-done:
			t.Fatalf("serve exited %d", code)
		case <-time.After(2 * time.Minute):
			t.Fatal("serve did not start")
		}
	}
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("http://" + got["debug"] + "/debug/pprof/goroutine?debug=1"); code != 200 || !strings.Contains(body, "goroutine profile") {
		t.Errorf("pprof: %d %.200s", code, body)
	}
	if code, body := get("http://" + got["metrics"] + "/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics addr: %d %.200s", code, body)
	}
	if code, _ := get(base + "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on --addr with --metrics-addr set: %d, want 404", code)
	}
	if code, _ := get(base + "/debug/pprof/"); code == http.StatusOK {
		t.Errorf("pprof served on --addr")
	}
}

// TestSchemaPossibleTypes prints each interface and union with the types
// behind it, as Apollo Client's possibleTypes takes them.
func TestSchemaPossibleTypes(t *testing.T) {
	code, out, errOut := run(t, nil, "schema", "--possible-types")
	if code != 0 {
		t.Fatal(errOut)
	}
	var got map[string][]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got["Actor"], ",") != "Group,Organization,Person,State" {
		t.Errorf("Actor: %v", got["Actor"])
	}
	if len(got["Node"]) < 10 || !slices.Contains(got["Node"], "Position") || slices.Contains(got["Node"], "Actor") {
		t.Errorf("Node: %v", got["Node"])
	}
	for name := range got {
		if strings.HasPrefix(name, "__") {
			t.Errorf("introspection's %s listed", name)
		}
	}
}

// checkStoreMetrics asks s for actors with their positions and for nodes
// by id, and sees the store's calls timed, the loaders' batches sized
// (the positions of three actors in one List call; the nodes in one Nodes
// call) and the pool's gauges, whatever the backend.
func checkStoreMetrics(t *testing.T, s *server, pool ...string) {
	t.Helper()
	_, before := s.get("/metrics")
	value := func(text, series string) float64 {
		v, _ := metricValue(t, text, series)
		return v
	}
	q := `{"query":"{ actors(first: 3) { edges { node { id positions(first: 2) { edges { node { id } } } } } } nodes(ids: [\"ukraine\", \"russia\", \"united-states\"]) { id } }"}`
	if code, body := s.post("", q); code != 200 || strings.Contains(body, "errors") {
		t.Fatalf("query: %d %s", code, body)
	}
	_, after := s.get("/metrics")
	if d := value(after, `parley_store_call_duration_seconds_count{method="list"}`) - value(before, `parley_store_call_duration_seconds_count{method="list"}`); d < 2 {
		t.Errorf("store list calls timed: %v more, want at least 2", d)
	}
	// At least one batch of more than two keys: the three actors'
	// positions in one call.
	delta := func(series string) float64 { return value(after, series) - value(before, series) }
	if big := delta(`parley_loader_batch_size_count{loader="lists"}`) - delta(`parley_loader_batch_size_bucket{loader="lists",le="2"}`); big < 1 {
		t.Errorf("no list batch of more than 2 keys: %v", big)
	}
	if d := delta(`parley_loader_batch_size_sum{loader="lists"}`); d < 3 {
		t.Errorf("list batch keys: %v more, want at least 3", d)
	}
	if d := value(after, `parley_loader_batch_size_count{loader="nodes"}`) - value(before, `parley_loader_batch_size_count{loader="nodes"}`); d < 1 {
		t.Errorf("node batches: %v more, want at least 1", d)
	}
	if v, ok := metricValue(t, after, `parley_loader_batch_size_bucket{loader="lists",le="5"}`); !ok || v < 1 {
		t.Errorf("the lists batch histogram's bucket le=5: %v %v", v, ok)
	}
	for _, series := range append([]string{"parley_db_pool_open_connections", "parley_db_pool_in_use", "parley_db_pool_idle", "parley_db_pool_wait_total"}, pool...) {
		if _, ok := metricValue(t, after, series); !ok {
			t.Errorf("%s absent", series)
		}
	}
}

// TestServeStoreMetrics: the store's calls, the loaders' batches and
// the pool on SQLite.
func TestServeStoreMetrics(t *testing.T) {
	checkStoreMetrics(t, startServer(t, "--db", filepath.Join(t.TempDir(), "m.db")))
}

// TestServeStoreMetricsPostgres: the same on PostgreSQL, the pool's
// gauges read from pgxpool (its size too).
func TestServeStoreMetricsPostgres(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	checkStoreMetrics(t, startServer(t, "--db", pgtest.Database(t)), "parley_db_pool_max_connections")
}

// TestServeAnswerCache: serve keeps answers by default (a query asked
// twice is a hit in /metrics, with the bytes kept), and keeps none with
// --answer-cache-mb 0 (no such series, each query run); a bad
// PARLEY_ANSWER_CACHE_MB is refused.
func TestServeAnswerCache(t *testing.T) {
	const q = `{"query":"{ node(id: \"ukraine\") { id } }"}`
	for _, c := range []struct {
		args []string
		on   bool
	}{{nil, true}, {[]string{"--answer-cache-mb", "0"}, false}} {
		s := startServer(t, append([]string{"--db", filepath.Join(t.TempDir(), "a.db")}, c.args...)...)
		for range 2 {
			if code, body := s.post("", q); code != 200 || body != `{"data":{"node":{"id":"ukraine"}}}` {
				t.Fatalf("%v: %d %s", c.args, code, body)
			}
		}
		_, text := s.get("/metrics")
		hits, ok := metricValue(t, text, "parley_answer_cache_hits_total")
		size, _ := metricValue(t, text, "parley_answer_cache_bytes")
		max, _ := metricValue(t, text, "parley_answer_cache_max_bytes")
		if c.on && (hits != 1 || size <= 0 || max != 64<<20) {
			t.Errorf("default: hits %v, bytes %v, max %v; want 1 hit, bytes kept, 64 MiB", hits, size, max)
		}
		if !c.on && ok {
			t.Errorf("--answer-cache-mb 0: the cache's series are served (hits %v)", hits)
		}
	}
	var stderr strings.Builder
	app := &App{Stdout: io.Discard, Stderr: &stderr, Getenv: func(k string) string {
		if k == "PARLEY_ANSWER_CACHE_MB" {
			return "lots"
		}
		return ""
	}}
	if code := app.Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "b.db")}); code == 0 || !strings.Contains(stderr.String(), "PARLEY_ANSWER_CACHE_MB") {
		t.Errorf("PARLEY_ANSWER_CACHE_MB=lots: exit %d, %s", code, stderr.String())
	}
}
