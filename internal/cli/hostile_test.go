//go:build unix

package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Bounds on one hostile request, whatever it asks: the CPU time the
// whole process spends on it (getrusage, so a busy machine does not make
// it flaky the way wall-clock time would) and how far the heap grows
// while it runs (sampled every millisecond, so garbage not yet collected
// counts too).
const (
	hostileMaxCPU  = time.Second
	hostileMaxHeap = 64 << 20
)

// hostile is one request an attacker or a clumsy client might send, and
// the answer it must get.
type hostile struct {
	name string
	// send sends the request to the server at addr and returns what
	// came back: the first error's extensions.code, "ok" for an answer
	// without errors, or "closed" when the server cut the connection.
	send func(t *testing.T, addr string) (status int, code string)
	// want lists the acceptable codes. Several are acceptable when the
	// answer depends on the graph's size (an admitted question may be
	// answered, or cut off at the budget on a large graph).
	want []string
	// status is the HTTP status expected (0 for none: a cut connection).
	status int
}

// TestHostileRequests runs each hostile request through the real server
// (parley serve, its whole handler chain and its timeouts) and checks
// its answer, and that it cost under a second of CPU and 64 MiB of
// allocations. It runs on the built-in graph, or on the database named
// by PARLEY_HOSTILE_DB (for instance a 100k graph made by
// `parley gen --actors 2089 --statements 60606 --db /tmp/gen100k.db`).
// The figures go to the test log (go test -v).
func TestHostileRequests(t *testing.T) {
	db := os.Getenv("PARLEY_HOSTILE_DB")
	if db == "" {
		db = filepath.Join(t.TempDir(), "berlin.db")
	}
	env := map[string]string{"PARLEY_READ_TIMEOUT": "1s", "PARLEY_IDLE_TIMEOUT": "1s"}
	addrc := make(chan string, 1)
	logs := &syncWriter{w: &bytes.Buffer{}}
	app := &App{Stdout: io.Discard, Stderr: logs, Getenv: func(k string) string { return env[k] }, Ready: func(a string) { addrc <- a }}
	base, stop := startServe(t, app, addrc, "--db", db, "--addr", "127.0.0.1:0")
	addr := strings.TrimPrefix(base, "http://")

	var (
		worstCPU   time.Duration
		worstHeap  uint64
		worstCPUOf string
		worstMemOf string
	)
	// Two actors of the graph, whatever it is: the first and the last.
	a, b := actorID(t, addr, "first"), actorID(t, addr, "last")
	cases := hostileCases(a, b)
	for _, h := range cases {
		t.Run(h.name, func(t *testing.T) {
			var status int
			var code string
			runtime.GC()
			cpu, heap, alloc := cost(func() { status, code = h.send(t, addr) })
			t.Logf("%-40s %3d %-26s cpu %6.1f ms  heap +%5.1f MiB  alloc %6.1f MiB", h.name, status, code, float64(cpu.Microseconds())/1000, float64(heap)/(1<<20), float64(alloc)/(1<<20))
			if !contains(h.want, code) || status != h.status {
				t.Errorf("answered %d %s, want %d %s", status, code, h.status, strings.Join(h.want, " or "))
			}
			if cpu > hostileMaxCPU {
				t.Errorf("took %v of CPU, more than %v", cpu, hostileMaxCPU)
			}
			if heap > hostileMaxHeap {
				t.Errorf("grew the heap by %d MiB, more than %d MiB", heap>>20, hostileMaxHeap>>20)
			}
			if cpu > worstCPU {
				worstCPU, worstCPUOf = cpu, h.name
			}
			if heap > worstHeap {
				worstHeap, worstMemOf = heap, h.name
			}
		})
	}
	t.Logf("%d cases; worst CPU %.0f ms (%s); worst heap growth %.1f MiB (%s)",
		len(cases), float64(worstCPU.Microseconds())/1000, worstCPUOf, float64(worstHeap)/(1<<20), worstMemOf)

	// While the costliest admitted requests run, the server still
	// answers its health check. This server keeps the default timeouts:
	// with a read timeout of a second, a starved machine may drop a
	// connection before reading it.
	stop()
	addrc2 := make(chan string, 1)
	app2 := &App{Stdout: io.Discard, Stderr: logs, Getenv: func(string) string { return "" }, Ready: func(a string) { addrc2 <- a }}
	base, stop2 := startServe(t, app2, addrc2, "--db", db, "--addr", "127.0.0.1:0")
	defer stop2()
	addr = strings.TrimPrefix(base, "http://")
	stopLoad := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stopLoad:
					return
				default:
					load(addr, natural3)
					load(addr, aliasesOf(2, introspectionQuery))
					load(addr, `{ search(query: "a*", first: 100) { edges { node { snippet field } } } }`)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	var lat []time.Duration
	for range 20 {
		start := time.Now()
		resp, err := hostileClient.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		lat = append(lat, time.Since(start))
		time.Sleep(50 * time.Millisecond)
	}
	close(stopLoad)
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("/healthz under load: median %v, worst %v", lat[len(lat)/2], lat[len(lat)-1])
	// Wall-clock time on a shared machine: only a server that stops
	// answering fails this.
	if lat[len(lat)-1] > 10*time.Second {
		t.Errorf("/healthz took %v under load", lat[len(lat)-1])
	}
	if strings.Contains(logs.String(), "panic") {
		t.Errorf("the server panicked:\n%s", logs.String())
	}
}

