package graph

import (
	"context"
	"errors"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// loaders batch the look-ups of one request, so that a list of a hundred
// positions fetches its hundred holders in one statement, not a hundred.
type loaders struct {
	nodes *dataloadgen.Loader[string, any]
	lists *dataloadgen.Loader[listKey, *pageData]
}

type loadersKey struct{}

// DefaultBatchWait is how long a loader collects keys before it fetches
// them. gqlgen starts the resolvers of a list's items together, so a short
// window gathers them; dataloadgen's default (16 ms) adds that much latency
// to every level of a query. On a busy machine a short window may close
// before every item has asked, which costs an extra statement, not a
// wrong answer.
const DefaultBatchWait = 2 * time.Millisecond

// newLoaders makes the loaders of one request. cache, if not nil, is the
// node cache shared by requests (see nodeCache).
func newLoaders(store parley.Store, cache *nodeCache, wait time.Duration) *loaders {
	src := &nodeSource{store: store}
	if _, ok := store.(parley.Versioner); ok {
		src.cache = cache
	}
	return &loaders{
		nodes: dataloadgen.NewMappedLoader(src.fetch, dataloadgen.WithWait(wait)),
		lists: dataloadgen.NewLoader(fetchLists(store, src), dataloadgen.WithWait(wait)),
	}
}

// withLoaders returns ctx with fresh loaders for one request.
func withLoaders(ctx context.Context, store parley.Store, cache *nodeCache, wait time.Duration) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(store, cache, wait))
}

func (r *Resolver) loaders(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	// Outside a request (a resolver called directly): no batching.
	return newLoaders(r.Store, nil, DefaultBatchWait)
}

// node loads the node id; a missing id is a NOT_FOUND error.
func (r *Resolver) node(ctx context.Context, id string) (any, error) {
	v, err := r.loaders(ctx).nodes.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, parley.Errorf(parley.ENotFound, "no node with id %q", id)
	}
	return v, err
}

// ref loads the node id as type T; an empty id is nil (an absent optional
// reference).
func ref[T any](ctx context.Context, r *Resolver, id string) (*T, error) {
	if id == "" {
		return nil, nil
	}
	v, err := r.node(ctx, id)
	if err != nil {
		return nil, err
	}
	t, ok := v.(*T)
	if !ok {
		return nil, parley.Errorf(parley.EInternal, "node %q is a %T, not the type expected", id, v)
	}
	return t, nil
}

// actor loads the actor id as its kind's GraphQL type; nil for "".
func (r *Resolver) actor(ctx context.Context, id string) (model.Actor, error) {
	a, err := ref[parley.Actor](ctx, r, id)
	if a == nil || err != nil {
		return nil, err
	}
	return model.WrapActor(a), nil
}

// actors loads several actors in one batch, in order.
func (r *Resolver) actors(ctx context.Context, ids []string) ([]model.Actor, error) {
	vs, err := r.loaders(ctx).nodes.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Actor, len(vs))
	for i, v := range vs {
		a, ok := v.(*parley.Actor)
		if !ok {
			return nil, parley.Errorf(parley.EInternal, "node %q is a %T, not an actor", ids[i], v)
		}
		out[i] = model.WrapActor(a)
	}
	return out, nil
}

// refs loads several nodes of type T in one batch, in order.
func refs[T any](ctx context.Context, r *Resolver, ids []string) ([]*T, error) {
	vs, err := r.loaders(ctx).nodes.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*T, len(vs))
	for i, v := range vs {
		t, ok := v.(*T)
		if !ok {
			return nil, parley.Errorf(parley.EInternal, "node %q is a %T, not the type expected", ids[i], v)
		}
		out[i] = t
	}
	return out, nil
}
