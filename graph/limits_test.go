package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/web"
)

func TestLimits(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		name, query, code, message string
	}{
		{
			name:    "complexity multiplies by first",
			query:   `{ actors(first: 100) { edges { node { positions(first: 100) { edges { node { proposition { positions(first: 100) { totalCount } } } } } } } } }`,
			code:    "COMPLEXITY_LIMIT_EXCEEDED",
			message: "query complexity 2020100 exceeds the limit of 2000000: ask for smaller pages (first, last, limit)",
		},
		{
			name: "four connections without first",
			query: `{ actors { edges { node { statements { edges { node { audience { statements { edges { node {
				audience { statements { totalCount } } } } } } } } } } } } }`,
			code: "COMPLEXITY_LIMIT_EXCEEDED",
			// statements{totalCount}: (1+1)*50 = 100; audience 101;
			// statements: (1+101)*50 = 5100; audience 5101; statements:
			// (1+5101)*50 = 255100; actors: (1+255100)*50.
			message: "query complexity 12755050 exceeds the limit of 2000000: ask for smaller pages (first, last, limit)",
		},
		{
			// node, then members and holder six times, then id: 14 hops
			// (with the connections' edges and node, 32 fields deep).
			name:    "depth",
			query:   `{ node(id: "ukraine") { ... on State { ` + nest(6, "members { edges { node { holder { ... on Person { ", "id", " } } } } }") + ` } } }`,
			code:    "DEPTH_LIMIT_EXCEEDED",
			message: "query depth 14 exceeds the limit of 12",
		},
		{
			name:    "a long id",
			query:   `{ node(id: "` + strings.Repeat("x", 900_000) + `") { id } }`,
			code:    "BAD_USER_INPUT",
			message: "argument id of node is 900000 characters long; the limit is 256",
		},
		{
			name:    "long snippet markers",
			query:   `{ search(query: "Donbas") { edges { node { snippet(before: "` + strings.Repeat("<", 900) + `") } } } }`,
			code:    "BAD_USER_INPUT",
			message: "argument before of snippet is 900 characters long; the limit is 32",
		},
		{
			name:    "a long name",
			query:   `{ actors(name: "` + strings.Repeat("é", 300) + `") { totalCount } }`,
			code:    "BAD_USER_INPUT",
			message: "argument name of actors is 300 characters long; the limit is 256",
		},
		{
			name:    "a long id in a list",
			query:   `{ nodes(ids: ["ukraine", "` + strings.Repeat("x", 300) + `"]) { id } }`,
			code:    "BAD_USER_INPUT",
			message: "argument ids of nodes is 300 characters long; the limit is 256",
		},
		{
			name:    "fragment bomb",
			query:   fragmentBomb(40),
			code:    "COMPLEXITY_LIMIT_EXCEEDED",
			message: "query complexity exceeds the limit of 2000000: ask for smaller pages (first, last, limit)",
		},
		{
			name:    "a field repeated 50,000 times",
			query:   "{ actors { edges { node { " + strings.Repeat("name ", 50_000) + "} } } }",
			code:    "GRAPHQL_PARSE_FAILED",
			message: "exceeded token limit of 10000",
		},
		{
			name:    "a field repeated 5,000 times",
			query:   "{ actors { edges { node { " + strings.Repeat("name ", 5_000) + "} } } }",
			code:    "COMPLEXITY_LIMIT_EXCEEDED",
			message: `"name" is selected more than 100 times in one selection set: select it once (or give each an alias)`,
		},
		{
			name:    "a field repeated through inline fragments",
			query:   "{ actors { edges { node { " + strings.Repeat("... on Actor { name } ", 1_500) + "} } } }",
			code:    "COMPLEXITY_LIMIT_EXCEEDED",
			message: `"name" is selected more than 100 times in one selection set: select it once (or give each an alias)`,
		},
		{
			name:    "introspection aliases",
			query:   aliases(1000, "__schema { types { name fields { name args { name } } } }"),
			code:    "GRAPHQL_PARSE_FAILED",
			message: "exceeded token limit of 10000",
		},
		{
			name:  "introspection counted",
			query: aliases(300, "__schema { types { name fields { name args { name type { fields { name args { name } } } } } } }"),
			code:  "COMPLEXITY_LIMIT_EXCEEDED",
		},
		{
			name:  "alias bomb",
			query: aliases(300, "actors { edges { node { name positions { edges { node { proposition { text } } } } } } }"),
			code:  "COMPLEXITY_LIMIT_EXCEEDED",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Twice: a refusal is not remembered as a pass.
			for range 2 {
				data, errs := raw(t, h, tt.query)
				if len(errs) != 1 || errs[0].Extensions["code"] != tt.code || (tt.message != "" && errs[0].Message != tt.message) {
					t.Errorf("errors = %.500v, want %s %q", errs, tt.code, tt.message)
				}
				if string(data) != "null" && len(data) != 0 {
					t.Errorf("data = %.300s, want none: a refused query must not run", data)
				}
			}
		})
	}

	// Within the limits: a useful deep query and the playground's full
	// introspection query both pass.
	if _, errs := raw(t, h, `{ actors(first: 20) { edges { node { positions(first: 10) { edges { node { proposition { positions(first: 10) { edges { node { holder { name } } } } } } } } } } } }`); len(errs) > 0 {
		t.Errorf("a query within the limits was refused: %+v", errs)
	}
	data, errs := raw(t, h, introspection)
	if len(errs) > 0 || !strings.Contains(string(data), `"name":"Position"`) {
		t.Errorf("introspection: %+v", errs)
	}
}

