package graph

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// loader batches the look-ups of one request: the keys asked by the same
// field of a query are fetched together, in one store call, and each key
// once (its result is kept for the rest of the request).
//
// A batch does not wait for a fixed time where the query says how many
// callers to expect (see expectation): a field outside any list is asked
// once, and a field under a list that is itself in no list is asked once
// for each of the list's items, so the batch goes as soon as the last of
// them has asked. Only a field under lists within lists waits for the
// window, as a time-based dataloader would. Keys put in by prime, from a
// parent's batch that already fetched them, are answered at once.
type loader[K comparable, V any] struct {
	fetch func(ctx context.Context, keys []K) ([]V, []error)
	wait  time.Duration

	mu      sync.Mutex
	results map[K]*result[V]
	open    map[group]*batch[K, V]
}

type result[V any] struct {
	done chan struct{}
	val  V
	err  error
}

type batch[K comparable, V any] struct {
	ctx     context.Context // the first caller's: its field is the group's
	keys    []K
	pending []*result[V]
	calls   int
	expect  int // 0: unknown, wait for the window
	timer   *time.Timer
}

// group names the callers that batch together: one field of the query
// (an *ast.Field) and, under a list, the list's field context.
type group struct {
	field *ast.Field
	list  *graphql.FieldContext
}

func newLoader[K comparable, V any](fetch func(ctx context.Context, keys []K) ([]V, []error), wait time.Duration) *loader[K, V] {
	return &loader[K, V]{fetch: fetch, wait: wait, results: map[K]*result[V]{}, open: map[group]*batch[K, V]{}}
}

// load returns the values of keys, fetching those not yet known together
// with the other keys of the caller's group.
func (l *loader[K, V]) load(ctx context.Context, keys ...K) ([]V, []error) {
	g, expect := expectation(ctx)
	rs := make([]*result[V], len(keys))
	l.mu.Lock()
	b := l.open[g]
	if b == nil {
		b = &batch[K, V]{ctx: ctx, expect: expect}
		l.open[g] = b
		if expect == 0 || expect > 1 {
			b.timer = time.AfterFunc(l.wait, func() { l.dispatch(g, b) })
		}
	}
	for i, k := range keys {
		r := l.results[k]
		if r == nil {
			r = &result[V]{done: make(chan struct{})}
			l.results[k] = r
			b.keys = append(b.keys, k)
			b.pending = append(b.pending, r)
		}
		rs[i] = r
	}
	b.calls++
	full := b.expect > 0 && b.calls >= b.expect
	l.mu.Unlock()
	if full {
		l.dispatch(g, b)
	}
	vals := make([]V, len(keys))
	errs := make([]error, len(keys))
	for i, r := range rs {
		select {
		case <-r.done:
		case <-ctx.Done():
			errs[i] = ctx.Err()
			continue
		}
		vals[i], errs[i] = r.val, r.err
	}
	return vals, errs
}

// dispatch fetches batch b of group g, once.
func (l *loader[K, V]) dispatch(g group, b *batch[K, V]) {
	l.mu.Lock()
	if l.open[g] != b {
		l.mu.Unlock()
		return // already sent
	}
	delete(l.open, g)
	l.mu.Unlock()
	if b.timer != nil {
		b.timer.Stop()
	}
	if len(b.keys) == 0 {
		return
	}
	vals, errs := l.fetch(b.ctx, b.keys)
	for i, r := range b.pending {
		if i < len(vals) {
			r.val = vals[i]
		}
		if i < len(errs) {
			r.err = errs[i]
		}
		close(r.done)
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
	r := &result[V]{done: make(chan struct{}), val: v}
	close(r.done)
	l.results[k] = r
}

// expectation names the caller's group and how many calls it will get
// (0 when that is not known). gqlgen resolves the items of a list each in
// its own goroutine with a field context whose Index is set; the list
// field's context, above it, holds the list as its Result.
func expectation(ctx context.Context) (group, int) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return group{}, 1 // outside a query: nothing to wait for
	}
	g := group{field: fc.Field.Field}
	for p := fc.Parent; p != nil; p = p.Parent {
		if p.Index == nil {
			continue
		}
		list := p.Parent
		if list == nil {
			return g, 0
		}
		for q := list.Parent; q != nil; q = q.Parent {
			if q.Index != nil {
				// Lists within lists: how many items all the inner
				// lists have is not known here.
				return g, 0
			}
		}
		g.list = list
		return g, length(list.Result)
	}
	// In no list: the field is asked once.
	return g, 1
}

// length is the number of items of a list result (0 if it is not one).
func length(v any) int {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Slice {
		return rv.Len()
	}
	return 0
}
