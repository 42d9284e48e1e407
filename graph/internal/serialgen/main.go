// Command serialgen post-processes the executor gqlgen generates
// (graph/generated.go), run by `go generate` right after gqlgen:
//
//   - The items of a list are resolved one after another in the calling
//     goroutine (marshalSlice) instead of one goroutine each
//     (graphql.MarshalSliceConcurrently), and an object's resolver fields
//     at once (resolveNow) instead of a goroutine each at Dispatch. The
//     request's loaders fetch a list's data for the whole page before its
//     items resolve (see graph/prefetch.go), so nothing is left to wait
//     for, and a goroutine per item costs more than the item.
//   - An object makes its @defer bookkeeping (a field set, a map, its path)
//     only when one of its fields is deferred (newDeferredGroup).
//   - Every object collects its fields through collectFields, which
//     charges the answer's budget once per object (graph/budget.go), and
//     a field's arguments are parsed once an operation (fieldArgs).
//   - An object's answer is written by objectOut, without the map and
//     closures gqlgen's field set makes to write it.
//   - The fields that read a scalar straight from the object get a direct
//     body (plainLeaves).
//   - It appends the filling of dryFields: for every field with a resolver, a function
//     that runs the resolver alone (its arguments parsed as gqlgen does,
//     no middleware, no marshalling), which the prefetch uses to learn
//     which store calls a page's items will make.
//
// Usage: go run ./internal/serialgen generated.go
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"sort"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: serialgen generated.go")
		os.Exit(2)
	}
	path := os.Args[1]
	src, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	out, err := rewrite(src)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "serialgen:", err)
	os.Exit(1)
}

const marker = "// serialgen: post-processed"

var (
	sliceCall = "graphql.MarshalSliceConcurrently(ctx,"
	fieldCall = "out.ResolveConcurrently(ec.OperationContext, &deferred, i,"
	groupCall = "deferred := graphql.NewDeferredGroup(ctx)"
	// fieldSetCall makes every object's field set.
	fieldSetCall = "out := graphql.NewFieldSet(fields)"
	// objectReturn ends every object's marshaller.
	objectReturn = "ec.ProcessDeferredGroup(deferred)\n\t}\n\n\treturn out\n}"
	resolverFun  = regexp.MustCompile(`^_([A-Z][A-Za-z0-9]*)_([a-z][A-Za-z0-9]*)$`)
)

// fieldArgsOnce is where a field context parses its field's arguments;
// fieldArgs keeps them for the operation (but for root fields, asked once).
var fieldArgsOnce = regexp.MustCompile(`fc\.Args, err = ec\.field_([A-Z][A-Za-z0-9]*)_([a-z][A-Za-z0-9]*)_args\(ctx, field\.ArgumentMap\(ec\.Variables\)\)`)

var collectCall = regexp.MustCompile(`fields := graphql\.CollectFields\(ec\.OperationContext, sel, (\w+)\)`)

// chargeObjects makes every object collect its fields through
// collectFields, which charges them (and the object's text) to the
// answer's budget: once per object rather than in a middleware around
// every field.
func chargeObjects(src []byte) ([]byte, error) {
	locs := collectCall.FindAllSubmatchIndex(src, -1)
	if len(locs) == 0 {
		return nil, fmt.Errorf("found no object field collection: gqlgen's output changed, update serialgen")
	}
	var b bytes.Buffer
	last := 0
	for _, loc := range locs {
		header := src[bytes.LastIndex(src[:loc[0]], []byte("\nfunc ")):loc[0]]
		header = header[:bytes.IndexByte(header[1:], '\n')+1]
		obj := "nil"
		if bytes.Contains(header, []byte(" obj ")) {
			obj = "obj"
		}
		b.Write(src[last:loc[0]])
		fmt.Fprintf(&b, "fields := collectFields(ctx, ec.OperationContext, sel, %s, %s)", src[loc[2]:loc[3]], obj)
		last = loc[1]
	}
	b.Write(src[last:])
	return b.Bytes(), nil
}

var (
	plainExpr = regexp.MustCompile(`^obj(\.[A-Za-z_][A-Za-z0-9_]*)+(\(\))?$`)
	plainType = regexp.MustCompile(`^\*?(\[\])?\*?[A-Za-z_][A-Za-z0-9_.]*$`)
)