// TestNaturalQueries asks the questions a newcomer writes: no first:
// anywhere, three or four relationships deep. Each must be answered.
func TestNaturalQueries(t *testing.T) {
	h := newHandler(t)
	queries := map[string]string{
		"positions of the positions on an actor's propositions": `{ actors { edges { node { name positions { edges { node {
			proposition { text positions { edges { node { stance holder { name } evidence { quote } } } } } } } } } } } }`,
		"who addressed whom, and what they said to them": `{ actors { edges { node { name statements { edges { node { words
			audience { name statements { edges { node { words speaker { name } } } } } } } } } } } }`,
		"commitments of the parties to the talks' documents": `{ documents { edges { node { title parties { name
			commitments { edges { node { obligation beneficiaries { name } evidence { quote } } } } } } } } }`,
		"an event's speakers, their roles and their positions": `{ events { edges { node { name participations { edges { node {
			role actor { name ... on Person { roles { edges { node { post organization { name } } } } }
			positions { edges { node { stance proposition { text } } } } } } } } } } } }`,
	}
	for name, q := range queries {
		if _, errs := raw(t, h, q); len(errs) > 0 {
			t.Errorf("%s: %.300v", name, errs)
		}
	}
}

// TestExamplesWithoutFirst runs every playground example and every query
// of the README with every first: taken out: a newcomer who leaves the
// page sizes alone must still get an answer.
func TestExamplesWithoutFirst(t *testing.T) {
	h := newHandler(t)
	qs, err := web.Examples()
	if err != nil {
		t.Fatal(err)
	}
	readme := readmeQueries(t)
	if len(readme) < 4 {
		t.Fatalf("found %d queries in README.md, want the README's examples", len(readme))
	}
	for _, q := range append(qs, readme...) {
		bare := withoutFirst(q)
		if strings.Contains(bare, "first:") {
			t.Fatalf("first: left in %s", bare)
		}
		if _, errs := raw(t, h, bare); len(errs) > 0 {
			t.Errorf("%s\n%.300v", bare, errs)
		}
	}
}

var (
	firstArg    = regexp.MustCompile(`first:\s*\d+\s*,?\s*`)
	emptyArgs   = regexp.MustCompile(`\(\s*\)`)
	codeSpan    = regexp.MustCompile("`(\\{[^`]*\\})`")
	fencedBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")
)

func withoutFirst(q string) string {
	return emptyArgs.ReplaceAllString(firstArg.ReplaceAllString(q, ""), "")
}

// readmeQueries returns the README's GraphQL queries: its graphql blocks
// and the code spans that are valid queries of the schema.
func readmeQueries(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	var out []string
	for _, m := range append(fencedBlock.FindAllStringSubmatch(string(b), -1), codeSpan.FindAllStringSubmatch(strings.ReplaceAll(string(b), "\n", " "), -1)...) {
		doc, errs := gqlparser.LoadQuery(schema, m[1])
		if len(errs) > 0 || doc.Operations[0].Operation != "query" {
			continue
		}
		out = append(out, m[1])
	}
	return out
}

// fragmentBomb spreads each of n fragments twice in the one above: a
// document of a few hundred bytes whose fields, walked naively, number
// 2^n.
func fragmentBomb(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "query { actors { edges { node { ...F%d } } } }\nfragment F0 on Actor { name }\n", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "fragment F%d on Actor { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	return b.String()
}

// nest wraps inner in n levels of open ... close.
func nest(n int, open, inner, close string) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

// aliases asks for field n times under different aliases.
func aliases(n int, field string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: %s", i, field)
	}
	b.WriteString(" }")
	return b.String()
}

// introspection is the query GraphiQL sends for the schema.
const introspection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

