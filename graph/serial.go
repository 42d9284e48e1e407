package graph

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
)

// The executor gqlgen generates resolves each item of a list in a
// goroutine of its own, and each resolver field of an object in another.
// graph/internal/serialgen rewrites generated.go to call these two instead,
// which resolve in the calling goroutine: the loaders have fetched a page's
// data for all its items before the first resolves (prefetch.go), so the
// goroutines only cost (a stack that grows by copying, scheduling) and
// bought nothing. Root fields still resolve concurrently, as gqlgen does.

// marshalSlice has the signature of graphql.MarshalSliceConcurrently and
// its behaviour, panics included, but marshals the items in order in the
// calling goroutine.
func marshalSlice(ctx context.Context, length int, _ int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	if length == 0 {
		return ret
	}
	// One allocation for the items' contexts, field contexts and indexes.
	items := make([]fieldCtx, length)
	parent := graphql.GetFieldContext(ctx)
	items[0].inherit(ctx)
	for i := range length {
		it := &items[i]
		it.Context = ctx
		it.l, it.coll = items[0].l, items[0].coll
		it.index = i
		it.fc.Index = &it.index
		it.fc.Parent = parent
		if omitPanicHandler {
			ret[i] = marshalElement(it, i)
			continue
		}
		ret[i] = marshalItem(it, i, marshalElement)
	}
	return ret
}

// fieldCtx is a context that holds a field context, what
// graphql.WithFieldContext makes in two allocations (the field context,
// and the context.WithValue that holds it) in one, or in one for all the
// items of a list.
//
// It also answers, without walking the contexts below it, for the two
// values every object and loader call asks for: the request's loaders and
// the dry run's collector, found once where it is made (see inherit).
type fieldCtx struct {
	context.Context
	fc    graphql.FieldContext
	index int
	l     *loaders
	coll  *collector
}

// inherit records what parent holds of the loaders and the collector: a
// field context's own, copied (nothing lies between them to change
// them), else looked up once.
func (c *fieldCtx) inherit(parent context.Context) {
	if p, ok := parent.(*fieldCtx); ok {
		c.l, c.coll = p.l, p.coll
		return
	}
	c.l, _ = parent.Value(loadersKey{}).(*loaders)
	c.coll, _ = parent.Value(collectorKey{}).(*collector)
}

func (c *fieldCtx) Value(key any) any {
	if key == fieldContextKey {
		return &c.fc
	}
	switch key.(type) {
	case loadersKey:
		if c.l == nil {
			return nil
		}
		return c.l
	case collectorKey:
		if c.coll == nil {
			return nil
		}
		return c.coll
	}
	return c.Context.Value(key)
}

// fieldContextKey is the key under which gqlgen keeps the field context
// in a context (unexported): the key graphql.GetFieldContext asks for.
var fieldContextKey = func() any {
	var s keySpy
	graphql.GetFieldContext(&s)
	return s.key
}()

// keySpy is a context that records the key it is asked for.
type keySpy struct {
	context.Context
	key any
}

func (s *keySpy) Value(key any) any {
	s.key = key
	return nil
}

func marshalItem(ctx context.Context, i int, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (ret graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ret = graphql.Null
		}
	}()
	return marshalElement(ctx, i)
}

// resolveNow takes the place of m.ResolveConcurrently: it resolves field i
// of m at once, with the same panic guard and the same count of invalid
// results. A field under @defer is left to gqlgen's own scheduling.
func resolveNow(ctx context.Context, m *graphql.FieldSet, field graphql.CollectedField, oc *graphql.OperationContext, deferred *graphql.DeferredGroup, i int, recoverFromPanic, nonNull bool, resolve func(ctx context.Context) graphql.Marshaler) {
	if field.IsDeferred() {
		m.ResolveConcurrently(oc, deferred, i, recoverFromPanic, nonNull, resolve)
		return
	}
	resolveSerial(ctx, m, oc, i, recoverFromPanic, nonNull, resolve)
}

func resolveGuarded(ctx context.Context, oc *graphql.OperationContext, recoverFromPanic bool, resolve func(ctx context.Context) graphql.Marshaler) (res graphql.Marshaler) {
	if recoverFromPanic {
		defer func() {
			if r := recover(); r != nil {
				oc.Error(ctx, oc.Recover(ctx, r))
				res = graphql.Null
			}
		}()
	}
	return resolve(ctx)
}

