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
	store  parley.Store
	src    nodeSource
	schema *schemaInfo
	nodes  loader[string, any]
	lists  loader[listKey, *pageData]
	// budget is the operation's answer budget (nil for a subscription).
	budget *budget

	// op is what the operation computes again and again, the same each
	// time (see opCache): the document's, shared by its requests, when
	// the document allows it.
	op *opCache
	// varArgs are the arguments of the fields that name variables, when
	// op is shared (they are this request's own).
	varMu   sync.RWMutex
	varArgs map[*ast.Field]map[string]any
}

// opCache is what one operation computes again and again, the same each
// time: the fields an object selects (for a selection and a type), the
// arguments of a field, what prime reads of a struct. None of it depends
// on the graph. It depends on the request's variables only through
// @include and @skip (the fields) and the arguments that name them: a
// document whose directives name no variable shares one opCache between
// all its requests (docCaches), keeping per request the arguments that
// name variables; any other document has one per request.
//
// Its keys are the document's own selections and fields (and slices made
// from them once and kept here: itemSelection), never slices made anew
// per request, so a shared opCache stops growing after the document's
// first requests; maxOpEntries bounds each map whatever happens.
type opCache struct {
	mu     sync.RWMutex
	shared bool
	fields map[fieldsKey]*collected
	args   map[*ast.Field]map[string]any
	plans  map[primePlanKey][]primeRef
	items  map[fieldsKey]ast.SelectionSet
}

// maxOpEntries bounds each map of an opCache: a map that would pass it is
// emptied (a document selects far fewer fields than this).
const maxOpEntries = 4096

// onDocCaches, when set (by tests), is given each handler's docCaches.
var onDocCaches func(*docCaches)

// entries counts what the documents' opCaches hold.
func (d *docCaches) entries() int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	n := 0
	for _, c := range d.m {
		if c == nil {
			continue
		}
		c.mu.RLock()
		n += len(c.fields) + len(c.args) + len(c.plans) + len(c.items)
		c.mu.RUnlock()
	}
	return n
}

// docCacheSize bounds the documents whose opCache is kept (the parsed
// queries' cache holds 1000): when full, all are dropped.
const docCacheSize = 1000

// docCaches holds the opCache of each parsed document, for the requests
// that ask it again (the parsed-query cache hands them the same
// document). A document that cannot share one maps to nil.
type docCaches struct {
	mu sync.RWMutex
	m  map[*ast.QueryDocument]*opCache
}

func (d *docCaches) get(doc *ast.QueryDocument) *opCache {
	if d == nil || doc == nil {
		return nil
	}
	d.mu.RLock()
	c, ok := d.m[doc]
	d.mu.RUnlock()
	if ok {
		return c
	}
	if !directivesNameVariables(doc) {
		c = &opCache{shared: true}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if had, ok := d.m[doc]; ok {
		return had
	}
	if d.m == nil || len(d.m) >= docCacheSize {
		d.m = map[*ast.QueryDocument]*opCache{}
	}
	d.m[doc] = c
	return c
}

// directivesNameVariables reports whether a directive in doc's selections
// (@include, @skip, @defer, any other) has an argument that names a
// variable: then which fields an object selects depends on the request.
func directivesNameVariables(doc *ast.QueryDocument) bool {
	var inSet func(ast.SelectionSet) bool
	inDirectives := func(ds ast.DirectiveList) bool {
		for _, d := range ds {
			for _, a := range d.Arguments {
				if namesVariable(a.Value) {
					return true
				}
			}
		}
		return false
	}
	inSet = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if inDirectives(s.Directives) || inSet(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if inDirectives(s.Directives) || inSet(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if inDirectives(s.Directives) {
					return true
				}
			}
		}
		return false
	}
	for _, op := range doc.Operations {
		if inSet(op.SelectionSet) {
			return true
		}
	}
	for _, f := range doc.Fragments {
		if inDirectives(f.Directives) || inSet(f.SelectionSet) {
			return true
		}
	}
	return false
}

// namesVariable reports whether v is or holds a variable.
func namesVariable(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return true
	}
	for _, c := range v.Children {
		if namesVariable(c.Value) {
			return true
		}
	}
	return false
}

// fieldNamesVariables reports whether an argument of f names a variable.
func fieldNamesVariables(f *ast.Field) bool {
	for _, a := range f.Arguments {
		if namesVariable(a.Value) {
			return true
		}
	}
	return false
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
	op := l.op
	op.mu.RLock()
	c, ok := op.fields[k]
	op.mu.RUnlock()
	if ok {
		return c
	}
	c = &collected{fields: graphql.CollectFields(oc, sel, satisfies)}
	op.mu.Lock()
	if op.fields == nil || len(op.fields) >= maxOpEntries {
		op.fields = map[fieldsKey]*collected{}
	}
	if had, ok := op.fields[k]; ok {
		c = had
	} else {
		op.fields[k] = c
	}
	op.mu.Unlock()
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
	op := l.op
	op.mu.RLock()
	a, ok := op.args[field.Field]
	op.mu.RUnlock()
	if ok {
		return a, nil
	}
	own := op.shared && fieldNamesVariables(field.Field)
	if own {
		l.varMu.RLock()
		a, ok := l.varArgs[field.Field]
		l.varMu.RUnlock()
		if ok {
			return a, nil
		}
	}
	a, err := parse(ctx, field.ArgumentMap(vars))
	if err != nil {
		return a, err
	}
	if own {
		l.varMu.Lock()
		if l.varArgs == nil {
			l.varArgs = map[*ast.Field]map[string]any{}
		}
		l.varArgs[field.Field] = a
		l.varMu.Unlock()
		return a, nil
	}
	op.mu.Lock()
	if op.args == nil || len(op.args) >= maxOpEntries {
		op.args = map[*ast.Field]map[string]any{}
	}
	op.args[field.Field] = a
	op.mu.Unlock()
	return a, nil
}

type loadersKey struct{}

// newLoaders makes the loaders of one request. cache, if not nil, is the
// node cache shared by requests (see nodeCache); op, if not nil, the
// operation's shared opCache.
func newLoaders(store parley.Store, cache *nodeCache, schema *schemaInfo, b *budget, op *opCache) *loaders {
	l := &loaders{store: store, schema: schema, budget: b, op: op}
	l.src.store = store
	if _, ok := store.(parley.Versioner); ok {
		l.src.cache = cache
	}
	if l.op == nil {
		l.op = &opCache{}
	}
	l.nodes.fetch = l.fetchNodes
	l.lists.fetch = l.fetchLists
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

// withLoaders returns ctx with fresh loaders for one request; docs, if
// not nil, holds the shared opCache of the operation's document, used for
// a query (a mutation's resolvers get arguments of their own, whatever
// they do with them).
func withLoaders(ctx context.Context, store parley.Store, cache *nodeCache, schema *schemaInfo, b *budget, docs *docCaches) context.Context {
	var op *opCache
	if docs != nil && graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Query {
			op = docs.get(oc.Doc)
		}
	}
	return context.WithValue(ctx, loadersKey{}, newLoaders(store, cache, schema, b, op))
}

func (r *Resolver) loaders(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	// Outside a request (a resolver called directly): no batching.
	return newLoaders(r.Store, nil, nil, nil, nil)
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
