package graph_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/parley-graph/parley/graph"
)

// TestSubscriptionLimits: a server that serves one subscription refuses a
// second with a clear error, and one naming too many nodes; the feed from
// a sequence number gives the history oldest first.
func TestSubscriptionLimits(t *testing.T) {
	s := newWriteServer(t, false)
	srv := httptest.NewServer(graph.Conform(graph.NewHandler(s.db, nil, graph.WithMaxSubscriptions(1))))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	read := func() map[string]any {
		t.Helper()
		var m map[string]any
		if err := wsjson.Read(ctx, c, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	wsjson.Write(ctx, c, map[string]any{"type": "connection_init"})
	if m := read(); m["type"] != "connection_ack" {
		t.Fatal(m)
	}
	sub := func(id, q string) {
		wsjson.Write(ctx, c, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": q}})
	}
	sub("1", `subscription { changes(since: 0) { seq } }`)
	for want := 1.0; want <= 2; want++ {
		m := read()
		seq := m["payload"].(map[string]any)["data"].(map[string]any)["changes"].(map[string]any)["seq"]
		if m["type"] != "next" || seq != want {
			t.Fatalf("change %v: %v", want, m)
		}
	}
	sub("2", `subscription { changes { seq } }`)
	for {
		m := read()
		if m["id"] != "2" {
			continue // more of subscription 1
		}
		if p := fmt.Sprint(m["payload"]); !strings.Contains(p, "as many subscriptions as it serves (1)") || !strings.Contains(p, "data:<nil>") {
			t.Fatalf("second subscription: %v", m)
		}
		break
	}
}
