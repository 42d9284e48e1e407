package graph

import (
	"context"
	"errors"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// loader answers the look-ups of one request: each key is fetched once
// (its result is kept for the rest of the request), and a key that is not
// known is fetched at once, never after a wait for other callers.
//
// Batching comes from the prefetch (prefetch.go) instead: when a batch
// has fetched nodes, a dry run of what the query asks of them collects
// the keys their fields will ask for (load in collect mode records the
// keys and answers errCollect), and those are fetched together, one call
// per field, before any of the nodes resolves. So the items of a list,
// which resolve one after another, find their data there.
type loader[K comparable, V any] struct {
	fetch func(ctx context.Context, keys []K) ([]V, []error)

	mu      sync.Mutex
	results map[K]*result[V]
	// collected are the keys dry runs have asked for, by collector and
	// field, until the collector flushes them.
	collected map[collectGroup]*batch[K]
}

type result[V any] struct {
	done chan struct{}
	val  V
	err  error
}

// batch is the keys one field asked for in one dry run.
type batch[K comparable] struct {
	ctx  context.Context // the first caller's: its field is the batch's
	keys []K
}

// collectGroup names the callers whose keys are fetched together: one
// field of the query in one dry run.
type collectGroup struct {
	c     *collector
	field *ast.Field
}

// The maps of a loader are made at its first key: a request that asks
// nothing of the store ({ __typename }) makes none.

// set records r as the result of k; l.mu is held.
func (l *loader[K, V]) set(k K, r *result[V]) {
	if l.results == nil {
		l.results = map[K]*result[V]{}
	}
	l.results[k] = r
}

// closed is the done channel of a result known from the start.
var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// errCollect is what a loader answers in a dry run for a key it does not
// hold yet: the key is recorded, to be fetched with the others.
var errCollect = errors.New("collected for the prefetch")

// load returns the values of keys, fetching those not yet known (in one
// call, in the caller's goroutine).
func (l *loader[K, V]) load(ctx context.Context, keys ...K) ([]V, []error) {
	if c := collecting(ctx); c != nil {
		return l.collect(ctx, c, keys)
	}
	rs := make([]*result[V], len(keys))
	var mine []K
	var pending []*result[V]
	l.mu.Lock()
	for i, k := range keys {
		r := l.results[k]
		if r == nil {
			r = &result[V]{done: make(chan struct{})}
			l.set(k, r)
			mine = append(mine, k)
			pending = append(pending, r)
		}
		rs[i] = r
	}
	l.mu.Unlock()
	if len(mine) > 0 {
		l.deliver(ctx, mine, pending)
	}
	vals := make([]V, len(keys))
	errs := make([]error, len(keys))
	for i, r := range rs {
		select {
		case <-r.done:
		case <-ctx.Done():
			// Another root field is fetching it and this one ends.
			errs[i] = ctx.Err()
			continue
		}
		vals[i], errs[i] = r.val, r.err
	}
	return vals, errs
}

// one is load for a single key, without its slices.
func (l *loader[K, V]) one(ctx context.Context, k K) (V, error) {
	if collecting(ctx) != nil {
		vs, errs := l.load(ctx, k)
		return vs[0], errs[0]
	}
	l.mu.Lock()
	r := l.results[k]
	if r == nil {
		r = &result[V]{done: make(chan struct{})}
		l.set(k, r)
		l.mu.Unlock()
		l.deliver(ctx, []K{k}, []*result[V]{r})
	} else {
		l.mu.Unlock()
	}
	select {
	case <-r.done:
		return r.val, r.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// deliver fetches keys and settles their pending results.
func (l *loader[K, V]) deliver(ctx context.Context, keys []K, pending []*result[V]) {
	defer func() {
		// A fetch that panicked settles its keys with an error rather
		// than leaving other callers waiting.
		if p := recover(); p != nil {
			for _, r := range pending {
				select {
				case <-r.done:
				default:
					r.err = errors.New("internal error")
					close(r.done)
				}
			}
			panic(p)
		}
	}()
	vals, errs := l.fetch(ctx, keys)
	for i, r := range pending {
		if i < len(vals) {
			r.val = vals[i]
		}
		if i < len(errs) {
			r.err = errs[i]
		}
		close(r.done)
	}
}

// collect answers a dry run: known values as they are, other keys
// recorded for the collector's flush and answered errCollect.
func (l *loader[K, V]) collect(ctx context.Context, c *collector, keys []K) ([]V, []error) {
	vals := make([]V, len(keys))
	errs := make([]error, len(keys))
	var g collectGroup
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		g = collectGroup{c: c, field: fc.Field.Field}
	} else {
		g = collectGroup{c: c}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, k := range keys {
		if r := l.results[k]; r != nil {
			select {
			case <-r.done:
				vals[i], errs[i] = r.val, r.err
				continue
			default:
			}
		}
		errs[i] = errCollect
		b := l.collected[g]
		if b == nil {
			b = &batch[K]{ctx: ctx}
			if l.collected == nil {
				l.collected = map[collectGroup]*batch[K]{}
			}
			l.collected[g] = b
			c.flushes = append(c.flushes, func() { l.flush(g) })
		}
		b.keys = append(b.keys, k)
	}
	return vals, errs
}

// flush fetches, in one call, the keys of g that are not known by now.
func (l *loader[K, V]) flush(g collectGroup) {
	l.mu.Lock()
	b := l.collected[g]
	delete(l.collected, g)
	var keys []K
	var pending []*result[V]
	if b != nil {
		for _, k := range b.keys {
			if l.results[k] != nil {
				continue // asked twice, or fetched meanwhile
			}
			r := &result[V]{done: make(chan struct{})}
			l.set(k, r)
			keys = append(keys, k)
			pending = append(pending, r)
		}
	}
	l.mu.Unlock()
	if len(keys) > 0 {
		// The fetch runs outside the dry run: what it primes is asked
		// for real.
		l.deliver(withoutCollector(b.ctx), keys, pending)
	}
}

// prime records the value of a key fetched by another batch, unless the
// key is known already.
func (l *loader[K, V]) prime(k K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.results[k]; ok {
		return
	}
	l.set(k, &result[V]{done: closed, val: v})
}

// primeAll is prime for the keys found in vals, their results made in one
// allocation.
func (l *loader[K, V]) primeAll(keys []K, vals map[K]V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var rs []result[V]
	for _, k := range keys {
		v, ok := vals[k]
		if !ok {
			continue
		}
		if _, ok := l.results[k]; ok {
			continue
		}
		if rs == nil {
			rs = make([]result[V], 0, len(keys))
		}
		rs = append(rs, result[V]{done: closed, val: v})
		l.set(k, &rs[len(rs)-1])
	}
}
