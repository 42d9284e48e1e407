package graph_test

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/parley"
)

// TestEnumsAgree checks every enumeration of the domain has a GraphQL enum
// of the same name and values: what the schema accepts, validation accepts.
func TestEnumsAgree(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for name, values := range parley.Enums() {
		def := schema.Types[name]
		if def == nil {
			t.Errorf("the schema has no enum %s", name)
			continue
		}
		var got []string
		for _, v := range def.EnumValues {
			got = append(got, v.Name)
		}
		want := append([]string(nil), values...)
		sort.Strings(got)
		sort.Strings(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("enum %s (-domain +schema):\n%s", name, diff)
		}
	}
}
