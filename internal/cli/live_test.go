package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// wsSubscribe opens a graphql-transport-ws connection to base's /query,
// sends connection_init with payload and subscribes to query.
func wsSubscribe(t *testing.T, ctx context.Context, base string, payload map[string]any, query string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/query", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if err := wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": payload}); err != nil {
		t.Fatal(err)
	}
	var ack map[string]any
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("connection_ack: %v %v", ack, err)
	}
	if err := wsjson.Write(ctx, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query}}); err != nil {
		t.Fatal(err)
	}
	return c
}

type wsChange struct {
	Type    string
	Payload struct {
		Data struct {
			Changes struct {
				Seq        int
				Op, NodeID string
				NodeType   string
			}
		}
		Errors []gqlErr
	}
}

type gqlErr struct {
	Message    string
	Extensions map[string]any
}

// nextChange reads the next "next" message, skipping pings.
func nextChange(t *testing.T, ctx context.Context, c *websocket.Conn) wsChange {
	t.Helper()
	for {
		var m wsChange
		if err := wsjson.Read(ctx, c, &m); err != nil {
			t.Fatalf("reading the subscription: %v", err)
		}
		switch m.Type {
		case "ping", "pong", "ka":
			continue
		case "next":
			return m
		default:
			t.Fatalf("unexpected message %+v", m)
		}
	}
}

// TestSubscriptionAcrossServers subscribes over a real websocket to one
// server and sees a change made through the HTTP API of another server on
// the same database file, then one made by parley import; the same over
// Server-Sent Events.
func TestSubscriptionAcrossServers(t *testing.T) {
	db := filepath.Join(t.TempDir(), "live.db")
	a := startServer(t, "--db", db)
	b := startServer(t, "--db", db)
	_, tok, _ := run(t, nil, "token", "create", "--db", db, "--name", "ed", "--role", "editor")
	tok = strings.TrimSpace(tok)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	c := wsSubscribe(t, ctx, a.base, map[string]any{"Authorization": "Bearer " + tok}, `subscription { changes(kinds: ["Actor"]) { seq op nodeId nodeType } }`)
	// The subscription starts from now: give the server a moment to read
	// where "now" is before writing.
	time.Sleep(300 * time.Millisecond)
	if code, body := b.post(tok, `{"query":"mutation { updateActor(input: {id: \"ukraine\", description: \"live\"}) { actor { id } } }"}`); code != 200 || strings.Contains(body, "errors") {
		t.Fatalf("update through b: %d %s", code, body)
	}
	m := nextChange(t, ctx, c)
	if got := m.Payload.Data.Changes; got.Op != "UPDATE" || got.NodeID != "ukraine" || got.NodeType != "Actor" {
		t.Fatalf("first change: %+v", m)
	}
	first := m.Payload.Data.Changes.Seq

	yaml := filepath.Join(t.TempDir(), "more.yaml")
	if err := os.WriteFile(yaml, []byte("actors:\n  - id: live-org\n    kind: ORGANIZATION\n    name: Live Org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, nil, "import", "--db", db, yaml); code != 0 {
		t.Fatal(errOut)
	}
	m = nextChange(t, ctx, c)
	if got := m.Payload.Data.Changes; got.Op != "IMPORT" || got.NodeID != "live-org" || got.Seq <= first {
		t.Fatalf("imported change: %+v", m)
	}

	// Server-Sent Events, from a sequence number: the two changes above.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/query", strings.NewReader(`{"query":"subscription($s: Int) { changes(since: $s) { seq nodeId } }","variables":{"s":`+strconv.Itoa(first-1)+`}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("SSE: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	var ids []string
	for len(ids) < 2 && sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev struct {
			Data struct{ Changes struct{ NodeID string } }
		}
		if json.Unmarshal([]byte(data), &ev) == nil && ev.Data.Changes.NodeID != "" {
			ids = append(ids, ev.Data.Changes.NodeID)
		}
	}
	if strings.Join(ids, ",") != "ukraine,live-org" {
		t.Errorf("SSE since %d: %v (%v)", first-1, ids, sc.Err())
	}
}

