package graph

import (
	"context"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Default caps on what one answer holds, counted as it is resolved. The
// complexity limit reckons what an answer may hold before it runs, from
// page sizes alone; these count what it really holds, so that a query the
// estimate admitted cannot take more than its share of the server
// whatever the graph's shape. On a 100k graph a resolved field of a deep
// question costs up to 20 µs of CPU and 2 KB of heap: 25,000 fields stay
// within half a second and 64 MB.
const (
	DefaultMaxResultFields = 25_000
	DefaultMaxResultBytes  = 8 << 20
)

// CodeResponseTooLarge is the extensions.code of an answer cut off at the
// budget.
const CodeResponseTooLarge = "RESPONSE_TOO_LARGE"

// budget counts the fields and text of one operation's answer. Past its
// caps it cancels the operation (its SQL statements stop) and the answer
// becomes one RESPONSE_TOO_LARGE error.
type budget struct {
	fields, bytes       atomic.Int64
	maxFields, maxBytes int64
	over                atomic.Bool
	cancel              context.CancelFunc
}

type budgetKey struct{}

func withBudget(ctx context.Context, maxFields, maxBytes int64) (context.Context, *budget) {
	ctx, cancel := context.WithCancel(ctx)
	b := &budget{maxFields: maxFields, maxBytes: maxBytes, cancel: cancel}
	return context.WithValue(ctx, budgetKey{}, b), b
}

// wrap replaces the answer with one error when the budget ran out, and
// ends the operation's context once the answer is made.
func (b *budget) wrap(next graphql.ResponseHandler) graphql.ResponseHandler {
	return func(ctx context.Context) *graphql.Response {
		resp := next(ctx)
		b.cancel()
		if !b.over.Load() {
			return resp
		}
		err := gqlerror.Errorf("the answer is larger than this server gives in one response (%d fields or %d MiB of text): ask for fewer fields or smaller pages (first, last)", b.maxFields, b.maxBytes>>20)
		err.Extensions = map[string]any{"code": CodeResponseTooLarge, "maxFields": b.maxFields, "maxBytes": b.maxBytes}
		return &graphql.Response{Errors: gqlerror.List{err}}
	}
}

// countFields is the field middleware that charges each resolved field to
// its operation's budget; once the budget is spent, fields resolve to
// nothing.
func countFields(ctx context.Context, next graphql.Resolver) (any, error) {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	fc := graphql.GetFieldContext(ctx)
	if b == nil || fc == nil || strings.HasPrefix(fc.Object, "__") || strings.HasPrefix(fc.Field.Name, "__") {
		// Introspection answers from the schema, not the graph: Limits
		// counts it exactly before it runs.
		return next(ctx)
	}
	if b.over.Load() {
		err := gqlerror.Errorf("the answer was cut off: it passed the server's limit")
		err.Extensions = map[string]any{"code": CodeResponseTooLarge}
		return nil, err
	}
	res, err := next(ctx)
	size := int64(8 + len(fc.Field.Alias)) // the answer repeats the name for every item
	switch v := res.(type) {
	case string:
		size += int64(len(v))
	case *string:
		if v != nil {
			size += int64(len(*v))
		}
	case []string:
		for _, s := range v {
			size += int64(len(s)) + 4
		}
	}
	if b.fields.Add(1) > b.maxFields || b.bytes.Add(size) > b.maxBytes {
		if !b.over.Swap(true) {
			b.cancel()
		}
	}
	return res, err
}
