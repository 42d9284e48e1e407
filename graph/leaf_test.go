package graph

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// TestLeafWithoutContext: a scalar field's direct body (serialgen) makes
// no field context for a value it can write, and still reports, at the
// field's own path, what gqlgen's body reports: a null in a non-null
// field (as the executor's marshaller does in the field's context) and a
// panic (as an error, the field null).
func TestLeafWithoutContext(t *testing.T) {
	es := NewExecutableSchema(Config{Resolvers: &Resolver{Store: refusing{}}}).(*executableSchema)
	oc := &graphql.OperationContext{RecoverFunc: func(context.Context, any) error { return errors.New("internal error") }}
	start := func() (context.Context, *executionContext) {
		ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, oc.RecoverFunc)
		ctx = graphql.WithOperationContext(ctx, oc)
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "ActorEdge", Field: graphql.CollectedField{Field: &ast.Field{Alias: "node", Name: "node"}}})
		return ctx, newExecutionContext(oc, es, nil)
	}
	field := graphql.CollectedField{Field: &ast.Field{Alias: "n", Name: "name"}}
	path := ast.Path{ast.PathName("node"), ast.PathName("n")}

	// A value: written, no error.
	ctx, ec := start()
	var b bytes.Buffer
	ec._State_name(ctx, field, &model.State{Actor: &parley.Actor{Name: "Ukraine"}}).MarshalGQL(&b)
	if b.String() != `"Ukraine"` || len(graphql.GetErrors(ctx)) != 0 {
		t.Errorf("name: %s, errors %v", b.String(), graphql.GetErrors(ctx))
	}

	// An empty name is null in a non-null field: the error gqlgen's
	// marshaller reports in the field's context.
	ctx, ec = start()
	if got := ec._State_name(ctx, field, &model.State{Actor: &parley.Actor{}}); got != graphql.Null {
		t.Errorf("empty name: %#v, want null", got)
	}
	got := graphql.GetErrors(ctx)
	wctx, wec := start()
	wec.marshalNString2string(graphql.WithFieldContext(wctx, leafContext("State", field, false, false)), nil, "")
	want := graphql.GetErrors(wctx)
	if len(want) != 1 || !cmp.Equal(want[0].Path, path) {
		t.Fatalf("the marshaller's own error: %v", want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("empty name (-marshaller +direct body):\n%s", diff)
	}

	// A panic (a State without its actor): null, reported at the field.
	ctx, ec = start()
	if got := ec._State_name(ctx, field, &model.State{}); got != graphql.Null {
		t.Errorf("panic: %#v, want null", got)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Message != "internal error" || !cmp.Equal(errs[0].Path, path) {
		t.Errorf("panic: %v, want one internal error at %v", errs, path)
	}
}
