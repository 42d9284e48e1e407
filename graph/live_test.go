package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// wsClient is a graphql-transport-ws client over a real websocket.
type wsClient struct {
	t   *testing.T
	ctx context.Context
	c   *websocket.Conn
}

type wsMessage struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// dialWS opens a graphql-transport-ws connection to srv and waits for
// its connection_ack.
func dialWS(t *testing.T, ctx context.Context, srv *httptest.Server, client ...*http.Client) *wsClient {
	t.Helper()
	opts := &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}}
	if len(client) > 0 {
		opts.HTTPClient = client[0]
	}
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), opts)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 22)
	t.Cleanup(func() { c.CloseNow() })
	w := &wsClient{t: t, ctx: ctx, c: c}
	w.send(map[string]any{"type": "connection_init"})
	if m := w.read(); m.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v", m)
	}
	return w
}

func (w *wsClient) send(m map[string]any) {
	w.t.Helper()
	if err := wsjson.Write(w.ctx, w.c, m); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wsClient) subscribe(id, query string) {
	w.t.Helper()
	w.send(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query}})
}

// read returns the next message that is not a keep-alive.
func (w *wsClient) read() wsMessage {
	w.t.Helper()
	for {
		m, err := w.next()
		if err != nil {
			w.t.Fatalf("reading the websocket: %v", err)
		}
		return m
	}
}

func (w *wsClient) next() (wsMessage, error) {
	for {
		var m wsMessage
		if err := wsjson.Read(w.ctx, w.c, &m); err != nil {
			return m, err
		}
		if m.Type != "ka" && m.Type != "ping" && m.Type != "pong" {
			return m, nil
		}
	}
}

// change is a "next" message's change.
type change struct {
	Seq              int
	NodeID, NodeType string
}

func (m wsMessage) change(t *testing.T) change {
	t.Helper()
	var p struct {
		Data   struct{ Changes change }
		Errors []gqlError
	}
	if m.Type != "next" || json.Unmarshal(m.Payload, &p) != nil || len(p.Errors) > 0 {
		t.Fatalf("not a change: %s %s %s", m.ID, m.Type, m.Payload)
	}
	return p.Data.Changes
}

// errorCode returns the code of the first error of a "next" message.
func (m wsMessage) errorCode() string {
	var p struct{ Errors []gqlError }
	json.Unmarshal(m.Payload, &p)
	if len(p.Errors) == 0 {
		return ""
	}
	c, _ := p.Errors[0].Extensions["code"].(string)
	return c
}

