package graph

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
)

// Signal tells subscribers that the graph may have changed.
type Signal interface {
	// Wait returns a channel closed at the next change seen after it was
	// called.
	Wait() <-chan struct{}
}

// StoreSignal is one watcher per process of the store's change sequence,
// from the first Wait on. A store that pushes change notices
// (parley.ChangeNotifier: PostgreSQL's LISTEN/NOTIFY) wakes the waiters as
// soon as a notice comes, and its version is still read every
// SlowInterval in case a notice is lost; a store without them, or whose
// notices stop (the channel closed: the listening connection was lost),
// has its version read every Interval, and notices are asked for again
// every RetryInterval. The change sequence is the source either way, so
// writes by other processes on the same database are seen too.
type StoreSignal struct {
	store    parley.Versioner
	notifier parley.ChangeNotifier

	// Interval is how often the version is read without notices;
	// SlowInterval how often with them; RetryInterval how long after
	// notices fail they are asked for again. Set them before the first
	// Wait.
	Interval, SlowInterval, RetryInterval time.Duration

	mu      sync.Mutex
	wake    chan struct{}
	running bool
	// listening reports whether notices are being received (for tests
	// and the metrics).
	listening bool
}

// NewStoreSignal watches store: through its notices when it is a
// parley.ChangeNotifier (one whose WatchChanges answers
// errors.ErrUnsupported has none), else by reading its version every
// interval.
func NewStoreSignal(store parley.Versioner, interval time.Duration) *StoreSignal {
	s := &StoreSignal{store: store, Interval: interval, SlowInterval: 10 * interval, RetryInterval: 50 * interval, wake: make(chan struct{})}
	if n, ok := store.(parley.ChangeNotifier); ok {
		s.notifier = n
	}
	return s
}

// Wait implements Signal.
func (s *StoreSignal) Wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		s.running = true
		go s.run()
	}
	return s.wake
}

// Listening reports whether the signal is woken by the store's notices
// (rather than by reading its version alone).
func (s *StoreSignal) Listening() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listening
}

func (s *StoreSignal) fire() {
	s.mu.Lock()
	close(s.wake)
	s.wake = make(chan struct{})
	s.mu.Unlock()
}

func (s *StoreSignal) setListening(b bool) {
	s.mu.Lock()
	s.listening = b
	s.mu.Unlock()
}

func (s *StoreSignal) run() {
	ctx := context.Background()
	// The first read wakes the waiters whatever it reads: a change made
	// before it started is then not missed.
	last := int64(-1)
	var notices <-chan struct{}
	var retry time.Time // when to ask for notices again
	notified := false   // a notice woke the waiters since the last read
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		if s.notifier != nil && notices == nil && !time.Now().Before(retry) {
			ch, err := s.notifier.WatchChanges(ctx)
			switch {
			case errors.Is(err, errors.ErrUnsupported):
				// A wrapper of a store without notices: stop asking.
				s.notifier = nil
			case err != nil || ch == nil:
				retry = time.Now().Add(s.RetryInterval)
			default:
				notices = ch
				s.setListening(true)
			}
		}
		select {
		case _, ok := <-notices:
			if !ok {
				// The notices are lost: read the version at once, then
				// every Interval, until they come again.
				notices = nil
				s.setListening(false)
				retry = time.Now().Add(s.RetryInterval)
				timer.Reset(0)
				continue
			}
			notified = true
			s.fire()
		case <-timer.C:
			v, err := s.store.Version(ctx)
			if err == nil && v != last {
				if !notified || last < 0 {
					// A change no notice told of (or the first read).
					s.fire()
				}
				last = v
			}
			notified = false
			if notices != nil {
				timer.Reset(s.SlowInterval)
			} else {
				timer.Reset(s.Interval)
			}
		}
	}
}