// TestSubscriptionAuth refuses a websocket whose connection_init carries
// an unknown token, and one from a page of an origin not allowed.
func TestSubscriptionAuth(t *testing.T) {
	s := startServer(t, "--db", filepath.Join(t.TempDir(), "a.db"), "--require-token", "--cors-origin", "http://app.example")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(s.base, "http") + "/query"
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer pk_nope"}})
	var m map[string]any
	err = wsjson.Read(ctx, c, &m)
	if err == nil || m["type"] == "connection_ack" {
		t.Errorf("unknown token: %v %v", m, err)
	}
	h := http.Header{"Origin": {"http://evil.example"}}
	if _, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h, Subprotocols: []string{"graphql-transport-ws"}}); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("origin not allowed: %v %v", resp, err)
	}
	h = http.Header{"Origin": {"http://app.example"}}
	ok, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h, Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Errorf("origin allowed: %v", err)
	} else {
		ok.CloseNow()
	}
}

// TestSubscriptionTokens: with --require-token a subscription needs a
// token as a query does, the same tokens and roles: over a websocket in
// connection_init (none, or a revoked one, gets no connection_ack; a
// reader's is acknowledged and its subscription told of an editor's
// write), over Server-Sent Events in the Authorization header (none: 401
// UNAUTHENTICATED; a reader's: the stream).
func TestSubscriptionTokens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	s := startServer(t, "--db", db, "--require-token")
	token := func(name, role string) string {
		_, tok, _ := run(t, nil, "token", "create", "--db", db, "--name", name, "--role", role)
		return strings.TrimSpace(tok)
	}
	reader, editor, gone := token("reader", "reader"), token("editor", "editor"), token("gone", "reader")
	if code, _, errOut := run(t, nil, "token", "revoke", "--db", db, "--name", "gone"); code != 0 {
		t.Fatal(errOut)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(s.base, "http") + "/query"
	for _, payload := range []map[string]any{nil, {"Authorization": "Bearer " + gone}} {
		c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": payload})
		var m map[string]any
		if err := wsjson.Read(ctx, c, &m); err == nil || m["type"] == "connection_ack" {
			t.Errorf("connection_init %v: %v %v, want the connection refused", payload, m, err)
		}
		c.CloseNow()
	}

	c := wsSubscribe(t, ctx, s.base, map[string]any{"Authorization": "Bearer " + reader}, `subscription { changes(nodes: ["russia"]) { seq op nodeId nodeType } }`)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/query", strings.NewReader(`{"query":"subscription { changes(nodes: [\"russia\"]) { seq nodeId } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "UNAUTHENTICATED") {
		t.Errorf("SSE without a token: %d %s", resp.StatusCode, body)
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/query", strings.NewReader(`{"query":"subscription { changes(nodes: [\"russia\"]) { seq nodeId } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+reader)
	sse, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer sse.Body.Close()
	if sse.StatusCode != 200 || !strings.HasPrefix(sse.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("SSE with a reader's token: %d %s", sse.StatusCode, sse.Header.Get("Content-Type"))
	}
	time.Sleep(500 * time.Millisecond) // both subscriptions read where "now" is
	if code, body := s.post(editor, `{"query":"mutation { updateActor(input: {id: \"russia\", description: \"told to a reader\"}) { actor { id } } }"}`); code != 200 || strings.Contains(body, "errors") {
		t.Fatalf("update by the editor: %d %s", code, body)
	}
	m := nextChange(t, ctx, c)
	if got := m.Payload.Data.Changes; got.Op != "UPDATE" || got.NodeID != "russia" || len(m.Payload.Errors) > 0 {
		t.Fatalf("the reader's websocket: %+v", m)
	}
	sc := bufio.NewScanner(sse.Body)
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			if !strings.Contains(data, `"nodeId":"russia"`) || !strings.Contains(data, fmt.Sprintf(`"seq":%d`, m.Payload.Data.Changes.Seq)) {
				t.Errorf("the reader's SSE stream: %s", data)
			}
			return
		}
	}
	t.Errorf("the reader's SSE stream ended: %v", sc.Err())
}

// TestSubscriptionLimitFlags: --max-subscription-conns bounds the
// subscription connections of a real server (WebSocket and Server-Sent
// Events together), PARLEY_MAX_SUBSCRIPTIONS_PER_CONN the subscriptions
// of one websocket, and values that are not whole numbers of at least 1
// are refused as usage errors.
func TestSubscriptionLimitFlags(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s := startServer(t, "--db", filepath.Join(t.TempDir(), "a.db"), "--max-subscription-conns", "1")
	wsSubscribe(t, ctx, s.base, nil, `subscription { changes { seq } }`)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.base, "http")+"/query", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	_, _, err = c.Read(ctx)
	if cs := websocket.CloseStatus(err); cs != 1013 || !strings.Contains(err.Error(), "TOO_MANY_CONNECTIONS: this server holds its maximum of 1 subscription connections") {
		t.Errorf("a second websocket: %v", err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/query", strings.NewReader(`{"query":"subscription { changes { seq } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Errors []gqlErr }
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "TOO_MANY_CONNECTIONS" {
		t.Errorf("SSE past the maximum: %d %+v", resp.StatusCode, body)
	}

	// The environment sets the subscriptions per connection.
	addrc := make(chan string, 1)
	env := map[string]string{"PARLEY_MAX_SUBSCRIPTIONS_PER_CONN": "1"}
	app := &App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }, Ready: func(a string) { addrc <- a }}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() {
		done <- app.Run(sctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "b.db")})
	}()
	defer func() { stop(); <-done }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case code := <-done:
		t.Fatalf("serve exited %d", code)
	}
	ws := wsSubscribe(t, ctx, base, nil, `subscription { changes { seq } }`)
	wsjson.Write(ctx, ws, map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{"query": `subscription { changes { seq } }`}})
	// The server starts the two concurrently: either is the second.
	rctx, rcancel := context.WithTimeout(ctx, 10*time.Second)
	defer rcancel()
	for {
		var m struct {
			ID, Type string
			Payload  struct{ Errors []gqlErr }
		}
		if err := wsjson.Read(rctx, ws, &m); err != nil {
			t.Fatal(err)
		}
		if m.Type == "next" {
			if m.Type != "next" || len(m.Payload.Errors) != 1 || m.Payload.Errors[0].Extensions["code"] != "TOO_MANY_SUBSCRIPTIONS" {
				t.Errorf("a second subscription on one websocket: %+v", m)
			}
			break
		}
	}

	for _, c := range []struct {
		args []string
		env  map[string]string
	}{
		{args: []string{"--max-subscription-conns", "0"}},
		{args: []string{"--max-subscriptions-per-conn", "-1"}},
		{env: map[string]string{"PARLEY_MAX_SUBSCRIPTION_CONNS": "many"}},
	} {
		var stderr strings.Builder
		app := &App{Stdout: io.Discard, Stderr: &stderr, Getenv: func(k string) string { return c.env[k] }}
		code := app.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "x.db")}, c.args...))
		if code != 2 || !strings.Contains(stderr.String(), "must be whole numbers, at least 1") {
			t.Errorf("%v %v: exit %d: %s", c.args, c.env, code, stderr.String())
		}
	}
}

