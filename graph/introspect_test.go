package graph_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestIntrospectionAsTheSpecSays: every type of the schema, and the
// wrapping types (NON_NULL, LIST) of every field's type, answer fields,
// interfaces, possibleTypes, enumValues and inputFields as the GraphQL
// spec's __Type says (§4.5; graphql-js answers the same): a list for the
// kinds they apply to, null for the others; specifiedByURL is set on
// PartialDate and null on the other types; @defer, which no transport
// serves, is not advertised and a query using it is refused.
func TestIntrospectionAsTheSpecSays(t *testing.T) {
	s := newWriteServer(t, false)
	const typeFields = `kind name specifiedByURL fields(includeDeprecated: true) { name }
		interfaces { name } possibleTypes { name } enumValues(includeDeprecated: true) { name } inputFields { name }`
	_, data, errs := s.do(t, "", `{ __schema { directives { name } types { `+typeFields+` } } }`, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// The wrapping types, of the fields of a few objects and interfaces.
	const wrapped = `kind name specifiedByURL fields { name } interfaces { name } possibleTypes { name } enumValues { name } inputFields { name }`
	var fieldTypes []json.RawMessage
	for _, name := range []string{"Query", "Actor", "Position", "Mutation"} {
		_, d, errs := s.do(t, "", `query($n: String!) { __type(name: $n) { fields { name type { `+wrapped+` ofType { `+wrapped+` ofType { `+wrapped+` } } } } } }`, map[string]any{"n": name})
		if len(errs) > 0 {
			t.Fatal(name, errs)
		}
		fieldTypes = append(fieldTypes, d)
	}
	type typ struct {
		Kind           string
		Name           *string
		SpecifiedByURL *string
		Fields         *[]struct {
			Name string
			Type *typ
		}
		Interfaces, PossibleTypes, EnumValues, InputFields *[]struct{ Name string }
		OfType                                             *typ
	}
	var got struct {
		Schema struct {
			Directives []struct{ Name string }
			Types      []typ
		} `json:"__schema"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	applies := map[string][]string{
		"fields":        {"OBJECT", "INTERFACE"},
		"interfaces":    {"OBJECT", "INTERFACE"},
		"possibleTypes": {"INTERFACE", "UNION"},
		"enumValues":    {"ENUM"},
		"inputFields":   {"INPUT_OBJECT"},
	}
	checked := map[string]int{}
	var check func(ty *typ, where string)
	check = func(ty *typ, where string) {
		if ty == nil {
			return
		}
		checked[ty.Kind]++
		present := map[string]bool{"fields": ty.Fields != nil, "interfaces": ty.Interfaces != nil, "possibleTypes": ty.PossibleTypes != nil, "enumValues": ty.EnumValues != nil, "inputFields": ty.InputFields != nil}
		for field, kinds := range applies {
			want := slices.Contains(kinds, ty.Kind)
			if present[field] != want {
				t.Errorf("%s (%s): %s is a list: %v, want %v", where, ty.Kind, field, present[field], want)
			}
		}
		name := ""
		if ty.Name != nil {
			name = *ty.Name
		}
		if (name == "PartialDate") != (ty.SpecifiedByURL != nil) {
			t.Errorf("%s: specifiedByURL %v", where, ty.SpecifiedByURL)
		}
		if ty.SpecifiedByURL != nil && *ty.SpecifiedByURL != "https://www.loc.gov/standards/datetime/" {
			t.Errorf("PartialDate's specifiedByURL: %s", *ty.SpecifiedByURL)
		}
		check(ty.OfType, where+".ofType")
	}
	for _, ty := range got.Schema.Types {
		check(&ty, *ty.Name)
	}
	for _, d := range fieldTypes {
		var ft struct {
			Type struct {
				Fields []struct {
					Name string
					Type *typ
				}
			} `json:"__type"`
		}
		if err := json.Unmarshal(d, &ft); err != nil {
			t.Fatal(err)
		}
		for _, f := range ft.Type.Fields {
			check(f.Type, f.Name)
		}
	}
	// (The schema has no union: UNION is not among them.)
	for _, kind := range []string{"SCALAR", "OBJECT", "INTERFACE", "ENUM", "INPUT_OBJECT", "LIST", "NON_NULL"} {
		if checked[kind] == 0 {
			t.Errorf("no type of kind %s checked", kind)
		}
	}
	for _, d := range got.Schema.Directives {
		if d.Name == "defer" {
			t.Error("@defer is advertised")
		}
	}
	_, _, errs = s.do(t, "", `{ node(id: "ukraine") { id ... @defer { version } } }`, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(errs[0].Message, "defer") {
		t.Errorf("a query with @defer: %+v", errs)
	}
	// An operation without introspection is not touched: an empty list
	// stays a list.
	_, data, errs = s.do(t, "", `{ node(id: "ukraine") { ... on Actor { aliases } } }`, nil)
	if len(errs) > 0 || !strings.Contains(string(data), `"aliases":[`) {
		t.Errorf("a plain query: %s %v", data, errs)
	}
	t.Logf("types checked by kind: %v", checked)
}