// Subscription limits and codes.
const (
	// MaxSubscriptionNodes is how many node ids one subscription may name.
	MaxSubscriptionNodes = 100
	// DefaultSubscriptionBuffer is how many changes may wait for a client
	// to take them; one more and the client is dropped as too slow.
	DefaultSubscriptionBuffer = 64
	// DefaultSlowClient is how long a client may take nothing while its
	// queue is full before it is dropped as too slow.
	DefaultSlowClient = 10 * time.Second
	// DefaultMaxSubscriptionConns is how many subscription connections
	// (WebSocket and Server-Sent Events) a server holds open at once;
	// DefaultMaxSubscriptionsPerConn how many subscriptions one WebSocket
	// connection may carry.
	DefaultMaxSubscriptionConns    = 1000
	DefaultMaxSubscriptionsPerConn = 100

	// CodeTooManyConnections refuses a subscription connection past the
	// server's maximum: a WebSocket is closed with CloseTryAgainLater, a
	// Server-Sent Events request answered 503.
	CodeTooManyConnections = "TOO_MANY_CONNECTIONS"
	// CodeTooManySubscriptions refuses a subscription past its
	// connection's maximum (an error for that subscription alone).
	CodeTooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS"
	// CodeSlowConsumer drops a client that does not take its changes: a
	// WebSocket is closed with CloseSlowConsumer, a Server-Sent Events
	// stream ends with an event carrying this code.
	CodeSlowConsumer = "SLOW_CONSUMER"

	// CloseTryAgainLater is RFC 6455's "try again later" close code.
	CloseTryAgainLater = 1013
	// CloseSlowConsumer is the close code of a WebSocket dropped as too
	// slow (4000-4999 are for applications; graphql-ws reconnects after
	// it, and a client resumes with changes(since:)).
	CloseSlowConsumer = 4008
)

// live holds what the subscription resolvers need: one hub per handler.
type live struct {
	hub     *hub
	metrics *metrics.Metrics
}

// hub reads the changes once per change for the whole process and gives
// them to the subscriptions that want them. Each subscription has a queue
// of buffer changes; one whose queue is full is detached and reads the
// store by itself from where its client is (as the feed from a sequence
// number does), and is dropped as a slow consumer if its client takes
// nothing for the time limit. Nothing is held without bound, and no
// client holds up another.
type hub struct {
	store   parley.Store
	signal  Signal
	buffer  int
	slow    time.Duration
	metrics *metrics.Metrics

	mu   sync.Mutex
	subs map[*subscriber]struct{}
	// last is the seq of the newest change the hub has read; -1 while no
	// subscription is attached (the hub then reads nothing).
	last    int64
	running bool
	kick    chan struct{}
}

func newHub(store parley.Store, signal Signal, buffer int, slow time.Duration, m *metrics.Metrics) *hub {
	return &hub{store: store, signal: signal, buffer: buffer, slow: slow, metrics: m, subs: map[*subscriber]struct{}{}, last: -1, kick: make(chan struct{}, 1)}
}

// subscriber is one subscription as the hub sees it.
type subscriber struct {
	cursor       int64 // the newest seq it has been given or passed over
	nodes, kinds map[string]bool
	out          chan *parley.Change
	lag          chan struct{} // the hub has detached it: its queue was full
	slow         func()        // drops the subscription's connection as too slow
	closed       bool
}

func (s *subscriber) wants(c *parley.Change) bool {
	return (s.nodes == nil || s.nodes[c.NodeID]) && (s.kinds == nil || s.kinds[string(c.NodeType)])
}

// attach adds sub to the hub's readers if it has read as far as the hub
// (its cursor at or past the hub's) and its queue has room; the hub then
// gives it every change after its cursor. It reports false when sub must
// read on by itself.
func (h *hub) attach(sub *subscriber) bool {
	if len(sub.out) == cap(sub.out) {
		// Its client has not taken what waits: it would be detached
		// again at the next change. It waits for its client by itself.
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.last < 0 {
		h.last = sub.cursor
	}
	if sub.cursor < h.last {
		return false
	}
	h.subs[sub] = struct{}{}
	if !h.running {
		h.running = true
		go h.run()
	}
	// A change may have been signalled while no one was attached: look.
	select {
	case h.kick <- struct{}{}:
	default:
	}
	return true
}

// detach removes sub (if the hub still holds it) and closes its queue.
func (h *hub) detach(sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, sub)
	if !sub.closed {
		sub.closed = true
		close(sub.out)
	}
}