// TestLimitsRespectTheContext checks the cost walk gives up when the
// request ends.
func TestLimitsRespectTheContext(t *testing.T) {
	es := graph.NewExecutableSchema(graph.Config{})
	doc, errs := gqlparser.LoadQuery(es.Schema(), aliases(1500, "actors { totalCount }"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	l := &graph.Limits{MaxDepth: graph.DefaultMaxDepth, MaxComplexity: graph.DefaultMaxComplexity}
	if err := l.Validate(es); err != nil {
		t.Fatal(err)
	}
	op := &graphql.OperationContext{Operation: doc.Operations[0]}
	if err := l.MutateOperationContext(context.Background(), op); err != nil {
		t.Fatalf("a live request: %v", err)
	}
	// The same document parsed again: an operation that passed is not
	// measured again (see TestLimitsMeasureOnce).
	doc, errs = gqlparser.LoadQuery(es.Schema(), aliases(1500, "actors { totalCount }"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := l.MutateOperationContext(ctx, &graphql.OperationContext{Operation: doc.Operations[0]})
	if err == nil || err.Extensions["code"] != "REQUEST_CANCELLED" {
		t.Errorf("a cancelled request: %v, want REQUEST_CANCELLED", err)
	}
}

// TestLimitsMeasureOnce checks what Limits remembers: an operation
// without variables that passed passes again without a walk (a cancelled
// context would stop one), one with variables is measured with each
// request's values, and a document of the handler's query cache is not
// parsed again for the repeats check.
func TestLimitsMeasureOnce(t *testing.T) {
	es := graph.NewExecutableSchema(graph.Config{})
	parsed := lru.New[*ast.QueryDocument](10)
	l := &graph.Limits{MaxDepth: graph.DefaultMaxDepth, MaxComplexity: graph.DefaultMaxComplexity, MaxTokens: graph.DefaultMaxTokens, MaxRepeats: graph.DefaultMaxRepeats, Parsed: parsed}
	if err := l.Validate(es); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	load := func(q string) *ast.OperationDefinition {
		t.Helper()
		doc, errs := gqlparser.LoadQuery(es.Schema(), q)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return doc.Operations[0]
	}

	plain := load(aliases(1500, "actors { totalCount }"))
	if err := l.MutateOperationContext(context.Background(), &graphql.OperationContext{Operation: plain}); err != nil {
		t.Fatalf("first time: %v", err)
	}
	if err := l.MutateOperationContext(cancelled, &graphql.OperationContext{Operation: plain}); err != nil {
		t.Errorf("the same operation again: %v, want it known to pass", err)
	}

	withVars := load(`query($n: Int) { actors(first: $n) { edges { node { positions(first: $n) { edges { node { proposition { positions(first: $n) { totalCount } } } } } } } } }`)
	for _, tt := range []struct {
		n    int
		code any
	}{{10, nil}, {200, "COMPLEXITY_LIMIT_EXCEEDED"}, {10, nil}, {200, "COMPLEXITY_LIMIT_EXCEEDED"}} {
		var code any
		if err := l.MutateOperationContext(context.Background(), &graphql.OperationContext{Operation: withVars, Variables: map[string]any{"n": tt.n}}); err != nil {
			code = err.Extensions["code"]
		}
		if code != tt.code {
			t.Errorf("$n = %d: code %v, want %v", tt.n, code, tt.code)
		}
	}

	repeated := "{ actors { edges { node { " + strings.Repeat("name ", 500) + "} } } }"
	if err := l.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: repeated}); err == nil || err.Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("a field repeated 500 times: %v, want COMPLEXITY_LIMIT_EXCEEDED", err)
	}
	// Only a document that passed reaches the query cache; one there is
	// taken as checked.
	parsed.Add(context.Background(), repeated, &ast.QueryDocument{})
	if err := l.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: repeated}); err != nil {
		t.Errorf("a document of the query cache: %v, want no second check", err)
	}
}

// TestExplorerQueriesWithinLimits runs the explorer's queries: none may
// hit a limit.
func TestExplorerQueriesWithinLimits(t *testing.T) {
	h := newHandler(t)
	files, err := filepath.Glob("../internal/web/assets/explore/queries/*.graphql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no explorer queries: %v", err)
	}
	vars := map[string]any{"query": "Donbas", "from": "donald-trump", "to": "vladimir-putin", "id": "ukraine",
		"hops": 2, "name": "Ukraine", "after": nil, "first": true}
	for _, f := range files {
		// The reader's query is asked of the article, as the explorer asks it.
		if filepath.Base(f) == "Source.graphql" {
			vars["id"] = "berlin-talks-article"
		} else {
			vars["id"] = "ukraine"
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "mutation") {
			continue
		}
		body, _ := json.Marshal(map[string]any{"query": string(b), "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var resp struct{ Errors []gqlError }
		json.Unmarshal(w.Body.Bytes(), &resp)
		for _, e := range resp.Errors {
			switch e.Extensions["code"] {
			case "COMPLEXITY_LIMIT_EXCEEDED", "DEPTH_LIMIT_EXCEEDED", graph.CodeResponseTooLarge, "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED":
				t.Errorf("%s: %s", filepath.Base(f), e.Message)
			}
		}
	}
}