// plainLeaves gives the fields that read their value straight from the
// object (obj.Name, obj.ID(), obj.Edges, obj.Node) a direct body: their field context, the
// value marshalled, the same panic guard; not gqlgen's generic
// ResolveField, which allocates some ten times a field for closures and
// boxing the value twice. There is no field middleware (the budget is
// charged per object), so nothing else would run in between.
func plainLeaves(src []byte, into map[string]bool) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "generated.go", src, 0)
	if err != nil {
		return nil, err
	}
	text := func(n ast.Node) string {
		return string(src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset])
	}
	// The leaf fields' contexts: fieldContext_T_f functions that return a
	// NewScalarFieldContext, with its arguments.
	leaf := map[string][3]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || !strings.HasPrefix(fd.Name.Name, "fieldContext_") || len(fd.Body.List) != 1 {
			continue
		}
		ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		call, ok := ret.Results[0].(*ast.CallExpr)
		if !ok || text(call.Fun) != "graphql.NewScalarFieldContext" || len(call.Args) != 5 {
			continue
		}
		leaf[fd.Name.Name] = [3]string{text(call.Args[0]), text(call.Args[2]), text(call.Args[3])}
	}
	// The marshallers that need their context only to report a null
	// (fastMarshal): for those a leaf makes its field context only then.
	fast := map[string]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || !strings.HasPrefix(fd.Name.Name, "marshal") {
			continue
		}
		if call, ok := fastMarshal(fd, text); ok {
			fast[fd.Name.Name] = call
		}
	}
	type edit struct {
		start, end int
		body       string
	}
	var edits []edit
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || text(fd.Recv.List[0].Type) != "*executionContext" || resolverFun.FindStringSubmatch(fd.Name.Name) == nil {
			continue
		}
		if fd.Type.Params.NumFields() != 3 || len(fd.Body.List) != 1 {
			continue
		}
		ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		call, ok := ret.Results[0].(*ast.CallExpr)
		if !ok || text(call.Fun) != "graphql.ResolveField" || len(call.Args) != 9 {
			continue
		}
		if text(call.Args[5]) != "nil" || text(call.Args[7]) != "true" {
			continue // a middleware, or no panic guard
		}
		fieldCtx := "fieldContext" + fd.Name.Name
		// enter makes the field's context, as ctxVar.
		enter := func(fieldCtx, ctxVar string) string {
			if into[fieldCtx] {
				fc := "fc"
				if ctxVar == "ctx" {
					fc = "_" // an object's field: its context is all it needs
				}
				return fmt.Sprintf(`%s, fctx, err := withField(ctx, field, ec.%s)
	if err != nil {
		return graphql.Null
	}
	%s := fctx`, fc, "fieldContextIn_"+strings.TrimPrefix(fieldCtx, "fieldContext_"), ctxVar)
			}
			return fmt.Sprintf(`fc, err := ec.%s(ctx, field)
	if err != nil {
		return graphql.Null
	}
	%s := graphql.WithFieldContext(ctx, fc)`, fieldCtx, ctxVar)
		}
		init, ok := call.Args[3].(*ast.FuncLit)
		if !ok || !strings.Contains(text(init.Body), "ec."+fieldCtx+"(ctx, field)") {
			continue
		}
		resolve, ok := call.Args[4].(*ast.FuncLit)
		if !ok || len(resolve.Body.List) == 0 {
			continue
		}
		marshal, ok := call.Args[6].(*ast.FuncLit)
		if !ok || marshal.Type.Params.NumFields() != 3 {
			continue
		}
		vt := text(marshal.Type.Params.List[len(marshal.Type.Params.List)-1].Type)
		if !plainType.MatchString(vt) || vt == "any" {
			continue // a value that may be a nil interface: gqlgen's checks
		}
		rr, ok := resolve.Body.List[len(resolve.Body.List)-1].(*ast.ReturnStmt)
		plain := ok && len(resolve.Body.List) == 1 && len(rr.Results) == 2 && text(rr.Results[1]) == "nil" && plainExpr.MatchString(text(rr.Results[0]))
		var body string
		args := ""
		if a, ok := leaf[fieldCtx]; ok {
			args = fmt.Sprintf("%s, field, %s, %s", a[0], a[1], a[2])
		}
		var fastCall string
		if m := marshalCall.FindStringSubmatch(text(marshal.Body)); m != nil {
			fastCall = fast[m[1]]
		}
		objPtr := strings.HasPrefix(text(fd.Type.Params.List[len(fd.Type.Params.List)-1].Type), "*")
		switch {
		case !plain && strings.Contains(text(resolve), "ec.Resolvers."):
			// A resolver: run once, at once; its error, a nil and a
			// value of another type reported as gqlgen's ResolveField
			// reports them (graphql/resolve_field.go).
			nonNull := text(call.Args[8])
			body = fmt.Sprintf(`{
	%s
	defer recoverLeaf(rctx, ec.OperationContext, &ret)
	res, err := (%s)(rctx)
	if err != nil {
		ec.OperationContext.Error(rctx, graphql.AddFieldLocationToError(rctx, err))
		return resolvedNull(rctx, fc, %s, false)
	}
	if res == nil {
		return resolvedNull(rctx, fc, %s, true)
	}
	if v, ok := res.(%s); ok {
		return (%s)(rctx, field.Selections, v)
	}
	return resolvedOther[%s](rctx, ec.OperationContext, res)
}`, enter(fieldCtx, "rctx"), text(resolve), nonNull, nonNull, vt, text(marshal), vt)
		case !plain:
			continue
		case args != "" && fastCall != "" && objPtr && fieldExpr.MatchString(text(rr.Results[0])) && leafAt(fastCall, vt) != "":
			// A leaf read from a field of the object it points to, by a
			// marshaller whose output the value alone decides: written
			// from the field's address when the answer is written (no
			// value boxed); a null still goes through its marshaller.
			a := leaf[fieldCtx]
			at := leafAt(fastCall, vt)
			expr := text(rr.Results[0])
			if nullOnEmpty[strings.TrimSuffix(fastCall, "(v)")] {
				body = fmt.Sprintf(`{
	defer recoverLeafAt(ctx, ec.OperationContext, &ret, %s, &field, %s, %s)
	if %s != "" {
		return (*%s)(&%s)
	}
	var v %s = %s
	if res := %s; res != graphql.Null {
		return res
	}
	ctx = graphql.WithFieldContext(ctx, leafContext(%s))
	return (%s)(ctx, field.Selections, v)
}`, a[0], a[1], a[2], expr, at, expr, vt, expr, fastCall, args, text(marshal))
			} else {
				body = fmt.Sprintf(`{
	defer recoverLeafAt(ctx, ec.OperationContext, &ret, %s, &field, %s, %s)
	return (*%s)(&%s)
}`, a[0], a[1], a[2], at, expr)
			}
		case args != "" && fastCall != "":
			// Most leaves: the value marshalled with no field context;
			// it is made only to report a null in a non-null field, or a
			// panic.
			a := leaf[fieldCtx]
			body = fmt.Sprintf(`{
	defer recoverLeafAt(ctx, ec.OperationContext, &ret, %s, &field, %s, %s)
	var v %s = %s
	if res := %s; res != graphql.Null {
		return res
	}
	ctx = graphql.WithFieldContext(ctx, leafContext(%s))
	return (%s)(ctx, field.Selections, v)
}`, a[0], a[1], a[2], vt, text(rr.Results[0]), fastCall, args, text(marshal))
		case args != "":
			body = fmt.Sprintf(`{
	ctx = graphql.WithFieldContext(ctx, leafContext(%s))
	defer recoverLeaf(ctx, ec.OperationContext, &ret)
	return (%s)(ctx, field.Selections, %s)
}`, args, text(marshal), text(rr.Results[0]))
		default:
			// An object or a list of them, read from the struct (a
			// connection's edges, an edge's node): directly when it is
			// there; gqlgen's checks for a nil.
			body = fmt.Sprintf(`{
	if v := %s; v != nil {
		%s
		defer recoverLeaf(ctx, ec.OperationContext, &ret)
		return (%s)(ctx, field.Selections, v)
	}
	%s
}`, text(rr.Results[0]), enter(fieldCtx, "ctx"), text(marshal), text(ret))
		}
		edits = append(edits, edit{fset.Position(fd.Body.Pos()).Offset, fset.Position(fd.Body.End()).Offset, body})
	}
	if len(edits) == 0 {
		return nil, fmt.Errorf("found no plain leaf field: gqlgen's output changed, update serialgen")
	}
	var b bytes.Buffer
	last := 0
	for _, e := range edits {
		b.Write(src[last:e.start])
		b.WriteString(e.body)
		last = e.end
	}
	b.Write(src[last:])
	return b.Bytes(), nil
}

