package graph

import (
	"context"
	"errors"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"strings"
	"sync"
	"time"

	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
)

// Signal tells subscribers that the graph may have changed. PollSignal
// polls the store's version; a store with notifications (PostgreSQL's
// LISTEN/NOTIFY) can give its own.
type Signal interface {
	// Wait returns a channel closed at the next change seen after it was
	// called.
	Wait() <-chan struct{}
}

// PollSignal is one poller per process: it reads the store's version every
// interval from the first subscription on, and wakes every waiter when it grows. The
// change sequence is the source, so writes by other processes on the same
// database are seen too.
type PollSignal struct {
	store    parley.Versioner
	interval time.Duration

	mu      sync.Mutex
	wake    chan struct{}
	running bool
}

// NewPollSignal polls store every interval.
func NewPollSignal(store parley.Versioner, interval time.Duration) *PollSignal {
	return &PollSignal{store: store, interval: interval, wake: make(chan struct{})}
}

// Wait implements Signal.
func (p *PollSignal) Wait() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.running {
		p.running = true
		go p.poll()
	}
	return p.wake
}

func (p *PollSignal) poll() {
	ctx := context.Background()
	// The first poll wakes the waiters whatever it reads: a change made
	// before it started is then not missed.
	last := int64(-1)
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for range t.C {
		v, err := p.store.Version(ctx)
		if err != nil || v == last {
			continue
		}
		last = v
		p.mu.Lock()
		close(p.wake)
		p.wake = make(chan struct{})
		p.mu.Unlock()
	}
}

// Subscription limits.
const (
	// MaxSubscriptionNodes is how many node ids one subscription may name.
	MaxSubscriptionNodes = 100
	// subscriptionBuffer is how many changes wait for a slow client.
	subscriptionBuffer = 64
	// slowClient is how long a change may wait for a client before the
	// subscription is ended.
	slowClient = 10 * time.Second
)

// live holds what the subscription resolvers need.
type live struct {
	signal  Signal
	metrics *metrics.Metrics
	open    chan struct{} // a token per subscription open
}

// changesFeed streams the changes after since (the newest now if nil),
// filtered by nodes and kinds, until ctx ends or the client falls behind.
func (r *Resolver) changesFeed(ctx context.Context, since *int, nodes, kinds []string) (<-chan *parley.Change, error) {
	if r.live == nil || r.live.signal == nil {
		return nil, parley.Errorf(parley.EInvalid, "this server does not serve subscriptions")
	}
	if len(nodes) > MaxSubscriptionNodes {
		return nil, parley.Errorf(parley.EInvalid, "nodes: at most %d ids, not %d", MaxSubscriptionNodes, len(nodes))
	}
	var cursor int64
	if since != nil {
		if *since < 0 {
			return nil, parley.Errorf(parley.EInvalid, "since: a sequence number is 0 or more, not %d", *since)
		}
		cursor = int64(*since)
	} else {
		newest, _, err := r.Store.Changes(ctx, parley.ChangeQuery{First: 1})
		if err != nil {
			return nil, err
		}
		if len(newest) > 0 {
			cursor = newest[0].Seq
		}
	}
	select {
	case r.live.open <- struct{}{}:
	default:
		return nil, parley.Errorf(parley.EInvalid, "this server holds as many subscriptions as it serves (%d): try again later, or poll changes(since:)", cap(r.live.open))
	}
	wantNode := set(nodes)
	wantKind := set(kinds)
	out := make(chan *parley.Change, subscriptionBuffer)
	r.live.metrics.SubscriptionOpened()
	go func() {
		defer func() {
			close(out)
			<-r.live.open
			r.live.metrics.SubscriptionClosed()
		}()
		for {
			wake := r.live.signal.Wait()
			for {
				list, more, err := r.Store.Changes(ctx, parley.ChangeQuery{Since: &cursor, First: 100})
				if err != nil {
					return
				}
				for i := range list {
					c := &list[i]
					cursor = c.Seq
					if (wantNode != nil && !wantNode[c.NodeID]) || (wantKind != nil && !wantKind[string(c.NodeType)]) {
						continue
					}
					select {
					case out <- c:
					case <-ctx.Done():
						return
					case <-time.After(slowClient):
						// The client does not read: end its subscription
						// rather than hold changes for it.
						return
					}
				}
				if !more {
					break
				}
			}
			select {
			case <-wake:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
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