// newDeferredGroup takes the place of graphql.NewDeferredGroup, which every
// object called: it makes the group only when one of the object's fields
// is deferred. The empty group it returns otherwise has no Defers, so the
// generated code neither schedules nor processes anything on it.
func newDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for i := range fields {
		if fields[i].IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{}
}

// leafContext is graphql.NewScalarFieldContext without its closure: the
// field context of a scalar field that graph/internal/serialgen gave a
// direct body.
func leafContext(object string, field graphql.CollectedField, isMethod, isResolver bool) *graphql.FieldContext {
	return &graphql.FieldContext{Object: object, Field: field, IsMethod: isMethod, IsResolver: isResolver, Child: leafChild}
}

func leafChild(context.Context, graphql.CollectedField) (*graphql.FieldContext, error) {
	return nil, errors.New("a field of a scalar type does not have child fields")
}

// recoverLeafAt is recoverLeaf for a scalar field whose body has made no
// field context: it makes the field's context only when there is a panic
// to report.
func recoverLeafAt(ctx context.Context, oc *graphql.OperationContext, ret *graphql.Marshaler, object string, field *graphql.CollectedField, isMethod, isResolver bool) {
	if r := recover(); r != nil {
		ctx = graphql.WithFieldContext(ctx, leafContext(object, *field, isMethod, isResolver))
		oc.Error(ctx, oc.Recover(ctx, r))
		*ret = graphql.Null
	}
}

// recoverLeaf is the panic guard of a direct field body, as gqlgen's: the
// panic reported, the field null.
func recoverLeaf(ctx context.Context, oc *graphql.OperationContext, ret *graphql.Marshaler) {
	if r := recover(); r != nil {
		oc.Error(ctx, oc.Recover(ctx, r))
		*ret = graphql.Null
	}
}

// objectOut is an object of the answer: its field set and the values
// written, in one allocation where gqlgen makes three (the field set, its
// values, the field set boxed in a Marshaler). An object with a deferred
// field keeps gqlgen's own field set, which @defer's views read.
type objectOut struct {
	set    *graphql.FieldSet
	fields []graphql.CollectedField
	own    graphql.FieldSet
	small  [4]graphql.Marshaler
}

// newObject takes the place of graphql.NewFieldSet in every object's
// marshaller: the object to return, and the field set to fill.
func newObject(fields []graphql.CollectedField) (*objectOut, *graphql.FieldSet) {
	o := &objectOut{fields: fields}
	for i := range fields {
		if fields[i].IsDeferred() {
			o.set = graphql.NewFieldSet(fields)
			return o, o.set
		}
	}
	o.set = &o.own
	if len(fields) <= len(o.small) {
		o.own.Values = o.small[:len(fields):len(fields)]
	} else {
		o.own.Values = make([]graphql.Marshaler, len(fields))
	}
	return o, o.set
}

// MarshalGQL writes the object: its fields in order, each response name
// once (as gqlgen's field set writes them). GraphQL names need no
// escaping.
func (o *objectOut) MarshalGQL(w io.Writer) {
	io.WriteString(w, "{")
	first := true
	values := o.set.Values
next:
	for i := range o.fields {
		alias := o.fields[i].Alias
		for j := range i {
			if o.fields[j].Alias == alias {
				continue next
			}
		}
		if first {
			io.WriteString(w, `"`)
			first = false
		} else {
			io.WriteString(w, `,"`)
		}
		io.WriteString(w, alias)
		io.WriteString(w, `":`)
		values[i].MarshalGQL(w)
	}
	io.WriteString(w, "}")
}

// resolvedNull is what gqlgen's ResolveField answers for a resolver field
// that gave an error (reported already) or nothing (nothing true): a null,
// reported as one in a non-null field.
func resolvedNull(ctx context.Context, fc *graphql.FieldContext, nonNull, nothing bool) graphql.Marshaler {
	if nothing && (nonNull || fc.NonNull) {
		graphql.AddInvalidNullError(ctx, "")
	}
	if fc.NonNull && !nonNull {
		return graphql.RequiredNull
	}
	return graphql.Null
}

