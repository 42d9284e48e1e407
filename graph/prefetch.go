package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// The prefetch: the items of a list resolve one after another (serial.go),
// so whatever they ask of the store must be fetched before the first of
// them resolves, for all of them at once. prime (prime.go) does it level
// by level below a page: the nodes a level's fields name by id are read in
// one call; the fields that have a resolver (lists and connections under
// each item, computed fields) are run dry on every item of the level, each
// resolver alone, with loaders that record what they are asked for instead
// of fetching it (collect mode), and a store that refuses every direct
// call. The keys recorded are then fetched together, one call per field of
// the query, and the pages they return prime their own items the same way.
// When the real resolvers run, every key is there; a key that is not (a
// resolver that asks for more once it has its first answer) is fetched at
// once, alone: a statement more, never a wait.
//
// The dry run uses the resolvers themselves, with the arguments the query
// gives (variables, aliases, @include and @skip, fragments: gqlgen's own
// field collection and argument parsing), so every relationship field
// and list of the schema goes the same way, with nothing listed here.

// dryKey names a field of an object type: dryFields (appended to
// generated.go by graph/internal/serialgen) holds, for every field with a
// resolver, a function that runs that resolver alone.
type dryKey struct{ typ, field string }

type dryField func(ec *executionContext, ctx context.Context, field graphql.CollectedField, obj any)

// dryFields is filled in by generated.go's init (empty while gqlgen checks
// its fresh output, before serialgen has run).
var dryFields map[dryKey]dryField

// collector gathers the keys a dry run asks the loaders for; flush fetches
// them, one call per loader and field.
type collector struct {
	flushes []func()
}

func (c *collector) flush() {
	for len(c.flushes) > 0 {
		fs := c.flushes
		c.flushes = nil
		for _, f := range fs {
			f()
		}
	}
}

type collectorKey struct{}

// collecting returns the collector of a dry run, nil outside one.
func collecting(ctx context.Context) *collector {
	c, _ := ctx.Value(collectorKey{}).(*collector)
	return c
}

func withoutCollector(ctx context.Context) context.Context {
	if collecting(ctx) == nil {
		return ctx
	}
	return context.WithValue(ctx, collectorKey{}, (*collector)(nil))
}

// refusing is the store of the dry run's resolvers: a resolver that calls
// the store directly (a search, a path, conflicts) stops there with a
// panic, which the dry run recovers; only the loaders are asked.
type refusing struct{ parley.Store }

// dryRun runs the resolver fields of one level dry.
type dryRun struct {
	ec  *executionContext
	ctx context.Context
	c   *collector
}

func (l *loaders) newDryRun(ctx context.Context) *dryRun {
	if l.schema.dry == nil {
		return nil
	}
	c := &collector{}
	ctx = context.WithValue(ctx, collectorKey{}, c)
	// Errors the dry run meets (a bad argument) are the real run's to
	// report: here they go nowhere.
	ctx = graphql.WithResponseContext(ctx,
		func(context.Context, error) *gqlerror.Error { return nil },
		func(context.Context, any) error { return nil })
	ec := newExecutionContext(graphql.GetOperationContext(ctx), l.schema.dry, nil)
	return &dryRun{ec: ec, ctx: ctx, c: c}
}

// run runs field f of v (of GraphQL type typ) dry, if it has a resolver.
func (d *dryRun) run(typ string, v any, f graphql.CollectedField) bool {
	fn := dryFields[dryKey{typ, f.Name}]
	if fn == nil {
		return false
	}
	if a, ok := v.(*parley.Actor); ok {
		v = model.WrapActor(a)
	}
	defer func() { recover() }() // the refusing store, or a resolver's own fault: the real run reports it
	fn(d.ec, d.ctx, f, v)
	return true
}
