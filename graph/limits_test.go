package graph_test

import (
	"strings"
	"testing"
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
			message: "query complexity 2040300 exceeds the limit of 50000: ask for smaller pages (first, last, limit)",
		},
		{
			name:  "a connection without first counts as 50",
			query: `{ actors { edges { node { statements { edges { node { audience { statements { totalCount } } } } } } } } }`,
			code:  "COMPLEXITY_LIMIT_EXCEEDED",
			// statements{totalCount}: (1+1)*50 = 100; audience: 1+100; node: 102;
			// edges: 103; statements: (1+103)*50 = 5200; node 5201; edges 5202;
			// actors: (1+5202)*50.
			message: "query complexity 260150 exceeds the limit of 50000: ask for smaller pages (first, last, limit)",
		},
		{
			name: "depth",
			query: `{ node(id: "ukraine") { ... on State { members { edges { node { holder { ... on Person {
				members { edges { node { holder { ... on Person { members { edges { node { id } } } } } } } } } } } } } } } }`,
			code:    "DEPTH_LIMIT_EXCEEDED",
			message: "query depth 13 exceeds the limit of 12",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, errs := raw(t, h, tt.query)
			if len(errs) != 1 || errs[0].Extensions["code"] != tt.code || errs[0].Message != tt.message {
				t.Errorf("errors = %+v, want %s %q", errs, tt.code, tt.message)
			}
			if string(data) != "null" && len(data) != 0 {
				t.Errorf("data = %s, want none: a refused query must not run", data)
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