// resolveNowCall is an object's call of resolveNow for a resolver field.
var resolveNowCall = regexp.MustCompile(`resolveNow\(ctx, out, field, ec\.OperationContext, &deferred, i,\s*(true|false), (true|false),\s*func\(ctx context\.Context\) graphql\.Marshaler \{\s*return (ec\._\w+\([^()]*\))\s*\}\)`)

// fieldContextsInto gives every field context made as a new
// graphql.FieldContext a form that fills one given (fieldContextIn_T_f),
// which the direct bodies give inside a fieldCtx (withField): the field
// context and the context that holds it in one allocation. It returns the
// names of the fieldContext_T_f functions that have the form.
func fieldContextsInto(src []byte) ([]byte, map[string]bool, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "generated.go", src, 0)
	if err != nil {
		return nil, nil, err
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	into := map[string]bool{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || !strings.HasPrefix(fd.Name.Name, "fieldContext_") || len(fd.Body.List) < 2 {
			continue
		}
		first := string(src[off(fd.Body.List[0].Pos()):off(fd.Body.List[0].End())])
		if !strings.HasPrefix(first, "fc = &graphql.FieldContext{") {
			continue
		}
		results := string(src[off(fd.Type.Results.Pos()):off(fd.Type.Results.End())])
		if results != "(fc *graphql.FieldContext, err error)" {
			continue
		}
		params := string(src[off(fd.Type.Params.Opening+1):off(fd.Type.Params.Closing)])
		name := fd.Name.Name
		in := "fieldContextIn_" + strings.TrimPrefix(name, "fieldContext_")
		// The old name keeps its callers (gqlgen's ResolveField, the
		// dry runs) and makes the field context alone.
		wrapper := fmt.Sprintf("func (ec *executionContext) %s(ctx context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {\n\treturn ec.%s(ctx, field, new(graphql.FieldContext))\n}\n\n", name, in)
		head := fmt.Sprintf("func (ec *executionContext) %s(%s, into *graphql.FieldContext) %s ", in, params, results)
		edits = append(edits,
			edit{off(fd.Pos()), off(fd.Body.Lbrace), wrapper + head},
			edit{off(fd.Body.List[0].Pos()), off(fd.Body.List[0].Pos()) + len("fc = &"), "fc = into\n\t*fc = "})
		into[name] = true
	}
	if len(edits) == 0 {
		return nil, nil, fmt.Errorf("found no field context made new: gqlgen's output changed, update serialgen")
	}
	var b bytes.Buffer
	last := 0
	for _, e := range edits {
		b.Write(src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.Write(src[last:])
	return b.Bytes(), into, nil
}

// fieldExpr is a field of the object (no method call): its address is
// the value's.
var fieldExpr = regexp.MustCompile(`^obj(\.[A-Za-z_][A-Za-z0-9_]*)+$`)

// stringAt are the marshallers that write a string-kinded value as a
// quoted string whatever it is (never null), nullOnEmpty those that write
// the empty string as null and any other as a quoted string; intAt and
// boolAt write an int and a bool. graph/leafat_test.go checks each writes
// what its marshaller writes.
var (
	stringAt = map[string]bool{
		"graphql.MarshalString": true, "graphql.MarshalID": true,
		"model.MarshalActorKind": true, "model.MarshalAgreement": true,
		"model.MarshalChangeOp": true, "model.MarshalStance": true,
	}
	nullOnEmpty = map[string]bool{"model.MarshalString": true, "model.MarshalPartialDate": true}
)

// leafAt is the type (in package graph) that writes a value of type vt
// from its address as the marshaller call writes it, or "".
func leafAt(call, vt string) string {
	fn := strings.TrimSuffix(call, "(v)")
	switch {
	case stringAt[fn] || nullOnEmpty[fn]:
		if vt == "string" || (strings.HasPrefix(vt, "parley.") && !strings.ContainsAny(vt, "*[]")) {
			return "quotedAt" // parley's enums and dates are strings
		}
	case fn == "graphql.MarshalInt" && vt == "int":
		return "intAt"
	case fn == "graphql.MarshalBoolean" && vt == "bool":
		return "boolAt"
	}
	return ""
}

// marshalCall is the body of a leaf's marshal function literal: a call of
// the executor's marshaller.
var marshalCall = regexp.MustCompile(`^\{\s*return ec\.(marshal[^(\s]+)\(ctx, selections, v\)\s*\}$`)

// scalarCall is a marshaller's own call of a scalar's Marshal function.
var scalarCall = regexp.MustCompile(`^[a-z]+\.Marshal[A-Za-z0-9]*\(v\)$`)

// fastMarshal reports whether the executor's marshaller fd needs its
// context only when its value marshals to null (to report a null in a
// non-null field), and if so the call that marshals the value v:
//
//	_ = sel
//	_ = ctx               (optional)
//	res := pkg.MarshalX(v)
//	if res == graphql.Null { ... }   (optional)
//	return res
func fastMarshal(fd *ast.FuncDecl, text func(ast.Node) string) (string, bool) {
	params := fd.Type.Params.List
	if len(params) != 3 || len(params[2].Names) != 1 || params[2].Names[0].Name != "v" {
		return "", false
	}
	call := ""
	for i, st := range fd.Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			switch t := text(st); {
			case t == "_ = sel" || t == "_ = ctx":
			case call == "" && len(st.Lhs) == 1 && text(st.Lhs[0]) == "res" && st.Tok == token.DEFINE && len(st.Rhs) == 1 && scalarCall.MatchString(text(st.Rhs[0])):
				call = text(st.Rhs[0])
			default:
				return "", false
			}
		case *ast.IfStmt:
			if call == "" || st.Init != nil || st.Else != nil || text(st.Cond) != "res == graphql.Null" {
				return "", false
			}
		case *ast.ReturnStmt:
			if call == "" || i != len(fd.Body.List)-1 || len(st.Results) != 1 || text(st.Results[0]) != "res" {
				return "", false
			}
			return call, true
		default:
			return "", false
		}
	}
	return "", false
}

