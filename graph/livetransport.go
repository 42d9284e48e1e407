package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"

	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
)

// The subscription transports: gqlgen's WebSocket (graphql-transport-ws)
// and Server-Sent Events transports, each connection counted against the
// server's maximum and given a liveConn that the subscriptions find in
// their context (to count themselves against the connection's maximum,
// and to drop the connection when the client is too slow).

// liveLimits are the bounds shared by a handler's subscription
// connections.
type liveLimits struct {
	conns   chan struct{} // one token per connection open
	perConn int
	metrics *metrics.Metrics
}

func (l *liveLimits) acquire() bool {
	select {
	case l.conns <- struct{}{}:
		l.metrics.SubscriptionConnOpened()
		return true
	default:
		l.metrics.SubscriptionRefused(CodeTooManyConnections)
		return false
	}
}

func (l *liveLimits) release() {
	<-l.conns
	l.metrics.SubscriptionConnClosed()
}

func (l *liveLimits) tooMany() string {
	return fmt.Sprintf("%s: this server holds its maximum of %d subscription connections; try again later", CodeTooManyConnections, cap(l.conns))
}

// liveConn is one subscription connection.
type liveConn struct {
	limits *liveLimits
	cancel context.CancelFunc

	mu      sync.Mutex
	subs    int
	ws      transport.WebsocketConn // a WebSocket's, once accepted
	sse     *sseWriter              // a Server-Sent Events stream's
	dropped bool
}

type liveConnKey struct{}

func connFrom(ctx context.Context) *liveConn {
	c, _ := ctx.Value(liveConnKey{}).(*liveConn)
	return c
}

// addSubscription counts one more subscription on the connection, or
// refuses it past the maximum.
func (c *liveConn) addSubscription() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subs >= c.limits.perConn {
		return parley.Errorf(CodeTooManySubscriptions, "this connection carries its maximum of %d subscriptions: complete one before starting another, or open another connection", c.limits.perConn)
	}
	c.subs++
	return nil
}

func (c *liveConn) subscriptionDone() {
	c.mu.Lock()
	c.subs--
	c.mu.Unlock()
}

// slowReason is the close reason of a connection dropped as too slow (a
// WebSocket close reason holds at most 123 bytes).
const slowReason = CodeSlowConsumer + ": changes came faster than the client took them; resubscribe with changes(since:)"

// dropSlow ends the connection of a client that does not take its
// changes: a WebSocket is closed with CloseSlowConsumer and the reason; a
// Server-Sent Events stream gets an event carrying the error, then ends.
// It does not wait.
func (c *liveConn) dropSlow() {
	c.mu.Lock()
	if c.dropped {
		c.mu.Unlock()
		return
	}
	c.dropped = true
	ws, sse := c.ws, c.sse
	c.mu.Unlock()
	switch {
	case ws != nil:
		// The close handshake runs in the background: a client that
		// reads gets the close frame after the messages already sent;
		// one that does not is cut when the handshake times out.
		ws.WriteClose(CloseSlowConsumer, slowReason)
	case sse != nil:
		go sse.drop(slowReason)
	default:
		c.cancel()
	}
}

// wsTransport is gqlgen's WebSocket transport with the connection bounds.
type wsTransport struct {
	transport.Websocket
	limits  *liveLimits
	origins []string
}

func (t wsTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !t.limits.acquire() {
		// Accepted, then closed with "try again later": a browser sees
		// the close code and reason, not an HTTP status.
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: t.origins, Subprotocols: []string{"graphql-transport-ws", "graphql-ws"}})
		if err != nil {
			return // Accept has answered
		}
		c.Close(CloseTryAgainLater, t.limits.tooMany())
		return
	}
	defer t.limits.release()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	conn := &liveConn{limits: t.limits, cancel: cancel}
	t.Websocket.Implementation = wsAccept{transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{OriginPatterns: t.origins}}}
	t.Websocket.Do(w, r.WithContext(context.WithValue(ctx, liveConnKey{}, conn)), exec)
}