// pageSize is how many changes the hub reads at a time.
const pageSize = 100

func (h *hub) run() {
	ctx := context.Background()
	for {
		wake := h.signal.Wait()
		for {
			h.mu.Lock()
			if len(h.subs) == 0 {
				h.last = -1
			}
			from := h.last
			h.mu.Unlock()
			if from < 0 {
				break
			}
			list, more, err := h.store.Changes(ctx, parley.ChangeQuery{Since: &from, First: pageSize})
			if err != nil {
				// Try again shortly, without waiting for another change.
				time.Sleep(time.Second)
				h.mu.Lock()
				if h.last == from {
					h.last = -1
					for sub := range h.subs {
						// The subscriptions read by themselves: they
						// end if the store fails them too.
						delete(h.subs, sub)
						select {
						case sub.lag <- struct{}{}:
						default:
						}
					}
				}
				h.mu.Unlock()
				break
			}
			h.mu.Lock()
			if h.last == from {
				for i := range list {
					c := &list[i]
					for sub := range h.subs {
						h.deliver(sub, c)
					}
					h.last = c.Seq
				}
			} else {
				// The hub stopped and started again meanwhile: read
				// again from where it stands now.
				more = true
			}
			h.mu.Unlock()
			if !more {
				break
			}
		}
		select {
		case <-wake:
		case <-h.kick:
		}
	}
}

// deliver gives c to sub if it wants it, without waiting. A subscription
// whose queue is full is detached: it reads on by itself from the last
// change it took (catchUp), where a client that does not take a change
// within the time limit is dropped. Called with h.mu held.
func (h *hub) deliver(sub *subscriber, c *parley.Change) {
	if c.Seq <= sub.cursor {
		return
	}
	if sub.wants(c) {
		select {
		case sub.out <- c:
		default:
			delete(h.subs, sub)
			select {
			case sub.lag <- struct{}{}:
			default:
			}
			return
		}
	}
	sub.cursor = c.Seq
}

// eachChangeAfresh answers each change of a subscription with a context
// of its own, from fresh (new loaders): loaders hold what they read for
// as long as they live, and a subscription lives for many changes, so
// loaders kept from one change to the next would answer a later change
// with the nodes and lists as an earlier one left them.
func eachChangeAfresh(next graphql.ResponseHandler, fresh func(context.Context) context.Context) graphql.ResponseHandler {
	return func(ctx context.Context) *graphql.Response { return next(fresh(ctx)) }
}

// changesFeed streams the changes after since (the newest now if nil),
// filtered by nodes and kinds, until ctx ends or the client falls behind.
func (r *Resolver) changesFeed(ctx context.Context, since *int, nodes, kinds []string) (<-chan *parley.Change, error) {
	if r.live == nil || r.live.hub == nil {
		return nil, parley.Errorf(parley.EInvalid, "this server does not serve subscriptions")
	}
	if len(nodes) > MaxSubscriptionNodes {
		return nil, parley.Errorf(parley.EInvalid, "nodes: at most %d ids, not %d", MaxSubscriptionNodes, len(nodes))
	}
	conn := connFrom(ctx)
	if conn != nil {
		if err := conn.addSubscription(); err != nil {
			r.live.metrics.SubscriptionRefused(CodeTooManySubscriptions)
			return nil, err
		}
	}
	done := func() {
		if conn != nil {
			conn.subscriptionDone()
		}
	}
	if since != nil && *since < 0 {
		done()
		return nil, parley.Errorf(parley.EInvalid, "since: a sequence number is 0 or more, not %d", *since)
	}
	newest, _, err := r.Store.Changes(ctx, parley.ChangeQuery{First: 1})
	if err != nil {
		done()
		return nil, err
	}
	var cursor int64 // the newest change now: where a feed from now starts
	if len(newest) > 0 {
		cursor = newest[0].Seq
	}
	if since != nil {
		if int64(*since) > cursor {
			// A number from another database, or from before this one
			// was restored from a backup. Taken, it would skip the
			// changes up to it, and a hub started at it would leave the
			// other subscriptions reading the store over and over.
			done()
			return nil, parley.Errorf(parley.EInvalid, "since: %d is past the newest change (%d): resume from a sequence number this database has given, or subscribe without since for the changes from now", *since, cursor)
		}
		cursor = int64(*since)
	}
	h := r.live.hub
	sub := &subscriber{cursor: cursor, nodes: set(nodes), kinds: set(kinds), out: make(chan *parley.Change, h.buffer), lag: make(chan struct{}, 1)}
	if conn != nil {
		sub.slow = conn.dropSlow
	}
	r.live.metrics.SubscriptionOpened()
	go func() {
		defer func() {
			h.detach(sub)
			done()
			r.live.metrics.SubscriptionClosed()
		}()
		for r.catchUp(ctx, sub) {
			select {
			case <-ctx.Done():
				return
			case <-sub.lag:
				// Detached by the hub: read on from the last change
				// taken.
			}
		}
	}()
	return sub.out, nil
}

