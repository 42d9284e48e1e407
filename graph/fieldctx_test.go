package graph

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestFieldCtxAnswersAsItsParents: a field context answers for the
// loaders and the collector what the contexts below it hold, however
// they were stacked (loaders and collectors set between field contexts,
// a collector taken away, none at all), and a field context's own field
// context for gqlgen's key.
func TestFieldCtxAnswersAsItsParents(t *testing.T) {
	l1, l2 := &loaders{}, &loaders{}
	c1 := &collector{}
	field := func(ctx context.Context) context.Context {
		_, fctx, err := withField(ctx, graphql.CollectedField{}, func(_ context.Context, f graphql.CollectedField, into *graphql.FieldContext) (*graphql.FieldContext, error) {
			*into = graphql.FieldContext{Field: f}
			return into, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return fctx
	}
	items := func(ctx context.Context) context.Context {
		var got context.Context
		marshalSlice(ctx, 3, 0, true, func(ctx context.Context, i int) graphql.Marshaler {
			if i == 2 {
				got = ctx
			}
			return graphql.Null
		})
		return got
	}
	bg := context.Background()
	for _, c := range []struct {
		name string
		ctx  context.Context
		l    *loaders
		coll *collector
	}{
		{"none", field(bg), nil, nil},
		{"none, items", items(field(bg)), nil, nil},
		{"loaders below", field(field(context.WithValue(bg, loadersKey{}, l1))), l1, nil},
		{"loaders between", field(context.WithValue(field(context.WithValue(bg, loadersKey{}, l1)), loadersKey{}, l2)), l2, nil},
		{"collector between", items(field(context.WithValue(field(context.WithValue(bg, loadersKey{}, l1)), collectorKey{}, c1))), l1, c1},
		{"collector taken away", field(withoutCollector(field(context.WithValue(context.WithValue(bg, loadersKey{}, l1), collectorKey{}, c1)))), l1, nil},
	} {
		gotL, _ := c.ctx.Value(loadersKey{}).(*loaders)
		gotC := collecting(c.ctx)
		if gotL != c.l || gotC != c.coll {
			t.Errorf("%s: loaders %p, collector %p; want %p, %p", c.name, gotL, gotC, c.l, c.coll)
		}
		if c.l == nil && c.ctx.Value(loadersKey{}) != nil {
			t.Errorf("%s: a nil loaders in a non-nil interface", c.name)
		}
		if graphql.GetFieldContext(c.ctx) == nil {
			t.Errorf("%s: no field context", c.name)
		}
	}
}
