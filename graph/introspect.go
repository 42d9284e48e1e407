package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/vektah/gqlparser/v2/ast"
)

// introspectionOperations puts introspectionNulls around the fields of an
// operation that introspects (__schema or __type at its root), and only
// of those: other operations run without a field middleware.
func introspectionOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation != nil && oc.Operation.Operation == ast.Query && introspects(oc.Doc, oc.Operation.SelectionSet, 0) {
		inner := oc.ResolverMiddleware
		oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
			return introspectionNulls(ctx, func(ctx context.Context) (any, error) {
				if inner == nil {
					return next(ctx)
				}
				return inner(ctx, next)
			})
		}
	}
	return next(ctx)
}

// introspects reports whether a root selection set asks for __schema or
// __type, in fragments too.
func introspects(doc *ast.QueryDocument, set ast.SelectionSet, depth int) bool {
	if depth > 10 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if introspects(doc, s.SelectionSet, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if doc != nil {
				if f := doc.Fragments.ForName(s.Name); f != nil && introspects(doc, f.SelectionSet, depth+1) {
					return true
				}
			}
		}
	}
	return false
}

// The GraphQL spec (§4.5, "The __Type Type") has fields, interfaces,
// possibleTypes, enumValues and inputFields answer null for the kinds of
// type they do not apply to; gqlgen answers [] (an empty list says
// something else: an object that implements no interface). introspectionNulls
// answers null there.
func introspectionNulls(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "__Type" {
		return next(ctx)
	}
	res, err := next(ctx)
	if err != nil || fc.Parent == nil {
		return res, err
	}
	t, ok := fc.Parent.Result.(*introspection.Type)
	if !ok || t == nil {
		return res, err
	}
	if !introspectionApplies(fc.Field.Name, t.Kind()) {
		return nil, nil
	}
	return res, nil
}

// introspectionApplies reports whether a field of __Type applies to a
// type of the kind, as the spec says.
func introspectionApplies(field, kind string) bool {
	switch field {
	case "fields", "interfaces":
		return kind == "OBJECT" || kind == "INTERFACE"
	case "possibleTypes":
		return kind == "INTERFACE" || kind == "UNION"
	case "enumValues":
		return kind == "ENUM"
	case "inputFields":
		return kind == "INPUT_OBJECT"
	}
	return true
}

// @defer is in gqlgen's prelude, so introspection lists it, but no
// transport this server offers delivers a deferred fragment later (that
// needs incremental delivery, multipart/mixed): the directive is taken
// out of the schema, and a query that uses it fails validation, rather
// than being told of a feature it does not get.
func init() {
	delete(parsedSchema.Directives, "defer")
}