// resolvedOther is gqlgen's answer for a resolver's value of another type
// than the field's: a Marshaler as it is, anything else an error.
func resolvedOther[T any](ctx context.Context, oc *graphql.OperationContext, res any) graphql.Marshaler {
	if m, ok := res.(graphql.Marshaler); ok {
		return m
	}
	var t T
	oc.Errorf(ctx, `unexpected type %T from middleware/directive chain, should be %T`, res, t)
	return graphql.Null
}

// quotedAt, intAt and boolAt write a leaf's value from the field of the
// object that holds it, when the answer is written (the objects of an
// answer do not change once resolved): a string-kinded value as a quoted
// string, an int, a bool, as gqlgen's MarshalString, MarshalInt and
// MarshalBoolean write them, without boxing the value (serialgen's
// leafAt).
type (
	quotedAt string
	intAt    int
	boolAt   bool
)

func (s *quotedAt) MarshalGQL(w io.Writer) { writeQuoted(w, string(*s)) }

func (n *intAt) MarshalGQL(w io.Writer) {
	var b [20]byte
	w.Write(strconv.AppendInt(b[:0], int64(*n), 10))
}

func (b *boolAt) MarshalGQL(w io.Writer) {
	if *b {
		io.WriteString(w, "true")
	} else {
		io.WriteString(w, "false")
	}
}

const hexDigits = "0123456789ABCDEF"

// writeQuoted is gqlgen's writeQuotedString (graphql/string.go): the
// same escapes, so the same bytes.
func writeQuoted(w io.Writer, s string) {
	start := 0
	io.WriteString(w, `"`)
	for i, c := range s {
		if c < 0x20 || c == '\\' || c == '"' {
			io.WriteString(w, s[start:i])
			switch c {
			case '\t':
				io.WriteString(w, `\t`)
			case '\r':
				io.WriteString(w, `\r`)
			case '\n':
				io.WriteString(w, `\n`)
			case '\\':
				io.WriteString(w, `\\`)
			case '"':
				io.WriteString(w, `\"`)
			default:
				io.WriteString(w, `\u00`)
				w.Write([]byte{hexDigits[c>>4], hexDigits[c&0xf]})
			}
			start = i + 1
		}
	}
	io.WriteString(w, s[start:])
	io.WriteString(w, `"`)
}

// withField makes the context of a field whose field context fill makes
// (a generated fieldContextIn_T_f): the field context inside the context
// that holds it, one allocation where graphql.WithFieldContext over a new
// field context makes two.
func withField(ctx context.Context, field graphql.CollectedField, fill func(context.Context, graphql.CollectedField, *graphql.FieldContext) (*graphql.FieldContext, error)) (*graphql.FieldContext, context.Context, error) {
	c := &fieldCtx{Context: ctx}
	c.inherit(ctx)
	fc, err := fill(ctx, field, &c.fc)
	if err != nil {
		return nil, nil, err
	}
	fc.Parent = graphql.GetFieldContext(ctx)
	return fc, c, nil
}

// resolveSerial is resolveNow for a field that is not deferred.
func resolveSerial(ctx context.Context, m *graphql.FieldSet, oc *graphql.OperationContext, i int, recoverFromPanic, nonNull bool, resolve func(ctx context.Context) graphql.Marshaler) {
	v := resolveGuarded(ctx, oc, recoverFromPanic, resolve)
	m.Values[i] = v
	invalid := graphql.Marshaler(graphql.RequiredNull)
	if nonNull {
		invalid = graphql.Null
	}
	if v == invalid {
		atomic.AddUint32(&m.Invalids, 1)
	}
}

// marshalAnswer writes a query's answer (gqlgen's Exec, rewritten by
// serialgen), into a buffer made at about the answer's size: the budget
// has counted the answer's fields and text as its objects resolved
// (collectFields), so the buffer is not grown from 64 bytes by doubling,
// copying what it holds at each step.
func marshalAnswer(ctx context.Context, data graphql.Marshaler) []byte {
	var buf bytes.Buffer
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok && l.budget != nil {
		n := l.budget.bytes.Load()
		buf.Grow(int(min(n+n/8+64, 4<<20)))
	}
	data.MarshalGQL(&buf)
	return buf.Bytes()
}
