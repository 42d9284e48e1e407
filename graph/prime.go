package graph

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/parley-graph/parley/internal/parley"
)

// Priming: when a batch has fetched nodes (a list's pages, or the nodes a
// field names), the query says which of their fields will be asked next.
// Those that name other nodes by id (a position's holder and proposition,
// a statement's speaker, an evidence span's source, …) are fetched at
// once, level by level, one store call a level, and put in the request's
// node loader; their resolvers then find them without waiting for a
// batch. No field is listed here: a field is a reference when the schema
// gives it an object, interface or union type and the domain struct holds
// the ids in the field of the same name (Holder string, Drafters
// []string); a field whose struct value is an object (evidence,
// attribution) is looked into the same way.

// schemaInfo is what priming needs of the schema, computed once.
type schemaInfo struct {
	schema *ast.Schema
	// dry is the executable schema of the prefetch's dry runs: the
	// generated executor over resolvers whose store refuses every call.
	dry *executableSchema
	// satisfies lists, for each object type, the names a fragment's type
	// condition may use to select it: itself, its interfaces and unions.
	satisfies map[string][]string
}

func newSchemaInfo(s *ast.Schema) *schemaInfo {
	info := &schemaInfo{schema: s, satisfies: map[string][]string{}}
	for name, def := range s.Types {
		if def.Kind != ast.Object {
			continue
		}
		names := []string{name}
		for _, iface := range s.GetImplements(def) {
			names = append(names, iface.Name)
		}
		info.satisfies[name] = names
	}
	return info
}

// composite reports whether a field's type is an object, interface or
// union (a reference when the struct holds an id), and whether it is an
// object.
func (s *schemaInfo) composite(f graphql.CollectedField) (composite, object bool) {
	if f.Definition == nil || f.Definition.Type == nil {
		return false, false
	}
	def := s.schema.Types[f.Definition.Type.Name()]
	if def == nil {
		return false, false
	}
	switch def.Kind {
	case ast.Object:
		return true, true
	case ast.Interface, ast.Union:
		return true, false
	}
	return false, false
}

// typeName is the GraphQL type a domain node resolves to.
func typeName(n any) string {
	if a, ok := n.(*parley.Actor); ok {
		switch a.Kind {
		case parley.Person:
			return "Person"
		case parley.State:
			return "State"
		case parley.Organization:
			return "Organization"
		}
		return "Group"
	}
	t, _ := parley.Describe(n)
	return string(t)
}

// target is a value and the selection asked of it.
type target struct {
	v        any
	typeName string
	sel      ast.SelectionSet
}

// fieldIndex caches where a struct keeps the Go field for a GraphQL field
// name (nil when it has none).
var fieldIndex sync.Map // fieldKey -> []int

type fieldKey struct {
	t    reflect.Type
	name string
}

func goField(t reflect.Type, name string) []int {
	k := fieldKey{t, name}
	if idx, ok := fieldIndex.Load(k); ok {
		return idx.([]int)
	}
	var idx []int
	if name != "" {
		if f, ok := t.FieldByName(strings.ToUpper(name[:1]) + name[1:]); ok {
			idx = f.Index
		}
	}
	fieldIndex.Store(k, idx)
	return idx
}

var stringsType = reflect.TypeOf([]string(nil))