// natural3 is a newcomer's question through three connections, with no
// page sizes: admitted.
const natural3 = `{ actors { edges { node { name positions { edges { node {
	proposition { text positions { edges { node { stance holder { name } } } } } } } } } } } }`

// actorID returns the id of the first or last actor.
func actorID(t *testing.T, addr, end string) string {
	body, _ := json.Marshal(map[string]any{"query": "{ actors(" + end + ": 1) { edges { node { id } } } }"})
	resp, err := hostileClient.Post("http://"+addr+"/query", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Actors struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Data.Actors.Edges) != 1 {
		t.Fatalf("no %s actor: %v", end, err)
	}
	return out.Data.Actors.Edges[0].Node.ID
}

func hostileCases(a, b string) []hostile {
	json := func(query string, vars map[string]any) func(*testing.T, string) (int, string) {
		return func(t *testing.T, addr string) (int, string) { return postQuery(t, addr, query, vars) }
	}
	bomb := func(n int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "query { actors { edges { node { ...F%d } } } }\nfragment F0 on Actor { name }\n", n)
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "fragment F%d on Actor { ...F%d ...F%d }\n", i, i-1, i-1)
		}
		return b.String()
	}
	deep := `{ node(id: "` + a + `") { ... on Actor { ` + strings.Repeat("members { edges { node { holder { ... on Person { ", 8) + "id" + strings.Repeat(" } } } } }", 8) + ` } } }`
	marker := strings.Repeat("x", 900_000)
	return []hostile{
		{name: "fragment bomb, 27 levels", send: json(bomb(27), nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "fragment bomb, 60 levels", send: json(bomb(60), nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "one field 50,000 times", send: json("{ actors { edges { node { "+strings.Repeat("name ", 50_000)+"} } } }", nil), want: []string{"GRAPHQL_PARSE_FAILED"}, status: 200},
		{name: "one field 9,000 times", send: json("{ actors { edges { node { "+strings.Repeat("name ", 9_000)+"} } } }", nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "one field in 1,500 inline fragments", send: json("{ actors { edges { node { "+strings.Repeat("... on Actor { name } ", 1_500)+"} } } }", nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "1,000 fragments spread in one place", send: json(spreads(1000), nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "300 aliases of a two-level list", send: json(aliasesOf(300, "actors { edges { node { name positions { edges { node { proposition { text } } } } } } }"), nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "1,500 aliases of a list", send: json(aliasesOf(1500, "actors { totalCount }"), nil), want: []string{"ok", "RESPONSE_TOO_LARGE"}, status: 200},
		{name: "1,000 aliases of introspection", send: json(aliasesOf(1000, introspectionQuery), nil), want: []string{"GRAPHQL_PARSE_FAILED"}, status: 200},
		{name: "25 aliases of introspection", send: json(aliasesOf(25, introspectionQuery), nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "introspection nested through types", send: json(aliasesOf(5, "__schema { types { fields { type { fields { type { fields { name } } } } } } }"), nil), want: []string{"GRAPHQL_VALIDATION_FAILED"}, status: 200},
		{name: "snippet marker of 900 KB", send: json(`query($b: String) { search(query: "Donbas") { edges { node { snippet(before: $b) } } } }`, map[string]any{"b": marker}), want: []string{"BAD_USER_INPUT"}, status: 200},
		{name: "10 aliases of a 900 KB marker", send: json(aliasesOf(10, `search(query: "Donbas") { edges { node { snippet(before: $b) } } }`, "$b: String"), map[string]any{"b": marker[:90_000]}), want: []string{"BAD_USER_INPUT"}, status: 200},
		{name: "an id of 900 KB", send: json(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": marker}), want: []string{"BAD_USER_INPUT"}, status: 200},
		{name: "an id of 900 KB in a mutation", send: json(`mutation($id: ID!) { deleteNode(input: {id: $id}) { id } }`, map[string]any{"id": marker}), want: []string{"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT"}, status: 200},
		{name: "a search query of 900 KB", send: json(`query($q: String!) { search(query: $q) { edges { node { field } } } }`, map[string]any{"q": marker}), want: []string{"BAD_USER_INPUT"}, status: 200},
		{name: "nesting 17 hops deep", send: json(deep, nil), want: []string{"DEPTH_LIMIT_EXCEEDED"}, status: 200},
		{name: "four connections without first", send: json(`{ actors { edges { node { statements { edges { node { audience { statements { edges { node { audience { statements { totalCount } } } } } } } } } } } } }`, nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "three connections without first", send: json(natural3, nil), want: []string{"ok", "RESPONSE_TOO_LARGE"}, status: 200},
		{name: "three connections of 100", send: json(`{ actors(first: 100) { edges { node { positions(first: 100) { edges { node { proposition { positions(first: 100) { edges { node { holder { name } } } } } } } } } } } }`, nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "the largest page of every list", send: json(`{ actors(first: 100) { edges { node { name description aliases positions(first: 100) { edges { node { summary evidence { quote } } } } statements(first: 100) { edges { node { words evidence { quote } } } } } } } }`, nil), want: []string{"ok", "RESPONSE_TOO_LARGE"}, status: 200},
		{name: "10 aliases of the longest path", send: json(aliasesOf(10, `path(from: "`+a+`", to: "`+b+`", maxHops: 6) { length }`), nil), want: []string{"ok"}, status: 200},
		{name: "10 aliases of the widest neighbourhood", send: json(aliasesOf(10, `neighbourhood(id: "`+a+`", hops: 3, limit: 500) { nodes { ... on Node { id } } }`), nil), want: []string{"ok"}, status: 200},
		{name: "a search for a common prefix", send: json(aliasesOf(1, `search(query: "a*", first: 100) { edges { node { snippet field } } }`), nil), want: []string{"ok", "RESPONSE_TOO_LARGE"}, status: 200},
		{name: "2 searches for a common prefix", send: json(aliasesOf(2, `search(query: "a*", first: 100) { edges { node { snippet field } } }`), nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "20 aliases of the longest path", send: json(aliasesOf(20, `path(from: "`+a+`", to: "`+b+`", maxHops: 6) { length }`), nil), want: []string{"COMPLEXITY_LIMIT_EXCEEDED"}, status: 200},
		{name: "20 searches for a common prefix", send: json(aliasesOf(20, `search(query: "a*", first: 100) { edges { node { snippet field } } }`), nil), want: []string{"ok", "COMPLEXITY_LIMIT_EXCEEDED", "RESPONSE_TOO_LARGE"}, status: 200},
		{name: "a cursor of 900 KB", send: json(`query($c: String) { actors(after: $c) { totalCount } }`, map[string]any{"c": marker}), want: []string{"BAD_USER_INPUT"}, status: 200},
		{name: "a mutation by GET", send: func(t *testing.T, addr string) (int, string) {
			return get(t, addr, "/query?query="+strings.ReplaceAll(`mutation{deleteNode(input:{id:"x"}){id}}`, " ", "%20"))
		}, want: []string{"BAD_REQUEST"}, status: 406},
		{name: "a body that is not JSON", send: func(t *testing.T, addr string) (int, string) {
			return post(t, addr, "application/json", -1, strings.NewReader(`{"query": "{`))
		}, want: []string{"BAD_REQUEST"}, status: 400},
		{name: "a chunked body over the limit", send: func(t *testing.T, addr string) (int, string) {
			// Chunks just past the limit, then the answer is read (a
			// client sending on after it may see its connection reset).
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, "POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
			chunk := strings.Repeat("x", 64<<10)
			for range 17 { // 1 MiB and 64 KiB
				fmt.Fprintf(conn, "%x\r\n%s\r\n", len(chunk), chunk)
			}
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				return 0, "no answer: " + err.Error()
			}
			return decode(resp)
		}, want: []string{"BAD_REQUEST"}, status: 413},
		{name: "an announced body over the limit", send: func(t *testing.T, addr string) (int, string) {
			// The server answers at once, without reading the body: a
			// client still sending it may see its connection reset, so
			// this one sends the headers only.
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 2<<20)
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				return 0, "no answer: " + err.Error()
			}
			return decode(resp)
		}, want: []string{"BAD_REQUEST"}, status: 413},
		{name: "a body trickled in", send: func(t *testing.T, addr string) (int, string) {
			return raw(t, addr, "POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"query\":", false)
		}, want: []string{"closed"}},
		{name: "headers trickled in", send: func(t *testing.T, addr string) (int, string) {
			return raw(t, addr, "POST /query HTTP/1.1\r\nHost: x\r\n", false)
		}, want: []string{"closed"}},
		{name: "an idle keep-alive connection", send: func(t *testing.T, addr string) (int, string) {
			return raw(t, addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", true)
		}, want: []string{"closed"}},
	}
}

// cost runs f and returns the CPU time the process spent meanwhile, how
// far its heap grew above where it started, and the bytes it allocated.
func cost(f func()) (cpu time.Duration, heap, alloc uint64) {
	read := func() (heap, alloc uint64) {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64(), s[1].Value.Uint64()
	}
	heapBefore, allocBefore := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if h, _ := read(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	f()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	close(done)
	<-sampled
	heapAfter, allocAfter := read()
	cpu = time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	top := max(peak.Load(), heapAfter)
	if top > heapBefore {
		heap = top - heapBefore
	}
	return cpu, heap, allocAfter - allocBefore
}

// hostileClient opens a connection per request: the server here cuts
// idle connections after a second, and a pooled one may be cut just as
// it is reused.
var hostileClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// load sends a query and reads its answer, whatever it is.
func load(addr, query string) {
	body, _ := json.Marshal(map[string]any{"query": query})
	resp, err := hostileClient.Post("http://"+addr+"/query", "application/json", bytes.NewReader(body))
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func postQuery(t *testing.T, addr, query string, vars map[string]any) (int, string) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return post(t, addr, "application/json", int64(len(body)), bytes.NewReader(body))
}

// post sends a body of the given length (-1: chunked).
func post(t *testing.T, addr, contentType string, length int64, body io.Reader) (int, string) {
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/query", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", contentType)
	return answer(t, req)
}

func get(t *testing.T, addr, path string) (int, string) {
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return answer(t, req)
}

// answer sends req and reads the first error's code.
func answer(t *testing.T, req *http.Request) (int, string) {
	resp, err := hostileClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", req.URL, err)
	}
	return decode(resp)
}

// decode reads the first error's code of an answer.
func decode(resp *http.Response) (int, string) {
	defer resp.Body.Close()
	var out struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err := json.Unmarshal(b, &out); err != nil {
		return resp.StatusCode, fmt.Sprintf("not JSON: %.100q", b)
	}
	if len(out.Errors) == 0 {
		return resp.StatusCode, "ok"
	}
	if len(out.Errors[0].Message) > 600 {
		return resp.StatusCode, "message of " + fmt.Sprint(len(out.Errors[0].Message)) + " bytes"
	}
	return resp.StatusCode, out.Errors[0].Extensions.Code
}

// raw writes text on a connection of its own and waits, reading any
// answer, until the server closes it: "closed" if it does within ten
// seconds (ten times the server's timeouts here).
func raw(t *testing.T, addr, text string, readAnswer bool) (int, string) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, text)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	if readAnswer {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			return 0, "no answer: " + err.Error()
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return 0, "held open: " + err.Error()
	}
	return 0, "closed"
}

// aliasesOf asks for field n times under different aliases, in an
// operation declaring vars.
func aliasesOf(n int, field string, vars ...string) string {
	var b strings.Builder
	b.WriteString("query")
	if len(vars) > 0 {
		b.WriteString("(" + strings.Join(vars, ", ") + ")")
	}
	b.WriteString(" {")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

// spreads spreads n fragments, each selecting one field, in one place.
func spreads(n int) string {
	var b strings.Builder
	b.WriteString("{ actors { edges { node {")
	for i := range n {
		fmt.Fprintf(&b, " ...F%d", i)
	}
	b.WriteString(" } } } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Actor { name }\n", i)
	}
	return b.String()
}

// introspectionQuery is the schema query of GraphiQL, as one field.
const introspectionQuery = `__schema { queryType { name } mutationType { name } types { kind name description
  fields(includeDeprecated: true) { name description args { name description type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } defaultValue }
    type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } isDeprecated deprecationReason }
  inputFields { name description type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } defaultValue }
  interfaces { kind name } enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { kind name } }
  directives { name description locations args { name description type { kind name ofType { kind name } } defaultValue } } }`

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// syncWriter lets the server's log be written from many goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.w)
}
