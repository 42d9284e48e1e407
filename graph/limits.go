package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/parley-graph/parley/internal/parley"
)

// Default limits of one operation.
const (
	// DefaultMaxDepth is the deepest an operation may nest, counting the
	// hops of a question: a connection's edges, node and pageInfo do not
	// count, so actors → positions → proposition → positions → holder →
	// name is 6 deep, not 12.
	DefaultMaxDepth = 12
	// DefaultMaxComplexity bounds how many fields an answer may hold,
	// reckoned before anything runs (see Limits). It admits a question
	// through three connections with no first: anywhere (50 × 50 × 50
	// items) and refuses a fourth level, alias bombs and fragment bombs.
	// What an answer really holds is bounded again as it runs (Budget).
	DefaultMaxComplexity = 2_000_000
	// DefaultMaxTokens is the most lexical tokens a document may have.
	// The playground's introspection query has about 300; the parser
	// stops at the limit, before any validation.
	DefaultMaxTokens = 10_000
	// DefaultMaxIntrospection bounds the introspection part of the
	// complexity: the playground's full schema query costs about 61,000,
	// so two of them pass and a pile of aliases does not.
	DefaultMaxIntrospection = 150_000
	// DefaultMaxRepeats is how many times one response name may be
	// selected in one selection set (fragments included). GraphQL's
	// overlapping-fields rule compares every pair of such fields: 20,000
	// repeats of one field took minutes of CPU.
	DefaultMaxRepeats = 100
)

// Caps on the text of arguments, in characters. Ids and cursors are short
// by construction; snippet markers are a few characters of markup.
const (
	maxIDArg     = 256
	maxMarkerArg = 32
	maxStringArg = 1000
)

// Limits refuses, before anything runs, an operation that would cost too
// much:
//
//   - a document of more than MaxTokens tokens, or one that selects one
//     response name more than MaxRepeats times in a selection set;
//   - one nested deeper than MaxDepth (connection wrappers not counted);
//   - one costlier than MaxComplexity. A field costs 1 plus the cost of its
//     selection, times the number of items it may return: `first` or
//     `last` for a connection (50 when neither is given), `limit` for a
//     neighbourhood, the number of ids for `nodes`. Introspection counts
//     too, each list by the schema's real sizes, so the playground's
//     schema query passes and a thousand aliases of it do not;
//   - an argument whose text is longer than it can sensibly be (ids 256
//     characters, snippet markers 32, other strings 1,000), refused with
//     BAD_USER_INPUT naming the argument.
//
// The cost is measured in one pass over the document: each fragment is
// measured once per operation, the walk stops as soon as the limit is
// passed, and it gives up when the request's context ends.
type Limits struct {
	MaxDepth      int
	MaxComplexity int
	MaxTokens     int
	MaxRepeats    int
	// MaxIntrospection bounds the cost of the introspection fields.
	MaxIntrospection int
	// Parsed, when set, is the handler's cache of parsed and validated
	// documents: a document found there passed the repeats check when it
	// first came (the check runs before every parse), so it is not parsed
	// again for it.
	Parsed graphql.Cache[*ast.QueryDocument]

	intro introStats
	// passed holds the operations without variables that passed the
	// depth, complexity and argument checks: their cost depends on the
	// document alone, and the documents are cached (Parsed), so the same
	// operation comes again as the same pointer.
	passed *lru.Cache[*ast.OperationDefinition, struct{}]
}

// passedOperations is how many operations Limits remembers as within its
// limits: as many as the handler's query cache holds documents.
const passedOperations = 1000

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = &Limits{}

// ExtensionName implements graphql.HandlerExtension.
func (*Limits) ExtensionName() string { return "Limits" }