// updateActor writes through the API: a new description of an actor.
func updateActor(t *testing.T, srv *httptest.Server, token, id, description string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!, $d: String) { updateActor(input: {id: $id, description: $d}) { actor { id } } }`, "variables": map[string]any{"id": id, "d": description}})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Errors []gqlError }
	if json.NewDecoder(resp.Body).Decode(&out) != nil || resp.StatusCode != 200 || len(out.Errors) > 0 {
		t.Fatalf("updateActor %s: %d %+v", id, resp.StatusCode, out.Errors)
	}
}

// metricLine reports whether the metrics hold the line (name{labels} value).
func metricLine(t *testing.T, m *metrics.Metrics, line string) bool {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, l := range strings.Split(rec.Body.String(), "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// TestSubscriptionsPerConnection: one websocket connection carries at most
// its maximum of subscriptions; one more is refused with
// TOO_MANY_SUBSCRIPTIONS while the others go on; when one completes, a
// new one is accepted. The feed from a sequence number gives the history
// oldest first.
func TestSubscriptionsPerConnection(t *testing.T) {
	s := newWriteServer(t, false)
	m := metrics.New()
	srv := httptest.NewServer(graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil, graph.WithMetrics(m), graph.WithSubscriptionLimits(10, 2)))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := dialWS(t, ctx, srv)

	c.subscribe("1", `subscription { changes(since: 0) { seq nodeId nodeType } }`)
	for want := 1; want <= 2; want++ {
		if got := c.read().change(t); got.Seq != want {
			t.Fatalf("change %d: %+v", want, got)
		}
	}
	// Two more: the server starts them concurrently, so either may be
	// the third, refused, while the other goes on.
	c.subscribe("2", `subscription { changes(kinds: ["Actor"]) { seq nodeId nodeType } }`)
	c.subscribe("3", `subscription { changes { seq nodeId } }`)
	var refused wsMessage
	for refused.ID != "2" && refused.ID != "3" {
		refused = c.read() // more of subscription 1 may come first
	}
	if refused.Type != "next" || refused.errorCode() != graph.CodeTooManySubscriptions || !strings.Contains(string(refused.Payload), "maximum of 2 subscriptions") {
		t.Fatalf("third subscription: %s %s", refused.Type, refused.Payload)
	}
	if !metricLine(t, m, `parley_subscriptions_refused_total{code="TOO_MANY_SUBSCRIPTIONS"} 1`) {
		t.Error("the refusal is not counted in the metrics")
	}
	other := map[string]string{"2": "3", "3": "2"}[refused.ID]

	// Subscription 1 and the other go on: a write reaches both.
	updateActor(t, srv, s.editor, "ukraine", "per connection")
	seen := map[string]bool{}
	for len(seen) < 2 {
		m := c.read()
		if m.Type == "next" && (m.ID == "1" || m.ID == other) && m.change(t).NodeID == "ukraine" {
			seen[m.ID] = true
		}
	}

	// Completing subscription 1 frees its place (the server sees the
	// complete asynchronously: try until it has).
	c.send(map[string]any{"id": "1", "type": "complete"})
	deadline := time.Now().Add(10 * time.Second)
	for i := 4; ; i++ {
		id := fmt.Sprint(i)
		c.subscribe(id, `subscription { changes(nodes: ["ukraine"]) { seq nodeId } }`)
		time.Sleep(300 * time.Millisecond) // a refusal comes at once; an acceptance reads where "now" is
		updateActor(t, srv, s.editor, "ukraine", "after complete "+id)
		var got wsMessage
		for got.ID != id {
			got = c.read()
		}
		if got.errorCode() == "" {
			if ch := got.change(t); ch.NodeID != "ukraine" {
				t.Fatalf("subscription %s: %+v", id, ch)
			}
			break
		}
		if got.errorCode() != graph.CodeTooManySubscriptions || time.Now().After(deadline) {
			t.Fatalf("subscription %s after completing one: %s", id, got.Payload)
		}
	}
}

// sseSubscribe posts a subscription asking for Server-Sent Events.
func sseSubscribe(ctx context.Context, srv *httptest.Server, query string, client ...*http.Client) (*http.Response, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if len(client) > 0 {
		return client[0].Do(req)
	}
	return http.DefaultClient.Do(req)
}

// TestSubscriptionConnections: past the server's maximum of subscription
// connections, a websocket is closed with 1013 (try again later) and the
// reason TOO_MANY_CONNECTIONS, and a Server-Sent Events request is
// answered 503 with that code; WebSocket and SSE count together, and a
// connection closed frees its place.
func TestSubscriptionConnections(t *testing.T) {
	s := newWriteServer(t, false)
	m := metrics.New()
	srv := httptest.NewServer(graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil, graph.WithMetrics(m), graph.WithSubscriptionLimits(2, 10)))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	a := dialWS(t, ctx, srv)
	sse, err := sseSubscribe(ctx, srv, `subscription { changes { seq } }`)
	if err != nil || sse.StatusCode != 200 {
		t.Fatalf("SSE as the second connection: %v %v", sse, err)
	}
	defer sse.Body.Close()
	if !metricLine(t, m, "parley_subscription_connections_open 2") {
		t.Error("parley_subscription_connections_open is not 2")
	}

	// A third websocket: accepted, then closed with 1013.
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Read(ctx)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != graph.CloseTryAgainLater || !strings.HasPrefix(ce.Reason, graph.CodeTooManyConnections+": ") || !strings.Contains(ce.Reason, "maximum of 2 subscription connections") {
		t.Fatalf("third websocket: %v", err)
	}
	c.CloseNow()

	// A third connection by SSE: 503 with the code.
	resp, err := sseSubscribe(ctx, srv, `subscription { changes { seq } }`)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Errors []gqlError }
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != graph.CodeTooManyConnections {
		t.Fatalf("third connection by SSE: %d %+v", resp.StatusCode, body)
	}
	if !metricLine(t, m, `parley_subscriptions_refused_total{code="TOO_MANY_CONNECTIONS"} 2`) {
		t.Error("the refusals are not counted in the metrics")
	}

	// Closing the first websocket frees a place.
	a.c.Close(websocket.StatusNormalClosure, "")
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := sseSubscribe(ctx, srv, `subscription { changes { seq } }`)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no place after a connection closed: %d", resp.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The slow-consumer tests keep the sockets' buffers small (the kernel's
// autotuning lets them grow to megabytes), so that a client that does not
// read holds the server's writes up after a few changes, as a client on a
// slow network does.
const tightBuffer = 16 << 10

// tightServer serves h with small send buffers.
func tightServer(h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = tightListener{srv.Listener}
	srv.Start()
	return srv
}

type tightListener struct{ net.Listener }

func (l tightListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(tightBuffer)
	}
	return c, err
}

// tightClient is a client with small receive buffers (set before it
// connects, so that the window it offers is small from the start).
var tightClient = &http.Client{Transport: &http.Transport{DialContext: tightDialer.DialContext}}

var tightDialer = &net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
	var err error
	c.Control(func(fd uintptr) {
		err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, tightBuffer)
	})
	return err
}}

// bigChanges writes n actors with long descriptions in one import: n
// changes whose nodes hold some 8 kB each, more than the sockets between
// a server and a client that does not read can hold.
func bigChanges(t *testing.T, db parley.Store, prefix string, n int) {
	t.Helper()
	ds := &parley.Dataset{}
	text := strings.Repeat("A description long enough to fill the socket buffers. ", 150)
	for i := 0; i < n; i++ {
		ds.Actors = append(ds.Actors, &parley.Actor{ID: fmt.Sprintf("%s-%d", prefix, i), Kind: "ORGANIZATION", Name: fmt.Sprintf("Org %d", i), Description: text})
	}
	if _, err := db.Import(context.Background(), []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
}

// newestSeq returns the seq of the newest change.
func newestSeq(t *testing.T, s *writeServer) int {
	t.Helper()
	var newest struct {
		Changes struct {
			Edges []struct{ Node struct{ Seq int } }
		}
	}
	if code, data, errs := s.do(t, "", `{ changes(first: 1) { edges { node { seq } } } }`, nil); code != 200 || len(errs) > 0 || json.Unmarshal(data, &newest) != nil || len(newest.Changes.Edges) != 1 {
		t.Fatal(code, errs)
	}
	return newest.Changes.Edges[0].Node.Seq
}

// waitDrop waits (at most 30 s) until the server has dropped a slow
// client.
func waitDrop(t *testing.T, m *metrics.Metrics) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !metricLine(t, m, `parley_subscriptions_refused_total{code="SLOW_CONSUMER"} 1`); {
		if time.Now().After(deadline) {
			t.Fatal("no client dropped as slow within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSlowConsumerWebSocket: a client that does not read while changes
// pour in is dropped: its websocket closed with 4008 and the reason
// SLOW_CONSUMER, after no more than its buffer of changes past what the
// sockets held; a client reading on another connection gets every change.
func TestSlowConsumerWebSocket(t *testing.T) {
	const n = 600
	s := newWriteServer(t, false)
	m := metrics.New()
	srv := tightServer(graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil, graph.WithMetrics(m), graph.WithSubscriptionBuffer(4, 3*time.Second)))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// From the newest change now: however late the server starts the
	// subscriptions, they get the changes written below.
	q := fmt.Sprintf(`subscription { changes(since: %d, kinds: ["Actor"]) { seq nodeId node { ... on Actor { description } } } }`, newestSeq(t, s))
	fast := dialWS(t, ctx, srv)
	fast.subscribe("f", q)
	slow := dialWS(t, ctx, srv, tightClient)
	slow.subscribe("s", q)

	var got atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for got.Load() < n {
			m, err := fast.next()
			if err != nil {
				t.Errorf("the fast client: %v after %d changes", err, got.Load())
				return
			}
			if m.Type == "next" && m.errorCode() == "" {
				got.Add(1)
			}
		}
	}()
	bigChanges(t, s.db, "slow", n)
	waitDrop(t, m)

	// The slow client reads now (within the close handshake's 5 s): what
	// the sockets held, then the close.
	read := 0
	var err error
	for {
		var m wsMessage
		if m, err = slow.next(); err != nil {
			break
		}
		if m.Type == "next" {
			read++
		}
	}
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != graph.CloseSlowConsumer || !strings.HasPrefix(ce.Reason, graph.CodeSlowConsumer+": ") {
		t.Fatalf("the slow client: %v after %d changes", err, read)
	}
	if read >= n {
		t.Errorf("the slow client read all %d changes: it was not slow", read)
	}
	wg.Wait()
	t.Logf("the fast client read %d changes; the slow one %d, then %v", got.Load(), read, err)
}

// TestSlowConsumerSSE: the same over Server-Sent Events: the stream ends
// with an event carrying SLOW_CONSUMER, and no complete event.
func TestSlowConsumerSSE(t *testing.T) {
	const n = 600
	s := newWriteServer(t, false)
	m := metrics.New()
	srv := tightServer(graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil, graph.WithMetrics(m), graph.WithSubscriptionBuffer(4, 3*time.Second)))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// A raw connection, so that nothing reads it before the test does.
	conn, err := tightDialer.DialContext(ctx, "tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := fmt.Sprintf(`{"query":"subscription { changes(since: %d, kinds: [\"Actor\"]) { seq nodeId node { ... on Actor { description } } } }"}`, newestSeq(t, s))
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: parley\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	bigChanges(t, s.db, "slow", n)
	waitDrop(t, m)

	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(resp, err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<22)
	var events []string
	var last string
	for sc.Scan() {
		if e, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			events = append(events, e)
		}
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			last = d
		}
	}
	if sc.Err() != nil {
		t.Fatal(sc.Err())
	}
	var ev struct{ Errors []gqlError }
	json.Unmarshal([]byte(last), &ev)
	if len(events) == 0 || len(events) > n || events[len(events)-1] != "next" || len(ev.Errors) != 1 || ev.Errors[0].Extensions["code"] != graph.CodeSlowConsumer {
		t.Fatalf("%d events, the last %q: %s", len(events), events[len(events)-1:], last)
	}
	t.Logf("%d events before the stream ended: %s", len(events)-1, last)
}

// countingStore counts the store's reads of changes after a sequence
// number.
type countingStore struct {
	testDB
	since atomic.Int64
}

func (s *countingStore) Changes(ctx context.Context, q parley.ChangeQuery) ([]parley.Change, bool, error) {
	if q.Since != nil {
		s.since.Add(1)
	}
	return s.testDB.Changes(ctx, q)
}

// TestOneReadPerChange: with many subscriptions on many connections
// (changes of given nodes, of given kinds, the feed from a sequence
// number), each write is read from the store once, not once per
// subscription, and reaches every subscription that wants it.
func TestOneReadPerChange(t *testing.T) {
	const conns, perConn, writes = 10, 3, 5
	s := newWriteServer(t, false)
	store := &countingStore{testDB: s.db}
	srv := httptest.NewServer(graph.Authenticate(store, false, graph.Conform(graph.NewHandler(store, nil))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	queries := []string{
		`subscription { changes(nodes: ["ukraine", "russia"]) { seq nodeId } }`,
		`subscription { changes(kinds: ["Actor"]) { seq nodeId } }`,
		`subscription { changes(since: 0) { seq nodeId } }`,
	}
	clients := make([]*wsClient, conns)
	for i := range clients {
		clients[i] = dialWS(t, ctx, srv)
		for j, q := range queries {
			clients[i].subscribe(fmt.Sprint(j), q)
		}
	}
	// The feed from 0 gives the history first: read it to its end.
	var newest struct {
		Changes struct {
			Edges []struct{ Node struct{ Seq int } }
		}
	}
	if code, data, errs := s.do(t, "", `{ changes(first: 1) { edges { node { seq } } } }`, nil); code != 200 || len(errs) > 0 || json.Unmarshal(data, &newest) != nil {
		t.Fatal(code, errs)
	}
	history := newest.Changes.Edges[0].Node.Seq
	for _, c := range clients {
		for seq := 0; seq < history; {
			m := c.read()
			if m.ID == "2" {
				seq = m.change(t).Seq
			}
		}
	}
	time.Sleep(500 * time.Millisecond) // every subscription attached

	// expect reads the changes each client must get from one write.
	expect := func(node string) {
		t.Helper()
		for i, c := range clients {
			seen := map[string]bool{}
			for len(seen) < 3 {
				m := c.read()
				if ch := m.change(t); ch.NodeID == node {
					seen[m.ID] = true
				} else {
					t.Fatalf("client %d subscription %s: an unexpected change %+v", i, m.ID, ch)
				}
			}
		}
	}
	before := store.since.Load()
	for w := 0; w < writes; w++ {
		node := []string{"ukraine", "russia"}[w%2]
		updateActor(t, srv, s.editor, node, fmt.Sprintf("write %d", w))
		expect(node)
	}
	reads := store.since.Load() - before
	if reads < 1 || reads > writes {
		t.Errorf("%d writes, %d subscriptions: the changes were read %d times, want at most %d", writes, conns*perConn, reads, writes)
	}
	t.Logf("%d writes to %d subscriptions: %d reads of the changes", writes, conns*perConn, reads)
}

// TestSubscriptionNoticesPostgres: on PostgreSQL the subscriptions are
// woken by the store's LISTEN/NOTIFY notices: with the version read only
// once an hour, a write made through another server (its own pool and
// connections) on the same database still reaches a subscriber at once.
func TestSubscriptionNoticesPostgres(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url := pgtest.Database(t)
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, url, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	if _, err := a.Import(ctx, []*parley.Dataset{berlinFile(t)}); err != nil {
		t.Fatal(err)
	}
	token, err := b.CreateToken(ctx, "ed", parley.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	sig := graph.NewStoreSignal(a, time.Hour)
	sig.SlowInterval = time.Hour
	srvA := httptest.NewServer(graph.Conform(graph.NewHandler(a, nil, graph.WithSignal(sig))))
	defer srvA.Close()
	srvB := httptest.NewServer(graph.Authenticate(b, false, graph.Conform(graph.NewHandler(b, nil))))
	defer srvB.Close()

	var newest []parley.Change
	if newest, _, err = a.Changes(ctx, parley.ChangeQuery{First: 1}); err != nil || len(newest) != 1 {
		t.Fatal(newest, err)
	}
	c := dialWS(t, ctx, srvA)
	c.subscribe("1", fmt.Sprintf(`subscription { changes(since: %d, nodes: ["ukraine"]) { seq nodeId } }`, newest[0].Seq))
	for deadline := time.Now().Add(10 * time.Second); !sig.Listening(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the signal does not listen for notices")
		}
	}
	for i := range 3 {
		start := time.Now()
		updateActor(t, srvB, token, "ukraine", fmt.Sprintf("notice %d", i))
		rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
		c.ctx = rctx
		got := c.read().change(t)
		rcancel()
		if got.NodeID != "ukraine" || got.Seq <= int(newest[0].Seq) {
			t.Fatalf("write %d: %+v", i, got)
		}
		t.Logf("write %d through server b reached a's subscriber in %v", i, time.Since(start).Round(time.Millisecond))
	}
}

// postGQL posts a query through srv's API with a token (none if empty)
// and returns its data; any error fails the test.
func postGQL(t *testing.T, srv *httptest.Server, token, query string, vars map[string]any) json.RawMessage {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || len(out.Errors) > 0 {
		t.Fatalf("%s: %d %v %+v", query, resp.StatusCode, err, out.Errors)
	}
	return out.Data
}

// liveSelection reads a position and, through the loaders, nodes and
// lists around it: its holder and the holder's positions, its
// proposition and the proposition's positions (the position among them,
// with its summary and holder).
const liveSelection = `... on Position { id version summary
	holder { id description positions(first: 100) { totalCount edges { node { id version summary } } } }
	proposition { id positions(first: 100) { totalCount edges { node { id version summary holder { id description } } } } } }`

// liveEvent is one change as a subscription with liveSelection gives it.
type liveEvent struct {
	Seq     int
	Version *int
	Node    json.RawMessage
}

// sseEvents reads a Server-Sent Events stream's "next" events, each
// change (or the errors) on the channel.
func sseEvents(t *testing.T, body io.Reader) <-chan json.RawMessage {
	out := make(chan json.RawMessage, 16)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(body)
		sc.Buffer(nil, 1<<22)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok && d != "" {
				out <- json.RawMessage(d)
			}
		}
	}()
	return out
}

// TestSubscriptionReadsEachChangeAfresh: a long-lived subscription whose
// selection reads nodes and lists through the loaders answers each change
// with the graph as that change left it, not as its first change found
// it. Each of three writes to a position (its summary, its holder, its
// summary again) is awaited before the next, and its event must equal
// what a query of the same selection answers at that moment; over a
// websocket and over Server-Sent Events.
func TestSubscriptionReadsEachChangeAfresh(t *testing.T) {
	const pos = "pos-russia-demands-donbas"
	writes := []map[string]any{
		{"id": pos, "summary": "Russia demands Donbas (first write)."},
		{"id": pos, "holder": "ukraine"},
		{"id": pos, "summary": "Russia demands Donbas (third write)."},
	}
	for _, transport := range []string{"websocket", "sse"} {
		t.Run(transport, func(t *testing.T) {
			s := newWriteServer(t, false)
			srv := httptest.NewServer(graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil))))
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			q := fmt.Sprintf(`subscription { changes(since: %d, nodes: [%q]) { seq version node { %s } } }`, newestSeq(t, s), pos, liveSelection)

			var next func() json.RawMessage // the next event's payload
			switch transport {
			case "websocket":
				c := dialWS(t, ctx, srv)
				c.subscribe("1", q)
				next = func() json.RawMessage {
					m := c.read()
					if m.Type != "next" {
						t.Fatalf("%s %s", m.Type, m.Payload)
					}
					return m.Payload
				}
			case "sse":
				resp, err := sseSubscribe(ctx, srv, q)
				if err != nil || resp.StatusCode != 200 {
					t.Fatal(resp, err)
				}
				defer resp.Body.Close()
				events := sseEvents(t, resp.Body)
				next = func() json.RawMessage {
					select {
					case d, ok := <-events:
						if !ok {
							t.Fatal("the stream ended")
						}
						return d
					case <-ctx.Done():
						t.Fatal("no event within the time limit")
					}
					return nil
				}
			}

			last := 0
			for i, w := range writes {
				postGQL(t, srv, s.editor, `mutation($in: PositionPatch!) { updatePosition(input: $in) { position { id } } }`, map[string]any{"in": w})
				var ev struct {
					Data   struct{ Changes liveEvent }
					Errors []gqlError
				}
				if p := next(); json.Unmarshal(p, &ev) != nil || len(ev.Errors) > 0 {
					t.Fatalf("write %d: %s", i+1, p)
				}
				got := ev.Data.Changes
				var now struct{ Node json.RawMessage }
				json.Unmarshal(postGQL(t, srv, "", fmt.Sprintf(`{ node(id: %q) { %s } }`, pos, liveSelection), nil), &now)
				var node struct{ Version int }
				json.Unmarshal(got.Node, &node)
				if got.Seq <= last || got.Version == nil || node.Version != *got.Version {
					t.Errorf("write %d: seq %d (the last %d), change version %v, node version %d", i+1, got.Seq, last, got.Version, node.Version)
				}
				var event, query any
				json.Unmarshal(got.Node, &event)
				json.Unmarshal(now.Node, &query)
				if event == nil || query == nil {
					t.Fatalf("write %d: no node: event %s, query %s", i+1, got.Node, now.Node)
				}
				if d := cmp.Diff(query, event); d != "" {
					t.Errorf("write %d: the event's node is not the graph as the change left it (-query +event):\n%s", i+1, d)
				}
				last = got.Seq
			}
		})
	}
}

// TestSubscriptionNodeDeprecatedThenDeleted: a subscription to a node and
// one to its kind follow it as it is deprecated and then deleted: the
// deprecation comes with the node as it stands deprecated, the deletion
// with no node (null, not an error) and its record before; each event of
// a selection through the loaders equals what a query answers then.
func TestSubscriptionNodeDeprecatedThenDeleted(t *testing.T) {
	const pos = "pos-russia-demands-donbas"
	s := newWriteServer(t, false)
	srv := httptest.NewServer(graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	since := newestSeq(t, s)
	sel := `seq op nodeId nodeType before after version node { ... on Position { id version rank rankReason holder { id positions(first: 100, includeDeprecated: true) { totalCount edges { node { id rank } } } } } }`
	c := dialWS(t, ctx, srv)
	c.subscribe("node", fmt.Sprintf(`subscription { changes(since: %d, nodes: [%q]) { %s } }`, since, pos, sel))
	c.subscribe("kind", fmt.Sprintf(`subscription { changes(since: %d, kinds: ["Position"]) { %s } }`, since, sel))

	type event struct {
		Seq                  int
		Op, NodeID, NodeType string
		Before, After        *string
		Version              *int
		Node                 json.RawMessage
	}
	// next reads one event of each subscription; both must be the same.
	next := func(what string) event {
		t.Helper()
		got := map[string]event{}
		for len(got) < 2 {
			m := c.read()
			var p struct {
				Data   struct{ Changes event }
				Errors []gqlError
			}
			if m.Type != "next" || json.Unmarshal(m.Payload, &p) != nil || len(p.Errors) > 0 {
				t.Fatalf("%s: %s %s %s", what, m.ID, m.Type, m.Payload)
			}
			if _, dup := got[m.ID]; dup {
				t.Fatalf("%s: a second event on %s before one on the other: %s", what, m.ID, m.Payload)
			}
			got[m.ID] = p.Data.Changes
		}
		if d := cmp.Diff(got["node"], got["kind"]); d != "" {
			t.Fatalf("%s: the two subscriptions differ (-node +kind):\n%s", what, d)
		}
		return got["node"]
	}
	// sameAsQuery checks an event's node against a query's answer now.
	sameAsQuery := func(what string, e event) {
		t.Helper()
		var now struct{ Node any }
		json.Unmarshal(postGQL(t, srv, "", fmt.Sprintf(`{ node(id: %q) { ... on Position { id version rank rankReason holder { id positions(first: 100, includeDeprecated: true) { totalCount edges { node { id rank } } } } } } }`, pos), nil), &now)
		var node any
		json.Unmarshal(e.Node, &node)
		if d := cmp.Diff(now.Node, node); d != "" {
			t.Errorf("%s: the event's node is not the node as it stands (-query +event):\n%s", what, d)
		}
	}

	postGQL(t, srv, s.admin, `mutation { deleteNode(input: {id: "`+pos+`", deprecate: true, reason: RETRACTED}) { deprecated } }`, nil)
	dep := next("deprecation")
	var n struct{ Rank, RankReason string }
	json.Unmarshal(dep.Node, &n)
	if dep.Op != "DEPRECATE" || dep.NodeID != pos || dep.NodeType != "Position" || dep.Before == nil || dep.After == nil || dep.Version == nil || n.Rank != "DEPRECATED" || n.RankReason != "RETRACTED" {
		t.Errorf("deprecation: %+v %s", dep, dep.Node)
	}
	sameAsQuery("deprecation", dep)

	postGQL(t, srv, s.admin, `mutation { deleteNode(input: {id: "`+pos+`"}) { id } }`, nil)
	del := next("deletion")
	if del.Op != "DELETE" || del.NodeID != pos || del.Seq <= dep.Seq || del.Before == nil || del.After != nil || del.Version != nil || string(del.Node) != "null" {
		t.Errorf("deletion: %+v %s", del, del.Node)
	}
	sameAsQuery("deletion", del)
}

// TestChangeFeedUnderConcurrentWrites: while three writers update actors
// through the API and an importer adds actors four at a time, all at
// once, subscriptions get every change exactly once, in order, whenever
// they start: the feed from a sequence number started before the writes,
// a third of the way and half-way through them (over a websocket and
// Server-Sent Events), one whose client reads slowly, and one from now (a
// gapless run of the changes, to the last). With queues of two, each
// import overflows them: the feeds are detached from the hub and catch up
// by themselves again and again while the writes land. Each must hold
// exactly the store's changes after its start: no gap, no duplicate.
func TestChangeFeedUnderConcurrentWrites(t *testing.T) {
	// Three writers through the API, one change a write; one importer,
	// four changes a write (a batch longer than the queues: every feed
	// overflows and catches up by itself while the others write).
	const writers, each, imports, batch = 3, 12, 6, 4
	const total = writers*each + imports*batch
	actors := []string{"volodymyr-zelenskyy", "rustem-umerov", "steve-witkoff"}
	s := newWriteServer(t, false)
	srv := httptest.NewServer(graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil, graph.WithSubscriptionBuffer(2, 30*time.Second)))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	base := newestSeq(t, s)
	q := fmt.Sprintf(`subscription { changes(since: %d) { seq nodeId } }`, base)

	type feed struct {
		name string
		mu   sync.Mutex
		seqs []int
		err  error
	}
	var feeds []*feed
	// follow reads a feed's changes from next until it fails.
	follow := func(name string, delay time.Duration, next func() (json.RawMessage, error)) {
		f := &feed{name: name}
		feeds = append(feeds, f)
		go func() {
			for {
				p, err := next()
				if err != nil {
					f.mu.Lock()
					f.err = err
					f.mu.Unlock()
					return
				}
				var ev struct {
					Data   struct{ Changes struct{ Seq int } }
					Errors []gqlError
				}
				if json.Unmarshal(p, &ev) != nil || len(ev.Errors) > 0 || ev.Data.Changes.Seq == 0 {
					f.mu.Lock()
					f.err = fmt.Errorf("not a change: %s", p)
					f.mu.Unlock()
					return
				}
				f.mu.Lock()
				f.seqs = append(f.seqs, ev.Data.Changes.Seq)
				f.mu.Unlock()
				time.Sleep(delay)
			}
		}()
	}
	ws := func(name, query string, delay time.Duration) {
		c := dialWS(t, ctx, srv)
		c.subscribe("1", query)
		follow(name, delay, func() (json.RawMessage, error) {
			m, err := c.next()
			if err == nil && m.Type != "next" {
				err = fmt.Errorf("%s %s", m.Type, m.Payload)
			}
			return m.Payload, err
		})
	}
	sse := func(name, query string) {
		resp, err := sseSubscribe(ctx, srv, query)
		if err != nil || resp.StatusCode != 200 {
			t.Fatal(resp, err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		events := sseEvents(t, resp.Body)
		follow(name, 0, func() (json.RawMessage, error) {
			d, ok := <-events
			if !ok {
				return nil, errors.New("the stream ended")
			}
			return d, nil
		})
	}
	ws("from the start", q, 0)
	ws("slow reader", q, 15*time.Millisecond)
	ws("from now", `subscription { changes { seq nodeId } }`, 0)

	write := func(actor, description string) error {
		body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!, $d: String) { updateActor(input: {id: $id, description: $d}) { actor { id } } }`, "variables": map[string]any{"id": actor, "d": description}})
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.editor)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var out struct{ Errors []gqlError }
		if json.NewDecoder(resp.Body).Decode(&out) != nil || resp.StatusCode != 200 || len(out.Errors) > 0 {
			return fmt.Errorf("updateActor %s: %d %+v", actor, resp.StatusCode, out.Errors)
		}
		return nil
	}
	var written atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := write(actors[w], fmt.Sprintf("write %d of %d", i, w)); err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range imports {
			ds := &parley.Dataset{}
			for j := range batch {
				ds.Actors = append(ds.Actors, &parley.Actor{ID: fmt.Sprintf("concurrent-%d-%d", i, j), Kind: "ORGANIZATION", Name: fmt.Sprintf("Concurrent %d %d", i, j)})
			}
			if _, err := s.db.Import(ctx, []*parley.Dataset{ds}); err != nil {
				t.Error(err)
				return
			}
			written.Add(batch)
		}
	}()
	// Two more feeds from the start, begun while the writes land.
	for written.Load() < total/3 {
		time.Sleep(5 * time.Millisecond)
	}
	ws("from the start, begun a third of the way", q, 0)
	for written.Load() < total/2 {
		time.Sleep(5 * time.Millisecond)
	}
	sse("from the start by SSE, begun half-way", q)
	wg.Wait()
	if t.Failed() {
		return
	}
	// What the store recorded after base, oldest first.
	recorded := func() []int {
		var seqs []int
		for from := int64(base); ; {
			list, more, err := s.db.Changes(ctx, parley.ChangeQuery{Since: &from, First: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list {
				seqs = append(seqs, int(c.Seq))
				from = c.Seq
			}
			if !more {
				return seqs
			}
		}
	}
	// await waits until each feed has seq, or has ended, or a while has
	// passed (it may wait for a change that never comes: what it has is
	// judged below).
	await := func(seq int) {
		for _, f := range feeds {
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				f.mu.Lock()
				n, err := len(f.seqs), f.err
				has := n > 0 && f.seqs[n-1] >= seq
				f.mu.Unlock()
				if has || err != nil {
					break
				}
			}
		}
	}
	// Two last writes, one after the other has reached every feed: a
	// duplicate of an earlier change would come before the second.
	for _, d := range []string{"the last write but one", "the last write"} {
		if err := write("dmitry-peskov", d); err != nil {
			t.Fatal(err)
		}
		seqs := recorded()
		await(seqs[len(seqs)-1])
	}
	want := recorded()
	if len(want) != total+2 {
		t.Fatalf("the store recorded %d changes after %d, want %d", len(want), base, total+2)
	}
	for _, f := range feeds {
		f.mu.Lock()
		got, err := append([]int(nil), f.seqs...), f.err
		f.mu.Unlock()
		exp := want
		if f.name == "from now" {
			// It starts wherever "now" was when the server started it.
			if i := len(want) - len(got); i >= 0 && i < len(want) {
				exp = want[i:]
			}
		}
		if d := cmp.Diff(exp, got); d != "" {
			t.Errorf("%s (%v): the changes it got are not the store's (-store +feed):\n%s", f.name, err, d)
		}
	}
}