// TestSubscriptionAcrossProcesses: two parley serve processes on one
// SQLite file; a subscription over a websocket to one sees a write made
// through the other's API, and the feed from a sequence number over
// Server-Sent Events from the other gives the same change.
func TestSubscriptionAcrossProcesses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "live.db")
	a := startProcess(t, "--db", db)
	b := startProcess(t, "--db", db)
	_, tok, _ := run(t, nil, "token", "create", "--db", db, "--name", "ed", "--role", "editor")
	tok = strings.TrimSpace(tok)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	c := wsSubscribe(t, ctx, a.base, map[string]any{"Authorization": "Bearer " + tok}, `subscription { changes(nodes: ["russia"]) { seq op nodeId nodeType } }`)
	time.Sleep(500 * time.Millisecond) // the subscription reads where "now" is
	if _, err := b.gql(tok, `mutation { updateActor(input: {id: "russia", description: "across processes"}) { actor { id } } }`, nil); err != nil {
		t.Fatalf("update through process b: %v", err)
	}
	m := nextChange(t, ctx, c)
	got := m.Payload.Data.Changes
	if got.Op != "UPDATE" || got.NodeID != "russia" || got.NodeType != "Actor" {
		t.Fatalf("process a's subscriber got %+v", m)
	}

	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.base+"/query", strings.NewReader(`{"query":"subscription { changes(since: `+strconv.Itoa(got.Seq-1)+`, nodes: [\"russia\"]) { seq nodeId } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev struct {
			Data struct{ Changes struct{ Seq int } }
		}
		if json.Unmarshal([]byte(data), &ev) != nil || ev.Data.Changes.Seq != got.Seq {
			t.Fatalf("process b's SSE from %d: %s", got.Seq-1, data)
		}
		return
	}
	t.Fatalf("process b's SSE ended: %v", sc.Err())
}

// TestSubscriptionFreshAcrossProcesses: a subscriber of one parley serve
// process is told of each write made through another process on the same
// SQLite file, and each event holds the graph as that write left it, as
// the writing process answers a query of the same selection then (not as
// the subscription's first event found it).
func TestSubscriptionFreshAcrossProcesses(t *testing.T) {
	freshAcrossProcesses(t, filepath.Join(t.TempDir(), "live.db"))
}

// TestSubscriptionFreshAcrossProcessesPostgres is the same on one
// PostgreSQL database, where the subscriber's process is woken by
// LISTEN/NOTIFY.
func TestSubscriptionFreshAcrossProcessesPostgres(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	freshAcrossProcesses(t, pgtest.Database(t))
}

// liveSelection reads a position and, through the loaders, the nodes and
// lists around it (its holder's positions, its proposition's positions
// with each one's holder).
const liveSelection = `... on Position { id version summary
	holder { id description positions(first: 100) { totalCount edges { node { id version summary } } } }
	proposition { id positions(first: 100) { totalCount edges { node { id version summary holder { id description } } } } } }`

func freshAcrossProcesses(t *testing.T, path string) {
	const pos = "pos-russia-demands-donbas"
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	app := &App{Getenv: func(string) string { return "" }}
	db, err := app.openStore(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
		t.Fatal(err)
	}
	tok, err := db.CreateToken(ctx, "editor", parley.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	newest, _, err := db.Changes(ctx, parley.ChangeQuery{First: 1})
	if err != nil || len(newest) != 1 {
		t.Fatal(newest, err)
	}
	db.Close()
	a, b := startProcess(t, "--db", path), startProcess(t, "--db", path)

	c := wsSubscribe(t, ctx, a.base, nil, fmt.Sprintf(`subscription { changes(since: %d, nodes: [%q]) { seq version node { %s } } }`, newest[0].Seq, pos, liveSelection))
	last := int(newest[0].Seq)
	for i, w := range []map[string]any{
		{"id": pos, "summary": "Russia demands Donbas (first write)."},
		{"id": pos, "holder": "ukraine"},
		{"id": pos, "summary": "Russia demands Donbas (third write)."},
	} {
		if _, err := b.gql(tok, `mutation($in: PositionPatch!) { updatePosition(input: $in) { position { id } } }`, map[string]any{"in": w}); err != nil {
			t.Fatalf("write %d through process b: %v", i+1, err)
		}
		var m struct {
			Type    string
			Payload struct {
				Data struct {
					Changes struct {
						Seq     int
						Version *int
						Node    json.RawMessage
					}
				}
				Errors []gqlErr
			}
		}
		for m.Type != "next" {
			if err := wsjson.Read(ctx, c, &m); err != nil {
				t.Fatalf("write %d: reading process a's subscription: %v", i+1, err)
			}
		}
		got := m.Payload.Data.Changes
		data, err := b.gql("", fmt.Sprintf(`{ node(id: %q) { %s } }`, pos, liveSelection), nil)
		if err != nil {
			t.Fatal(err)
		}
		var now struct{ Node any }
		var event struct{ Version int }
		var eventNode any
		json.Unmarshal(data, &now)
		json.Unmarshal(got.Node, &event)
		json.Unmarshal(got.Node, &eventNode)
		if len(m.Payload.Errors) > 0 || got.Seq <= last || got.Version == nil || event.Version != *got.Version || now.Node == nil {
			t.Fatalf("write %d: %+v (the last seq %d)", i+1, m.Payload, last)
		}
		if d := cmp.Diff(now.Node, eventNode); d != "" {
			t.Errorf("write %d: process a's event is not the graph as the write left it (-process b's query +event):\n%s", i+1, d)
		}
		last = got.Seq
	}
}

// TestSubscriptionOutlivesWriteTimeout: a subscription outlives the
// server's read, write and idle timeouts (here cut to fractions of a
// second, 40 s, 15 s and 30 s by default): after four times the write
// timeout with nothing to send, a write still reaches the websocket and
// the Server-Sent Events stream opened before it, and the websocket's
// keep-alive was not what held it (the ping interval is 15 s). Three
// things keep them alive, each enough alone: net/http clears a hijacked
// websocket's deadlines, the handler clears a stream's deadlines
// (internal/web), and the SSE writer sets its own before each write.
func TestSubscriptionOutlivesWriteTimeout(t *testing.T) {
	const write = 500 * time.Millisecond
	db := filepath.Join(t.TempDir(), "live.db")
	s := startServer(t, "--db", db, "--read-timeout", "300ms", "--request-timeout", "400ms", "--write-timeout", write.String(), "--idle-timeout", "300ms")
	_, tok, _ := run(t, nil, "token", "create", "--db", db, "--name", "ed", "--role", "editor")
	tok = strings.TrimSpace(tok)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	c := wsSubscribe(t, ctx, s.base, nil, `subscription { changes(nodes: ["russia"]) { seq op nodeId nodeType } }`)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/query", strings.NewReader(`{"query":"subscription { changes(nodes: [\"russia\"]) { seq nodeId } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("SSE: %d", resp.StatusCode)
	}

	// Both wait, idle, past every timeout of the server.
	time.Sleep(4 * write)
	if code, body := s.post(tok, `{"query":"mutation { updateActor(input: {id: \"russia\", description: \"after the write timeout\"}) { actor { id } } }"}`); code != 200 || strings.Contains(body, "errors") {
		t.Fatalf("update: %d %s", code, body)
	}
	m := nextChange(t, ctx, c)
	got := m.Payload.Data.Changes
	if got.Op != "UPDATE" || got.NodeID != "russia" || got.NodeType != "Actor" || len(m.Payload.Errors) > 0 {
		t.Fatalf("the websocket after the write timeout: %+v", m)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev struct {
			Data struct {
				Changes struct {
					Seq    int
					NodeID string
				}
			}
		}
		if json.Unmarshal([]byte(data), &ev) != nil || ev.Data.Changes.Seq != got.Seq || ev.Data.Changes.NodeID != "russia" {
			t.Fatalf("the SSE stream after the write timeout: %s (the websocket had seq %d)", data, got.Seq)
		}
		return
	}
	t.Fatalf("the SSE stream ended after the write timeout: %v", sc.Err())
}
