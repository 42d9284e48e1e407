package graph

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// countingNodes is a store whose node look-ups are counted and fail
// (err), or find nothing.
type countingNodes struct {
	parley.Store
	err   error
	calls atomic.Int32
}

func (s *countingNodes) Nodes(context.Context, []string) (map[string]any, error) {
	s.calls.Add(1)
	if s.err != nil {
		return nil, s.err
	}
	return map[string]any{}, nil
}

var errNoHolder = errors.New("no holder")

// TestResolverFieldRunsOnce: a resolver field's direct body (serialgen)
// runs the resolver once, and reports its error as gqlgen's ResolveField
// does, at the field (the body used to fall back to ResolveField on an
// error or a nil, which ran the resolver a second time).
func TestResolverFieldRunsOnce(t *testing.T) {
	run := func(store parley.Store, f func(*executionContext, context.Context) graphql.Marshaler) (graphql.Marshaler, gqlerror.List) {
		es := NewExecutableSchema(Config{Resolvers: &Resolver{Store: store}}).(*executableSchema)
		oc := &graphql.OperationContext{
			RecoverFunc:        func(context.Context, any) error { return errors.New("internal error") },
			ResolverMiddleware: func(ctx context.Context, next graphql.Resolver) (any, error) { return next(ctx) },
		}
		ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, oc.RecoverFunc)
		ctx = graphql.WithOperationContext(ctx, oc)
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "PositionEdge", Field: graphql.CollectedField{Field: &ast.Field{Alias: "node", Name: "node"}}})
		m := f(newExecutionContext(oc, es, nil), ctx)
		return m, graphql.GetErrors(ctx)
	}
	field := graphql.CollectedField{Field: &ast.Field{Alias: "h", Name: "holder", Position: &ast.Position{Line: 3, Column: 7}}}
	pos := &parley.Position{ID: "pos-1", Holder: "actor-1", Proposition: "prop-1"}
	for _, storeErr := range []error{parley.Errorf(parley.EInternal, "the store is down"), nil, errNoHolder} {
		pos := pos
		calls := int32(1)
		if storeErr == errNoHolder {
			// No holder: the resolver answers nil, a null in a
			// non-null field; no store call.
			pos = &parley.Position{ID: "pos-1", Proposition: "prop-1"}
			calls = 0
		}
		direct := &countingNodes{err: storeErr}
		got, gotErrs := run(direct, func(ec *executionContext, ctx context.Context) graphql.Marshaler {
			return ec._Position_holder(ctx, field, pos)
		})
		// gqlgen's own ResolveField over the same resolver.
		own := &countingNodes{err: storeErr}
		want, wantErrs := run(own, func(ec *executionContext, ctx context.Context) graphql.Marshaler {
			return graphql.ResolveField(ctx, ec.OperationContext, field,
				func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
					return ec.fieldContext_Position_holder(ctx, field)
				},
				func(ctx context.Context) (any, error) { return ec.Resolvers.Position().Holder(ctx, pos) },
				nil,
				func(ctx context.Context, sel ast.SelectionSet, v model.Actor) graphql.Marshaler {
					return ec.marshalNActor2githubᚗcomᚋparleyᚑgraphᚋparleyᚋgraphᚋmodelᚐActor(ctx, sel, v)
				}, true, true)
		})
		if got != graphql.Null || want != graphql.Null {
			t.Errorf("store error %v: answered %#v, gqlgen %#v, want null", storeErr, got, want)
		}
		wantPath := ast.Path{ast.PathName("node"), ast.PathName("h")}
		if len(wantErrs) != 1 || !cmp.Equal(wantErrs[0].Path, wantPath) {
			t.Fatalf("store error %v: gqlgen reported %v, want one error at %v", storeErr, wantErrs, wantPath)
		}
		if diff := cmp.Diff(wantErrs, gotErrs); diff != "" {
			t.Errorf("store error %v: errors (-gqlgen +direct body):\n%s", storeErr, diff)
		}
		if direct.calls.Load() != calls || own.calls.Load() != calls {
			t.Errorf("store error %v: the store was asked %d times (gqlgen's body: %d), want %d", storeErr, direct.calls.Load(), own.calls.Load(), calls)
		}
	}
}