// prime fetches what the selected fields of the targets will ask for,
// level by level, and records it in the request's loaders: the nodes the
// fields name by id, one store call a level; the lists and other resolver
// fields, by a dry run of their resolvers (prefetch.go), one store call
// per field of the query; then the same for what those nodes' and pages'
// own selected fields ask, and so on.
func (l *loaders) prime(ctx context.Context, ts []target) {
	if l.schema == nil || !graphql.HasOperationContext(ctx) {
		return
	}
	op := graphql.GetOperationContext(ctx)
	ctx = withoutCollector(ctx)
	for depth := 0; len(ts) > 0 && depth < 8; depth++ {
		var ids []string
		var wants []wanted
		var dry []dryTarget
		seen := map[string]bool{}
		want := func(id string, sel ast.SelectionSet) {
			if id == "" {
				return
			}
			wants = append(wants, wanted{id, sel})
			if !seen[id] && !l.known(id) {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		var walk func(t target)
		walk = func(t target) {
			rv := reflect.ValueOf(t.v)
			if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
				return
			}
			sv := rv.Elem()
			fields := l.collectFields(op, t.sel, l.schema.satisfies[t.typeName])
			for _, r := range l.primePlan(sv.Type(), t.typeName, fields) {
				f := fields[r.field]
				if r.kind == primeDry {
					dry = append(dry, dryTarget{t.typeName, t.v, f})
					continue
				}
				fv := sv.FieldByIndex(r.idx)
				switch r.kind {
				case primeID:
					want(fv.String(), f.Selections)
				case primeIDs:
					for i := 0; i < fv.Len(); i++ {
						want(fv.Index(i).String(), f.Selections)
					}
				case primeObject:
					if !fv.IsNil() {
						walk(target{v: fv.Interface(), typeName: f.Definition.Type.Name(), sel: f.Selections})
					}
				case primeObjects:
					for i := 0; i < fv.Len(); i++ {
						walk(target{v: fv.Index(i).Interface(), typeName: f.Definition.Type.Name(), sel: f.Selections})
					}
				}
			}
		}
		for _, t := range ts {
			walk(t)
		}
		if len(ids) > 0 {
			nodes, err := l.src.fetch(ctx, ids)
			if err != nil {
				return // the resolvers will ask again and report it
			}
			for id, n := range nodes {
				l.nodes.prime(id, n)
			}
		}
		// The resolver fields of this level, dry; then what they asked
		// for, fetched (each page priming its own items' levels).
		if len(dry) > 0 {
			if d := l.newDryRun(ctx); d != nil {
				for _, t := range dry {
					d.run(t.typeName, t.v, t.field)
				}
				d.c.flush()
			}
		}
		// The next level: the nodes just named, with what is asked of
		// them (known ones too, whose own references may be new).
		next := ts[:0:0]
		for _, w := range wants {
			if n, ok := l.primed(w.id); ok && len(w.sel) > 0 {
				next = append(next, target{v: n, typeName: typeName(n), sel: w.sel})
			}
		}
		ts = next
	}
}

// primeKind is what prime does with a selected field of a struct.
type primeKind uint8

const (
	primeID      primeKind = iota // the struct names a node by id
	primeIDs                      // … several, by their ids
	primeObject                   // holds an object: looked into
	primeObjects                  // holds a list of them
	primeDry                      // a resolver computes it: run dry
)

// primeRef is a selected field prime reads, by its index in the fields.
type primeRef struct {
	field int
	kind  primeKind
	idx   []int // the Go field
}

type primePlanKey struct {
	t        reflect.Type
	typeName string
	fields   *graphql.CollectedField
	n        int
}

// primePlan is what prime reads of a struct of type t resolved as
// typeName, for the fields collected for it: the fields that name nodes
// by id or hold objects, and those a resolver computes. Kept for the
// operation (the fields are, by collectFields).
func (l *loaders) primePlan(t reflect.Type, typeName string, fields []graphql.CollectedField) []primeRef {
	k := primePlanKey{t, typeName, unsafe.SliceData(fields), len(fields)}
	op := l.op
	op.mu.RLock()
	plan, ok := op.plans[k]
	op.mu.RUnlock()
	if ok {
		return plan
	}
	for i, f := range fields {
		composite, object := l.schema.composite(f)
		var idx []int
		if composite {
			idx = goField(t, f.Name)
		}
		if idx == nil {
			// A field the struct does not hold: its resolver
			// computes it (a list, a connection, a count).
			if _, ok := dryFields[dryKey{typeName, f.Name}]; ok {
				plan = append(plan, primeRef{field: i, kind: primeDry})
			}
			continue
		}
		ft := t.FieldByIndex(idx).Type
		switch {
		case ft.Kind() == reflect.String:
			plan = append(plan, primeRef{i, primeID, idx})
		case ft == stringsType:
			plan = append(plan, primeRef{i, primeIDs, idx})
		case object && ft.Kind() == reflect.Pointer:
			plan = append(plan, primeRef{i, primeObject, idx})
		case object && ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Pointer:
			plan = append(plan, primeRef{i, primeObjects, idx})
		}
	}
	op.mu.Lock()
	if op.plans == nil || len(op.plans) >= maxOpEntries {
		op.plans = map[primePlanKey][]primeRef{}
	}
	op.plans[k] = plan
	op.mu.Unlock()
	return plan
}

// wanted is a node a field names by id, and what the field asks of it.
type wanted struct {
	id  string
	sel ast.SelectionSet
}

// dryTarget is a resolver field of a value, to run dry.
type dryTarget struct {
	typeName string
	v        any
	field    graphql.CollectedField
}

// known reports whether the node loader has (or is fetching) id.
func (l *loaders) known(id string) bool {
	l.nodes.mu.Lock()
	defer l.nodes.mu.Unlock()
	_, ok := l.nodes.results[id]
	return ok
}

// primed returns the node id if the loader holds it already.
func (l *loaders) primed(id string) (any, bool) {
	l.nodes.mu.Lock()
	r, ok := l.nodes.results[id]
	l.nodes.mu.Unlock()
	if !ok {
		return nil, false
	}
	select {
	case <-r.done:
		return r.val, r.err == nil && r.val != nil
	default:
		return nil, false
	}
}

// itemSelection is what a list field asks of each item: a connection's
// edges' node and its nodes, or a plain list's own selection. Made once
// for the field's selection and kept with the operation's fields (see
// opCache): the same field gives the same slice, which keys what is
// collected and planned for the items.
func itemSelection(ctx context.Context, f graphql.CollectedField) ast.SelectionSet {
	if f.Definition == nil || f.Definition.Type == nil || f.Definition.Type.Elem != nil {
		return f.Selections
	}
	if !strings.HasSuffix(f.Definition.Type.Name(), "Connection") || !graphql.HasOperationContext(ctx) {
		return f.Selections
	}
	op := graphql.GetOperationContext(ctx)
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	if l == nil || l.schema == nil {
		return connectionItems(f, func(sel ast.SelectionSet, typeName string) []graphql.CollectedField {
			return graphql.CollectFields(op, sel, []string{typeName})
		})
	}
	k := fieldsKey{sel: unsafe.SliceData(f.Selections), n: len(f.Selections)}
	c := l.op
	c.mu.RLock()
	out, ok := c.items[k]
	c.mu.RUnlock()
	if ok {
		return out
	}
	out = connectionItems(f, func(sel ast.SelectionSet, typeName string) []graphql.CollectedField {
		return l.collectFields(op, sel, l.schema.satisfies[typeName])
	})
	c.mu.Lock()
	if had, ok := c.items[k]; ok {
		out = had
	} else {
		if c.items == nil || len(c.items) >= maxOpEntries {
			c.items = map[fieldsKey]ast.SelectionSet{}
		}
		c.items[k] = out
	}
	c.mu.Unlock()
	return out
}

// connectionItems is the selection of a connection field f's items: its
// edges' node's and its nodes', collected by collect.
func connectionItems(f graphql.CollectedField, collect func(ast.SelectionSet, string) []graphql.CollectedField) ast.SelectionSet {
	var out ast.SelectionSet
	for _, c := range collect(f.Selections, f.Definition.Type.Name()) {
		switch c.Name {
		case "nodes":
			out = append(out, c.Selections...)
		case "edges":
			if c.Definition == nil || c.Definition.Type == nil {
				continue
			}
			for _, e := range collect(c.Selections, c.Definition.Type.Name()) {
				if e.Name == "node" {
					out = append(out, e.Selections...)
				}
			}
		}
	}
	return out
}

// callerField is the field whose resolver made the batch's first call.
func callerField(ctx context.Context) (graphql.CollectedField, bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return graphql.CollectedField{}, false
	}
	return fc.Field, true
}