// Validate implements graphql.HandlerExtension: it measures the schema
// for introspection's costs.
func (l *Limits) Validate(es graphql.ExecutableSchema) error {
	l.intro = measureSchema(es.Schema())
	passed, err := lru.New[*ast.OperationDefinition, struct{}](passedOperations)
	if err != nil {
		return err
	}
	l.passed = passed
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator.
// It runs before gqlgen parses and validates the document: it refuses a
// document whose validation would be quadratic (one field selected
// thousands of times in one place). The parse is linear and bounded by
// MaxTokens; a document that does not parse is left to gqlgen to report.
func (l *Limits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if l.MaxRepeats <= 0 || p.Query == "" {
		return nil
	}
	if l.Parsed != nil {
		if _, ok := l.Parsed.Get(ctx, p.Query); ok {
			return nil
		}
	}
	limit := l.MaxTokens
	if limit <= 0 {
		limit = -1
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, limit)
	if err != nil {
		return nil
	}
	for _, op := range doc.Operations {
		if e := l.repeats(op.SelectionSet); e != nil {
			return e
		}
	}
	for _, f := range doc.Fragments {
		if e := l.repeats(f.SelectionSet); e != nil {
			return e
		}
	}
	return nil
}

// repeats checks that no response name is selected more than MaxRepeats
// times in any selection set, counting the fields of inline fragments and
// each spread of a fragment with the set they are in.
func (l *Limits) repeats(set ast.SelectionSet) *gqlerror.Error {
	counts := map[string]int{}
	var walk func(set ast.SelectionSet) *gqlerror.Error
	walk = func(set ast.SelectionSet) *gqlerror.Error {
		for _, sel := range set {
			var name string
			switch s := sel.(type) {
			case *ast.Field:
				name = s.Alias
				if name == "" {
					name = s.Name
				}
				if e := l.repeats(s.SelectionSet); e != nil {
					return e
				}
			case *ast.InlineFragment:
				if e := walk(s.SelectionSet); e != nil {
					return e
				}
				continue
			case *ast.FragmentSpread:
				// Validation compares every pair of fragments spread
				// in one place: their number is capped, whatever their
				// names.
				name = "fragment spreads"
			}
			counts[name]++
			if counts[name] > l.MaxRepeats {
				what := fmt.Sprintf("%q is selected", name)
				if name == "fragment spreads" {
					what = "fragments are spread"
				}
				err := gqlerror.Errorf("%s more than %d times in one selection set: select it once (or give each an alias)", what, l.MaxRepeats)
				err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED", "limit": l.MaxRepeats}
				return err
			}
		}
		return nil
	}
	return walk(set)
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (l *Limits) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	// Without variables, the outcome is the document's: measured once.
	constant := l.passed != nil && len(rc.Operation.VariableDefinitions) == 0
	if constant {
		if _, ok := l.passed.Get(rc.Operation); ok {
			return nil
		}
	}
	if err := l.measure(ctx, rc); err != nil {
		return err
	}
	if constant {
		l.passed.Add(rc.Operation, struct{}{})
	}
	return nil
}

// measure checks one operation's arguments, depth and complexity.
func (l *Limits) measure(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	limit := l.MaxComplexity
	if limit <= 0 {
		limit = maxCost
	}
	m := &measurer{ctx: ctx, vars: rc.Variables, limit: limit, intro: &l.intro, memo: map[memoKey]measured{}}
	r := m.set(rc.Operation.SelectionSet, false)
	if m.err != nil {
		return m.err
	}
	if l.MaxIntrospection > 0 && m.introCost > l.MaxIntrospection {
		err := gqlerror.Errorf("introspection complexity %d exceeds the limit of %d: ask for the schema once", m.introCost, l.MaxIntrospection)
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED", "limit": l.MaxIntrospection}
		return err
	}
	if l.MaxDepth > 0 && r.depth > l.MaxDepth {
		err := gqlerror.Errorf("query depth %d exceeds the limit of %d", r.depth, l.MaxDepth)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED", "depth": r.depth, "limit": l.MaxDepth}
		return err
	}
	if l.MaxComplexity > 0 && r.cost > l.MaxComplexity {
		var err *gqlerror.Error
		if m.cut || r.cost >= maxCost {
			err = gqlerror.Errorf("query complexity exceeds the limit of %d: ask for smaller pages (first, last, limit)", l.MaxComplexity)
		} else {
			err = gqlerror.Errorf("query complexity %d exceeds the limit of %d: ask for smaller pages (first, last, limit)", r.cost, l.MaxComplexity)
		}
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED", "limit": l.MaxComplexity}
		if !m.cut {
			err.Extensions["complexity"] = r.cost
		}
		return err
	}
	return nil
}

// maxCost caps the running total so that absurd multipliers cannot
// overflow.
const maxCost = 1 << 40

func sat(n int) int { return min(n, maxCost) }

type measured struct{ cost, depth int }

// memoKey names a fragment measured in a context: inside introspection's
// list of all types (or of all their fields) its lists count by averages.
type memoKey struct {
	name string
	all  bool
}

// measurer walks one operation once.
type measurer struct {
	ctx   context.Context
	vars  map[string]any
	limit int
	intro *introStats
	memo  map[memoKey]measured
	steps int
	err   *gqlerror.Error
	// introCost adds up the costs of the outermost introspection fields.
	introCost int
	// cut says the walk stopped early, past the limit: the cost is a
	// lower bound.
	cut bool
}

// set returns the cost and depth of a selection set. Fragments on
// different types add up: an upper bound. all says whether the set is
// selected on every item of an introspection list of all types or all
// fields, where a list's multiplier is its average length, not its
// longest (the sum over every type is then exact).
func (m *measurer) set(set ast.SelectionSet, all bool) measured {
	var out measured
	for _, sel := range set {
		if m.err != nil {
			return out
		}
		if out.cost > m.limit {
			m.cut = true
			return out
		}
		if m.steps++; m.steps%1024 == 0 && m.ctx.Err() != nil {
			m.err = gqlerror.Errorf("the request ended before its cost was measured")
			m.err.Extensions = map[string]any{"code": "REQUEST_CANCELLED"}
			return out
		}
		var r measured
		switch s := sel.(type) {
		case *ast.Field:
			r = m.field(s, all)
		case *ast.InlineFragment:
			r = m.set(s.SelectionSet, all)
		case *ast.FragmentSpread:
			if s.Definition == nil {
				continue
			}
			key := memoKey{s.Name, all}
			cached, ok := m.memo[key]
			if !ok {
				// A fragment cannot spread itself (validation refuses
				// cycles); the placeholder guards the walk all the same.
				m.memo[key] = measured{}
				cached = m.set(s.Definition.SelectionSet, all)
				m.memo[key] = cached
			}
			r = cached
		}
		out.cost = sat(out.cost + r.cost)
		out.depth = max(out.depth, r.depth)
	}
	return out
}

func (m *measurer) field(f *ast.Field, all bool) measured {
	if f.Definition == nil {
		return measured{}
	}
	parent := ""
	if f.ObjectDefinition != nil {
		parent = f.ObjectDefinition.Name
	}
	if strings.HasPrefix(parent, "__") || strings.HasPrefix(f.Name, "__") {
		if f.Name == "__typename" {
			return measured{cost: 1}
		}
		// Introspection: counted, not nested.
		mult, childAll := m.intro.multiplier(parent, f.Name, all)
		r := m.set(f.SelectionSet, childAll)
		c := sat((1 + r.cost) * mult)
		if !strings.HasPrefix(parent, "__") {
			m.introCost = sat(m.introCost + c)
		}
		return measured{cost: c}
	}
	args := f.ArgumentMap(m.vars)
	m.checkArgs(f, args)
	r := m.set(f.SelectionSet, false)
	own, hop := 1, 1
	if wrapper(parent, f.Name) {
		own, hop = 0, 0
	}
	c := sat((own + r.cost) * multiplier(f, args))
	if parent == "Query" {
		c = sat(c + rootWeight[f.Name])
	}
	return measured{cost: c, depth: r.depth + hop}
}

// rootWeight is what a root field costs besides its items, where the
// work does not follow the page: a full-text search ranks every match
// (a prefix that matches most of a 100k graph took 480 ms of CPU), a
// path or a neighbourhood walks the graph hop by hop (25 ms and 15 ms at
// 100k). One search, or ten walks, fit in one operation.
var rootWeight = map[string]int{
	"search":        1_000_000,
	"path":          100_000,
	"neighbourhood": 100_000,
}

// wrapper reports whether a field is a connection's scaffolding rather
// than a step of the question: a connection's edges and pageInfo, an
// edge's node.
func wrapper(parent, field string) bool {
	switch {
	case strings.HasSuffix(parent, "Connection"):
		return field == "edges" || field == "pageInfo" || field == "nodes"
	case strings.HasSuffix(parent, "Edge"):
		return field == "node"
	}
	return false
}

// multiplier is how many items a field may return.
func multiplier(f *ast.Field, args map[string]any) int {
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

// checkArgs refuses an argument whose text is longer than it can sensibly
// be, naming it; the first such argument is kept as m.err.
func (m *measurer) checkArgs(f *ast.Field, args map[string]any) {
	for _, a := range f.Definition.Arguments {
		limit := argLimit(f, a)
		if limit == 0 {
			continue
		}
		var texts []string
		switch v := args[a.Name].(type) {
		case string:
			texts = []string{v}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					texts = append(texts, s)
				}
			}
		}
		for _, s := range texts {
			if n := len([]rune(s)); len(s) > limit && n > limit {
				m.err = gqlerror.Errorf("argument %s of %s is %d characters long; the limit is %d", a.Name, f.Name, n, limit)
				m.err.Extensions = map[string]any{"code": parley.EInvalid, "argument": f.Name + "." + a.Name, "limit": limit}
				return
			}
		}
	}
}