// TestLeafAtWritesAsItsMarshaller: the leaves serialgen writes from their
// field's address (quotedAt, intAt, boolAt) write what the marshaller
// they stand for writes (serialgen's leafAt).
func TestLeafAtWritesAsItsMarshaller(t *testing.T) {
	write := func(m graphql.Marshaler) string {
		var b bytes.Buffer
		m.MarshalGQL(&b)
		return b.String()
	}
	for _, s := range []string{"", "Ukraine", `a "quoted" \ back`, "tab\tnew\nline\rcr", "\x00\x01\x1f\x7f", "Zürich – 日本 😀", "</script>&", string([]byte{0xff, 'a'})} {
		v := s
		got := write((*quotedAt)(&v))
		for name, m := range map[string]graphql.Marshaler{
			"MarshalString":    graphql.MarshalString(s),
			"MarshalID":        graphql.MarshalID(s),
			"MarshalActorKind": model.MarshalActorKind(parley.ActorKind(s)),
			"MarshalAgreement": model.MarshalAgreement(parley.Agreement(s)),
			"MarshalChangeOp":  model.MarshalChangeOp(parley.Op(s)),
			"MarshalStance":    model.MarshalStance(parley.Stance(s)),
		} {
			if want := write(m); got != want {
				t.Errorf("%q: quotedAt wrote %s, %s %s", s, got, name, want)
			}
		}
		for name, m := range map[string]graphql.Marshaler{
			"model.MarshalString":      model.MarshalString(s),
			"model.MarshalPartialDate": model.MarshalPartialDate(parley.Date(s)),
		} {
			if s == "" {
				if m != graphql.Null {
					t.Errorf("%s(%q) is not null: serialgen's nullOnEmpty is wrong", name, s)
				}
			} else if want := write(m); got != want {
				t.Errorf("%q: quotedAt wrote %s, %s %s", s, got, name, want)
			}
		}
	}
	for _, n := range []int{0, 1, -1, 255, 256, 1 << 40, -(1 << 62)} {
		v := n
		if got, want := write((*intAt)(&v)), write(graphql.MarshalInt(n)); got != want {
			t.Errorf("%d: intAt wrote %s, MarshalInt %s", n, got, want)
		}
	}
	for _, b := range []bool{false, true} {
		v := b
		if got, want := write((*boolAt)(&v)), write(graphql.MarshalBoolean(b)); got != want {
			t.Errorf("%v: boolAt wrote %s, MarshalBoolean %s", b, got, want)
		}
	}
}

// TestFieldCtx: the item contexts marshalSlice makes answer gqlgen's
// field context look-up with the item's field context (its index, its
// parent: the item's path) and every other key as their parent does.
func TestFieldCtx(t *testing.T) {
	type other struct{}
	parent := &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "edges", Name: "edges"}}}
	ctx := context.WithValue(graphql.WithFieldContext(context.Background(), parent), other{}, "kept")
	var paths []string
	marshalSlice(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Parent != parent || fc.Index == nil || *fc.Index != i {
			t.Errorf("item %d: field context %+v", i, fc)
		}
		if ctx.Value(other{}) != "kept" {
			t.Errorf("item %d: the parent's value is lost", i)
		}
		paths = append(paths, graphql.GetPath(ctx).String())
		return graphql.Null
	})
	if want := []string{"edges[0]", "edges[1]", "edges[2]"}; !cmp.Equal(paths, want) {
		t.Errorf("paths %v, want %v", paths, want)
	}
	if fieldContextKey == nil {
		t.Fatal("gqlgen's field context key not found")
	}
}

// TestActorWrapper: a page's actors wrapped together are what
// model.WrapActor makes of each, every kind and an unknown one, and each
// wrapper stays its own when more actors than announced come.
func TestActorWrapper(t *testing.T) {
	var actors []*parley.Actor
	for i, k := range []parley.ActorKind{parley.Person, parley.State, parley.Organization, parley.Group, "", parley.State, parley.Person} {
		actors = append(actors, &parley.Actor{ID: "a" + string(rune('0'+i)), Kind: k})
	}
	w := actorWrapper{n: 3}
	var got []model.Actor
	for _, a := range actors {
		got = append(got, w.wrap(a))
	}
	for i, a := range actors {
		if want := model.WrapActor(a); !cmp.Equal(got[i], want) {
			t.Errorf("%s (%q): wrapped %#v, WrapActor %#v", a.ID, a.Kind, got[i], want)
		}
	}
}
