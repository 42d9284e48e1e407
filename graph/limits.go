package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Default limits of one operation.
const (
	DefaultMaxDepth      = 12
	DefaultMaxComplexity = 50000
)

// Limits refuses, before anything runs, an operation nested deeper than
// MaxDepth or costlier than MaxComplexity. A field costs 1 plus the cost of
// its selection, times the number of items it may return: `first` or
// `last` for a connection (50 when neither is given), `limit` for a
// neighbourhood, the number of ids for `nodes`. Introspection fields are
// free, so the playground's schema query always passes.
type Limits struct {
	MaxDepth      int
	MaxComplexity int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Limits{}

// ExtensionName implements graphql.HandlerExtension.
func (Limits) ExtensionName() string { return "Limits" }

// Validate implements graphql.HandlerExtension.
func (Limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (l Limits) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	cost, depth := measure(rc.Operation.SelectionSet, rc.Variables, 0)
	if l.MaxDepth > 0 && depth > l.MaxDepth {
		err := gqlerror.Errorf("query depth %d exceeds the limit of %d", depth, l.MaxDepth)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED", "depth": depth, "limit": l.MaxDepth}
		return err
	}
	if l.MaxComplexity > 0 && cost > l.MaxComplexity {
		err := gqlerror.Errorf("query complexity %d exceeds the limit of %d: ask for smaller pages (first, last, limit)", cost, l.MaxComplexity)
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED", "complexity": cost, "limit": l.MaxComplexity}
		return err
	}
	return nil
}

// maxCost caps the running total so that absurd multipliers cannot
// overflow.
const maxCost = 1 << 40

// measure returns the cost and depth of a selection set. Fragments on
// different types add up: an upper bound.
func measure(set ast.SelectionSet, vars map[string]any, level int) (cost, depth int) {
	for _, sel := range set {
		var c, d int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			cc, cd := measure(s.SelectionSet, vars, level+1)
			c = (1 + cc) * multiplier(s, vars)
			d = 1 + cd
		case *ast.InlineFragment:
			c, d = measure(s.SelectionSet, vars, level)
		case *ast.FragmentSpread:
			if s.Definition != nil && level < 64 {
				c, d = measure(s.Definition.SelectionSet, vars, level+1)
			}
		}
		cost += c
		if cost > maxCost {
			cost = maxCost
		}
		if d > depth {
			depth = d
		}
	}
	return cost, depth
}

// multiplier is how many items a field may return.
func multiplier(f *ast.Field, vars map[string]any) int {
	if f.Definition == nil {
		return 1
	}
	args := f.ArgumentMap(vars)
	for _, name := range []string{"first", "last", "limit"} {
		if n, ok := toInt(args[name]); ok && n > 0 {
			return n
		}
	}
	if ids, ok := args["ids"].([]any); ok {
		return max(len(ids), 1)
	}
	if f.Definition.Type != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
		return defaultPage
	}
	return 1
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case string:
		var i int
		_, err := fmt.Sscan(n, &i)
		return i, err == nil
	}
	return 0, false
}