// wsAccept keeps the accepted connection in the liveConn, to close it
// with a code of the server's choosing.
type wsAccept struct {
	transport.CoderWebsocketImplementation
}

func (a wsAccept) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	ws, err := a.CoderWebsocketImplementation.Accept(w, r, opts)
	if err == nil {
		if c := connFrom(r.Context()); c != nil {
			c.mu.Lock()
			c.ws = ws
			c.mu.Unlock()
		}
	}
	return ws, err
}

// sseTransport is gqlgen's Server-Sent Events transport with the
// connection bounds: past the maximum a request is answered 503.
type sseTransport struct {
	transport.SSE
	limits *liveLimits
	slow   time.Duration
}

func (t sseTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !t.limits.acquire() {
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, t.limits.tooMany(), CodeTooManyConnections)
		return
	}
	defer t.limits.release()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	sw := &sseWriter{ResponseWriter: w, rc: http.NewResponseController(w), cancel: cancel, limit: max(2*t.slow, 5*time.Second)}
	conn := &liveConn{limits: t.limits, cancel: cancel, sse: sw}
	t.SSE.Do(sw, r.WithContext(context.WithValue(ctx, liveConnKey{}, conn)), exec)
	sw.finish()
}

// sseWriter is a Server-Sent Events response whose writes are bounded in
// time (a client that does not read at all is cut; one that reads too
// slowly is dropped before, with an error event).
type sseWriter struct {
	http.ResponseWriter
	rc     *http.ResponseController
	cancel context.CancelFunc
	limit  time.Duration // the longest one write may take

	mu      sync.Mutex
	dropped bool
}

func (w *sseWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dropped {
		return len(b), nil
	}
	w.rc.SetWriteDeadline(time.Now().Add(w.limit))
	n, err := w.ResponseWriter.Write(b)
	if err != nil {
		w.dead()
	}
	return n, err
}

func (w *sseWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dropped {
		return
	}
	w.rc.SetWriteDeadline(time.Now().Add(w.limit))
	if w.rc.Flush() != nil {
		w.dead()
	}
}

// dead stops a stream whose client cannot be written to. Called with
// w.mu held.
func (w *sseWriter) dead() {
	w.dropped = true
	go w.cancel()
}

// finish marks the stream's handler as returned: the response may not be
// written after it (net/http has released its buffer: a write then
// panics), so a drop still to come writes nothing. One under way holds
// w.mu, and ends before the handler returns.
func (w *sseWriter) finish() {
	w.mu.Lock()
	w.dropped = true
	w.mu.Unlock()
}

// drop sends an event with the error (a "next" event whose payload holds
// the error alone, as graphql-sse carries errors) and ends the stream.
func (w *sseWriter) drop(msg string) {
	w.mu.Lock()
	if !w.dropped {
		w.dropped = true
		b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": CodeSlowConsumer}}}})
		w.rc.SetWriteDeadline(time.Now().Add(w.limit))
		fmt.Fprintf(w.ResponseWriter, "event: next\ndata: %s\n\n", b)
		w.rc.Flush()
	}
	w.mu.Unlock()
	w.cancel()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *sseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// liveTransports returns the subscription transports with their bounds.
func liveTransports(store parley.Tokens, o options) (graphql.Transport, graphql.Transport) {
	limits := &liveLimits{conns: make(chan struct{}, o.maxSubscriptionConns), perConn: o.maxSubscriptionsPerConn, metrics: o.metrics}
	origins := originPatterns(o.origins)
	ws := wsTransport{
		Websocket: transport.Websocket{
			// graphql-ws's "ka" keep-alives; graphql-transport-ws's pings
			// (a client's pong is not required: a dead client is cut by
			// the slow-consumer rule and TCP).
			KeepAlivePingInterval: o.keepAlive,
			PingPongInterval:      o.keepAlive,
			MissingPongOk:         true,
			InitTimeout:           10 * time.Second,
			InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
				return authenticateInit(ctx, store, o.requireToken, p)
			},
		},
		limits:  limits,
		origins: origins,
	}
	return ws, sseTransport{limits: limits, slow: o.slowClient}
}
