package graph

import (
	"context"
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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
// caps it cancels the operation (its SQL statements stop), the objects
// still to resolve resolve to nothing, and the answer becomes one
// RESPONSE_TOO_LARGE error.
//
// It is charged once per object, as the object collects its fields
// (collectFields, which the generated executor calls: see
// graph/internal/serialgen): the fields it selects, and the text of those
// the object holds itself (names, quotes, a source's text). Text that
// resolvers compute (snippets) is counted in the size of the answer made.
type budget struct {
	fields, bytes       atomic.Int64
	maxFields, maxBytes int64
	over                atomic.Bool
	cancel              context.CancelFunc
}

func withBudget(ctx context.Context, maxFields, maxBytes int64) (context.Context, *budget) {
	ctx, cancel := context.WithCancel(ctx)
	b := &budget{maxFields: maxFields, maxBytes: maxBytes, cancel: cancel}
	return ctx, b
}

// wrap replaces the answer with one error when the budget ran out or the
// answer made is larger than its cap, and ends the operation's context
// once the answer is made.
func (b *budget) wrap(next graphql.ResponseHandler) graphql.ResponseHandler {
	return func(ctx context.Context) *graphql.Response {
		resp := next(ctx)
		b.cancel()
		if !b.over.Load() && (resp == nil || int64(len(resp.Data)) <= b.maxBytes) {
			return resp
		}
		err := gqlerror.Errorf("the answer is larger than this server gives in one response (%d fields or %d MiB of text): ask for fewer fields or smaller pages (first, last)", b.maxFields, b.maxBytes>>20)
		err.Extensions = map[string]any{"code": CodeResponseTooLarge, "maxFields": b.maxFields, "maxBytes": b.maxBytes}
		return &graphql.Response{Errors: gqlerror.List{err}}
	}
}

// collectFields is graphql.CollectFields for an object of the answer (obj,
// nil for the root), charged to the operation's budget; once the budget is
// spent, objects select nothing.
func collectFields(ctx context.Context, oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string, obj any) []graphql.CollectedField {
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	if l == nil {
		return graphql.CollectFields(oc, sel, satisfies)
	}
	c := l.collect(oc, sel, satisfies)
	fields := c.fields
	if len(satisfies) > 0 && strings.HasPrefix(satisfies[0], "__") {
		// Introspection answers from the schema, not the graph: Limits
		// counts it exactly before it runs.
		return fields
	}
	b := l.budget
	if b == nil {
		return fields
	}
	if b.over.Load() {
		return nil
	}
	n, size := int64(0), int64(0)
	for i := range fields {
		if strings.HasPrefix(fields[i].Name, "__") {
			continue
		}
		n++
		size += int64(8 + len(fields[i].Alias)) // the answer repeats the name for every item
	}
	if obj != nil {
		size += c.textOf(obj)
	}
	if b.fields.Add(n) > b.maxFields || b.bytes.Add(size) > b.maxBytes {
		if !b.over.Swap(true) {
			b.cancel()
		}
		return nil
	}
	return fields
}

// textOf is the length of the text obj holds in the selected fields: its
// string and []string fields of the same name. Where its type keeps them
// is found once an operation, at the first object (textFields).
func (c *collected) textOf(obj any) int64 {
	rv := reflect.ValueOf(obj)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return 0
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return 0
	}
	c.textOnce.Do(func() {
		c.textType = rv.Type()
		c.text = textFields(c.textType, c.fields)
	})
	text := c.text
	if rv.Type() != c.textType {
		text = textFields(rv.Type(), c.fields) // another type selects the same fields
	}
	var size int64
	for _, tf := range text {
		fv, err := rv.FieldByIndexErr(tf.idx)
		if err != nil {
			continue
		}
		if !tf.strings {
			size += int64(fv.Len())
			continue
		}
		for i := 0; i < fv.Len(); i++ {
			size += int64(fv.Index(i).Len()) + 4
		}
	}
	return size
}

// textField is a Go field whose text the budget counts.
type textField struct {
	idx     []int
	strings bool // a []string, else a string
}

// textFields are the Go fields of struct type t that hold the text of the
// leaves among fields.
func textFields(t reflect.Type, fields []graphql.CollectedField) []textField {
	var out []textField
	for i := range fields {
		if len(fields[i].Selections) > 0 {
			continue // an object: an id here, its own text counted with it
		}
		idx := goField(t, fields[i].Name)
		if idx == nil {
			continue
		}
		ft := t.FieldByIndex(idx).Type
		switch {
		case ft.Kind() == reflect.String:
			out = append(out, textField{idx: idx})
		case ft == stringsType:
			out = append(out, textField{idx: idx, strings: true})
		}
	}
	return out
}