// catchUp reads the changes after sub's cursor by itself until it has
// read as far as the hub, then attaches sub to the hub: for the feed from
// a sequence number, and for a subscription whose client fell behind the
// hub. A client that takes no change for the time limit is dropped as
// too slow (one that takes them slowly costs reads of the store, at its
// own pace, and no memory). It reports false when the subscription has
// ended.
func (r *Resolver) catchUp(ctx context.Context, sub *subscriber) bool {
	h := r.live.hub
	slow := func() bool {
		r.live.metrics.SubscriptionRefused(CodeSlowConsumer)
		if sub.slow != nil {
			sub.slow()
		}
		return false
	}
	for !h.attach(sub) {
		if len(sub.out) == cap(sub.out) {
			// Changes wait for the client: give it the time limit to
			// take one.
			deadline := time.Now().Add(h.slow)
			for len(sub.out) == cap(sub.out) {
				if time.Now().After(deadline) {
					return slow()
				}
				select {
				case <-ctx.Done():
					return false
				case <-time.After(10 * time.Millisecond):
				}
			}
		}
		for {
			from := sub.cursor
			list, more, err := r.Store.Changes(ctx, parley.ChangeQuery{Since: &from, First: pageSize})
			if err != nil {
				return false
			}
			for i := range list {
				c := &list[i]
				if !sub.wants(c) {
					sub.cursor = c.Seq
					continue
				}
				t := time.NewTimer(h.slow)
				select {
				case sub.out <- c:
					t.Stop()
					sub.cursor = c.Seq
				case <-ctx.Done():
					t.Stop()
					return false
				case <-t.C:
					return slow()
				}
			}
			if !more {
				break
			}
		}
	}
	return true
}

func set(list []string) map[string]bool {
	if list == nil {
		return nil
	}
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

// originPatterns turns CORS origins (https://app.example) into the host
// patterns the websocket library checks (app.example).
func originPatterns(origins []string) []string {
	var out []string
	for _, o := range origins {
		if i := strings.Index(o, "://"); i >= 0 {
			o = o[i+3:]
		}
		out = append(out, o)
	}
	return out
}

// authenticateInit checks the token of a websocket's connection_init
// payload ({"Authorization": "Bearer <token>"} or {"authToken": "<token>"})
// as Authenticate checks the header: the same tokens and roles.
func authenticateInit(ctx context.Context, tokens parley.Tokens, requireToken bool, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	token := strings.TrimSpace(p.GetString("authToken"))
	if h := p.Authorization(); h != "" {
		scheme, t, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return ctx, nil, errors.New("UNAUTHENTICATED: the Authorization of connection_init must be: Bearer <token>")
		}
		token = strings.TrimSpace(t)
	}
	if token == "" {
		if requireToken {
			return ctx, nil, errors.New("UNAUTHENTICATED: this server needs a token: send {\"Authorization\": \"Bearer <token>\"} in connection_init")
		}
		return ctx, nil, nil
	}
	pr, err := tokens.Authenticate(ctx, token)
	if err != nil {
		return ctx, nil, errors.New("UNAUTHENTICATED: " + parley.ErrorMessage(err))
	}
	return parley.WithPrincipal(ctx, pr), nil, nil
}
