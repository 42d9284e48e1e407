package graph

import (
	"context"
	"reflect"
	"sync"
	"unsafe"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// loaders hold the look-ups of one request, so that a list of a hundred
// positions fetches its hundred holders in one statement, not a hundred
// (prime fetches them ahead, for the whole page; see loader and
// prefetch.go).
type loaders struct {
	src    *nodeSource
	schema *schemaInfo
	nodes  *loader[string, any]
	lists  *loader[listKey, *pageData]
	// budget is the operation's answer budget (nil for a subscription).
	budget *budget

	// What one operation computes again and again, the same each time:
	// the fields an object selects (for a selection and a type), the
	// arguments of a field.
	mu     sync.RWMutex
	fields map[fieldsKey]*collected
	args   map[*ast.Field]map[string]any
	plans  map[primePlanKey][]primeRef
}

type fieldsKey struct {
	sel       *ast.Selection
	n         int
	satisfies *string
}

// collectFields is graphql.CollectFields, kept for the operation: gqlgen
// keeps it too, but makes a hashed key of the type names at every call.
// The implementors' lists are the generated package's variables, so their
// address names them.
func (l *loaders) collectFields(oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	return l.collect(oc, sel, satisfies).fields
}

// collected is a selection's fields for a type, and what the answer's
// budget counts of an object that selects them (textOf): the Go fields
// holding their text in the object's type, found at the first object.
type collected struct {
	fields   []graphql.CollectedField
	textOnce sync.Once
	textType reflect.Type
	text     []textField
}

func (l *loaders) collect(oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) *collected {
	k := fieldsKey{unsafe.SliceData(sel), len(sel), unsafe.SliceData(satisfies)}
	l.mu.RLock()
	c, ok := l.fields[k]
	l.mu.RUnlock()
	if ok {
		return c
	}
	c = &collected{fields: graphql.CollectFields(oc, sel, satisfies)}
	l.mu.Lock()
	if l.fields == nil {
		l.fields = map[fieldsKey]*collected{}
	}
	if had, ok := l.fields[k]; ok {
		c = had
	} else {
		l.fields[k] = c
	}
	l.mu.Unlock()
	return c
}

// fieldArgs parses the arguments of a field once an operation (they are
// the same for every item of a list): the generated field contexts call
// it (see graph/internal/serialgen). Resolvers only read them.
func fieldArgs(ctx context.Context, field graphql.CollectedField, vars map[string]any, parse func(context.Context, map[string]any) (map[string]any, error)) (map[string]any, error) {
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	if l == nil || field.Field == nil {
		return parse(ctx, field.ArgumentMap(vars))
	}
	l.mu.RLock()
	a, ok := l.args[field.Field]
	l.mu.RUnlock()
	if ok {
		return a, nil
	}
	a, err := parse(ctx, field.ArgumentMap(vars))
	if err != nil {
		return a, err
	}
	l.mu.Lock()
	if l.args == nil {
		l.args = map[*ast.Field]map[string]any{}
	}
	l.args[field.Field] = a
	l.mu.Unlock()
	return a, nil
}

type loadersKey struct{}

// newLoaders makes the loaders of one request. cache, if not nil, is the
// node cache shared by requests (see nodeCache).
func newLoaders(store parley.Store, cache *nodeCache, schema *schemaInfo, b *budget) *loaders {
	src := &nodeSource{store: store}
	if _, ok := store.(parley.Versioner); ok {
		src.cache = cache
	}
	l := &loaders{src: src, schema: schema, budget: b}
	l.nodes = newLoader(l.fetchNodes)
	l.lists = newLoader(l.fetchLists(store))
	return l
}

// fetchNodes answers a batch of ids, in order, and primes the references
// the calling field asks of them.
func (l *loaders) fetchNodes(ctx context.Context, ids []string) ([]any, []error) {
	vals := make([]any, len(ids))
	errs := make([]error, len(ids))
	found, err := l.src.fetch(ctx, ids)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return vals, errs
	}
	var ts []target
	f, ok := callerField(ctx)
	for i, id := range ids {
		n, present := found[id]
		if !present {
			errs[i] = parley.Errorf(parley.ENotFound, "no node with id %q", id)
			continue
		}
		vals[i] = n
		if ok && len(f.Selections) > 0 {
			ts = append(ts, target{v: n, typeName: typeName(n), sel: f.Selections})
		}
	}
	l.prime(ctx, ts)
	return vals, errs
}

// withLoaders returns ctx with fresh loaders for one request.
func withLoaders(ctx context.Context, store parley.Store, cache *nodeCache, schema *schemaInfo, b *budget) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(store, cache, schema, b))
}

func (r *Resolver) loaders(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	// Outside a request (a resolver called directly): no batching.
	return newLoaders(r.Store, nil, nil, nil)
}

// node loads the node id; a missing id is a NOT_FOUND error.
func (r *Resolver) node(ctx context.Context, id string) (any, error) {
	return r.loaders(ctx).nodes.one(ctx, id)
}

// nodes loads several nodes in one batch, in order; the first missing one
// is a NOT_FOUND error.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]any, error) {
	vs, errs := r.loaders(ctx).nodes.load(ctx, ids...)
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return vs, nil
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
	vs, err := r.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Actor, len(vs))
	w := actorWrapper{n: len(vs)}
	for i, v := range vs {
		a, ok := v.(*parley.Actor)
		if !ok {
			return nil, parley.Errorf(parley.EInternal, "node %q is a %T, not an actor", ids[i], v)
		}
		out[i] = w.wrap(a)
	}
	return out, nil
}

// refs loads several nodes of type T in one batch, in order.
func refs[T any](ctx context.Context, r *Resolver, ids []string) ([]*T, error) {
	vs, err := r.nodes(ctx, ids)
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