// answerBuf is where gqlgen's Exec writes a query's answer.
const answerBuf = "\t\t\tvar buf bytes.Buffer\n\t\t\tdata.MarshalGQL(&buf)\n\t\t\tresponse.Data = buf.Bytes()"

func rewrite(src []byte) ([]byte, error) {
	if bytes.Contains(src, []byte(marker)) {
		return nil, fmt.Errorf("already post-processed: run gqlgen first")
	}
	n1, n2 := bytes.Count(src, []byte(sliceCall)), bytes.Count(src, []byte(fieldCall))
	if n1 == 0 || n2 == 0 {
		return nil, fmt.Errorf("found %d list and %d field call sites: gqlgen's output changed, update serialgen", n1, n2)
	}
	if n := bytes.Count(src, []byte(groupCall)); n == 0 {
		return nil, fmt.Errorf("found no deferred group: gqlgen's output changed, update serialgen")
	}
	// A query's answer is written into a buffer made at about its size
	// (marshalAnswer), not grown from 64 bytes by doubling.
	if n := bytes.Count(src, []byte(answerBuf)); n != 1 {
		return nil, fmt.Errorf("found %d query answers' buffers: gqlgen's output changed, update serialgen", n)
	}
	src = bytes.ReplaceAll(src, []byte(answerBuf), []byte("\t\t\tresponse.Data = marshalAnswer(ctx, data)"))
	src = bytes.ReplaceAll(src, []byte(groupCall), []byte("deferred := newDeferredGroup(ctx, fields)"))
	src = bytes.ReplaceAll(src, []byte(sliceCall), []byte("marshalSlice(ctx,"))
	if n := bytes.Count(src, []byte(objectReturn)); n == 0 {
		return nil, fmt.Errorf("found no object's return: gqlgen's output changed, update serialgen")
	}
	if n, m := bytes.Count(src, []byte(objectReturn)), bytes.Count(src, []byte(fieldSetCall)); n != m {
		return nil, fmt.Errorf("%d objects' returns, %d field sets: gqlgen's output changed, update serialgen", n, m)
	}
	src = bytes.ReplaceAll(src, []byte(fieldSetCall), []byte("answer, out := newObject(fields)"))
	src = bytes.ReplaceAll(src, []byte(objectReturn), []byte("ec.ProcessDeferredGroup(deferred)\n\t}\n\n\treturn answer\n}"))
	src, err := chargeObjects(src)
	if err != nil {
		return nil, err
	}
	src = fieldArgsOnce.ReplaceAllFunc(src, func(m []byte) []byte {
		sub := fieldArgsOnce.FindSubmatch(m)
		if t := string(sub[1]); t == "Query" || t == "Mutation" || t == "Subscription" {
			return m
		}
		return []byte(fmt.Sprintf("fc.Args, err = fieldArgs(ctx, field, ec.Variables, ec.field_%s_%s_args)", sub[1], sub[2]))
	})
	src = bytes.ReplaceAll(src, []byte(fieldCall), []byte("resolveNow(ctx, out, field, ec.OperationContext, &deferred, i,"))
	if bytes.Contains(src, []byte("graphql.MarshalSliceConcurrently")) || bytes.Contains(src, []byte("out.ResolveConcurrently(")) {
		return nil, fmt.Errorf("a concurrent call site of another shape is left: update serialgen")
	}
	// A resolver field not deferred resolves through resolveSerial, whose
	// function literal does not escape (resolveNow's may be kept for
	// @defer, so Go makes it on the heap for every field resolved).
	n := 0
	src = resolveNowCall.ReplaceAllFunc(src, func(m []byte) []byte {
		n++
		sub := resolveNowCall.FindSubmatch(m)
		return []byte(fmt.Sprintf(`if field.IsDeferred() {
				%s
			} else {
				resolveSerial(ctx, out, ec.OperationContext, i, %s, %s, func(ctx context.Context) graphql.Marshaler {
					return %s
				})
			}`, m, sub[1], sub[2], sub[3]))
	})
	if n == 0 || bytes.Count(src, []byte("resolveNow(ctx")) != n {
		return nil, fmt.Errorf("%d of %d resolver fields in the serial form: gqlgen's output changed, update serialgen", n, bytes.Count(src, []byte("resolveNow(ctx")))
	}
	src, into, err := fieldContextsInto(src)
	if err != nil {
		return nil, err
	}

	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "generated.go", src, 0)
	if err != nil {
		return nil, err
	}
	text := func(n ast.Node) string {
		return string(src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset])
	}
	type entry struct{ typ, field, code string }
	var entries []entry
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 || text(fd.Recv.List[0].Type) != "*executionContext" {
			continue
		}
		m := resolverFun.FindStringSubmatch(fd.Name.Name)
		if m == nil || fd.Type.Params.NumFields() != 3 || len(fd.Body.List) != 1 {
			continue
		}
		ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		call, ok := ret.Results[0].(*ast.CallExpr)
		if !ok || text(call.Fun) != "graphql.ResolveField" || len(call.Args) < 5 {
			continue
		}
		resolve, ok := call.Args[4].(*ast.FuncLit)
		if !ok || !strings.Contains(text(resolve), "ec.Resolvers.") {
			continue // a plain field of the struct: nothing to fetch
		}
		objType := text(fd.Type.Params.List[len(fd.Type.Params.List)-1].Type)
		code := fmt.Sprintf(`func(ec *executionContext, ctx context.Context, field graphql.CollectedField, v any) {
	obj, ok := v.(%s)
	if !ok {
		return
	}
	_ = obj
	fc, err := ec.fieldContext_%s_%s(ctx, field)
	if err != nil {
		return
	}
	ctx = graphql.WithFieldContext(ctx, fc)
	_, _ = (%s)(ctx)
}`, objType, m[1], m[2], text(resolve))
		entries = append(entries, entry{m[1], m[2], code})
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("no resolver fields found: gqlgen's output changed, update serialgen")
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].typ != entries[j].typ {
			return entries[i].typ < entries[j].typ
		}
		return entries[i].field < entries[j].field
	})
	// The direct bodies, once the dry runs have their resolvers.
	if src, err = plainLeaves(src, into); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(src)
	fmt.Fprintf(&b, "\n%s by graph/internal/serialgen: lists and resolver fields resolve in the calling goroutine (marshalSlice, resolveNow).\n\n", marker)
	b.WriteString("// dryFields runs the resolver of a field alone, for the prefetch's dry run\n// (graph/prefetch.go), keyed by object type and field name.\n")
	b.WriteString("func init() {\n\tdryFields = map[dryKey]dryField{\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "\t{%q, %q}: %s,\n", e.typ, e.field, e.code)
	}
	b.WriteString("}\n}\n")
	return format.Source(b.Bytes())
}