// argLimit is the most characters an argument may hold; 0 for no limit
// (not text).
func argLimit(f *ast.Field, a *ast.ArgumentDefinition) int {
	switch a.Type.Name() {
	case "ID":
		return maxIDArg
	case "String":
	default:
		return 0
	}
	switch {
	case f.Name == "search" && a.Name == "query":
		return 0 // the resolver refuses more than 500 characters itself
	case f.Name == "snippet":
		return maxMarkerArg
	case a.Name == "after" || a.Name == "before":
		return maxIDArg * 2 // a cursor encodes a key
	case a.Name == "name":
		return maxIDArg
	}
	return maxStringArg
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

// introStats are the sizes of the schema's introspection lists: the
// longest of each (for one type, field or directive) and the average over
// all of them.
type introStats struct {
	types, directives int
	// max and total per list, keyed by "__Type.fields" and the like.
	max, total map[string]int
}

func measureSchema(s *ast.Schema) introStats {
	st := introStats{max: map[string]int{}, total: map[string]int{}}
	if s == nil {
		return st
	}
	add := func(key string, n int) {
		st.max[key] = max(st.max[key], n)
		st.total[key] += n
	}
	for _, t := range s.Types {
		st.types++
		var fields, inputs int
		for _, f := range t.Fields {
			if t.Kind == ast.InputObject {
				inputs++
				continue
			}
			fields++
			add("__Field.args", len(f.Arguments))
		}
		add("__Type.fields", fields)
		add("__Type.inputFields", inputs)
		add("__Type.enumValues", len(t.EnumValues))
		add("__Type.interfaces", len(t.Interfaces))
		add("__Type.possibleTypes", len(s.PossibleTypes[t.Name]))
	}
	for _, d := range s.Directives {
		st.directives++
		add("__Directive.args", len(d.Arguments))
	}
	return st
}

// multiplier is how many items an introspection field returns at most,
// and whether its items are all of their kind (every type, every field of
// every type).
func (st *introStats) multiplier(parent, field string, all bool) (int, bool) {
	switch {
	case field == "types" && parent == "__Schema":
		return max(st.types, 1), true
	case field == "directives" && parent == "__Schema":
		return max(st.directives, 1), true
	}
	key := parent + "." + field
	longest, ok := st.max[key]
	if !ok {
		return 1, false
	}
	if !all {
		return max(longest, 1), false
	}
	// Over every type (or every field of every type), the sum is exact.
	var parents int
	switch parent {
	case "__Type":
		parents = st.types
	case "__Field":
		parents = st.total["__Type.fields"]
	case "__Directive":
		parents = st.directives
	}
	if parents == 0 {
		return max(longest, 1), false
	}
	avg := (st.total[key] + parents - 1) / parents
	return max(avg, 1), field == "fields"
}