// TestSubscriptionSinceBeyondNewest: a feed from a sequence number no
// change has reached yet is refused, naming since and the newest change
// (a client holding a number from another database, or from one restored
// from an older backup): it would skip the changes up to it, and the
// hub, started by it, would leave every later subscription reading the
// store by itself over and over until the changes reached it. Other
// subscriptions meanwhile read each change once.
func TestSubscriptionSinceBeyondNewest(t *testing.T) {
	s := newWriteServer(t, false)
	store := &countingStore{testDB: s.db}
	srv := httptest.NewServer(graph.Authenticate(store, false, graph.Conform(graph.NewHandler(store, nil))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	newest := newestSeq(t, s)

	c := dialWS(t, ctx, srv)
	c.subscribe("ahead", fmt.Sprintf(`subscription { changes(since: %d) { seq } }`, newest+1000))
	m := c.read()
	if m.ID != "ahead" || m.errorCode() != parley.EInvalid || !strings.Contains(string(m.Payload), fmt.Sprintf("since: %d is past the newest change (%d)", newest+1000, newest)) {
		t.Fatalf("a feed from beyond the newest change: %s %s %s", m.ID, m.Type, m.Payload)
	}
	if m := c.read(); m.ID != "ahead" || m.Type != "complete" {
		t.Fatalf("after the refusal: %s %s %s", m.ID, m.Type, m.Payload)
	}
	// The newest itself is where a feed from now starts: accepted.
	c.subscribe("1", fmt.Sprintf(`subscription { changes(since: %d, nodes: ["ukraine"]) { seq nodeId } }`, newest))
	c.subscribe("2", fmt.Sprintf(`subscription { changes(since: %d, nodes: ["ukraine"]) { seq nodeId } }`, newest))
	time.Sleep(500 * time.Millisecond) // both attached
	before := store.since.Load()
	const writes = 3
	for w := range writes {
		updateActor(t, srv, s.editor, "ukraine", fmt.Sprintf("write %d", w))
		seen := map[string]bool{}
		for len(seen) < 2 {
			m := c.read()
			if ch := m.change(t); ch.NodeID != "ukraine" || ch.Seq <= newest || seen[m.ID] {
				t.Fatalf("write %d: %s %+v", w, m.ID, ch)
			}
			seen[m.ID] = true
		}
	}
	if reads := store.since.Load() - before; reads > writes {
		t.Errorf("%d writes: the changes were read %d times, want at most %d", writes, reads, writes)
	}
}

// TestWebSocketKeepAlive: an idle websocket is sent a graphql-transport-ws
// "ping" at each keep-alive interval (15 s in serve, 50 ms here); a
// client that answers them still gets the change that comes after.
func TestWebSocketKeepAlive(t *testing.T) {
	s := newWriteServer(t, false)
	srv := httptest.NewServer(graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil, graph.WithKeepAlive(50*time.Millisecond)))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	read := func() wsMessage {
		t.Helper()
		var m wsMessage
		if err := wsjson.Read(ctx, c, &m); err != nil {
			t.Fatalf("reading the websocket: %v", err)
		}
		return m
	}
	write := func(m map[string]any) {
		t.Helper()
		if err := wsjson.Write(ctx, c, m); err != nil {
			t.Fatal(err)
		}
	}
	write(map[string]any{"type": "connection_init"})
	if m := read(); m.Type != "connection_ack" {
		t.Fatalf("connection_init: %+v", m)
	}
	write(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription { changes(nodes: ["ukraine"]) { seq nodeId nodeType } }`}})
	for pings := 0; pings < 3; pings++ {
		if m := read(); m.Type != "ping" {
			t.Fatalf("an idle subscription got %s %s, want a ping", m.Type, m.Payload)
		}
		write(map[string]any{"type": "pong"})
	}
	updateActor(t, srv, s.editor, "ukraine", "after the pings")
	for {
		m := read()
		if m.Type == "ping" {
			write(map[string]any{"type": "pong"})
			continue
		}
		if got := m.change(t); got.NodeID != "ukraine" || got.NodeType != "Actor" {
			t.Fatalf("after the pings: %+v", got)
		}
		return
	}
}
