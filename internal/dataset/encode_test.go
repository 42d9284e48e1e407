package dataset_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
)

// TestEncodeAsWhole: Encode, writing an entry at a time, gives the very
// bytes of the whole dataset marshalled at once by the libraries (as Write
// did before it streamed), in YAML and JSON, for the Berlin graph (every
// kind of node, multi-line texts, quotes and dashes), a generated graph,
// a dataset with only a default source, and an empty one. And what it
// writes reads back as the same dataset.
func TestEncodeAsWhole(t *testing.T) {
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	odd := &parley.Dataset{
		DefaultSource: "src-odd",
		Sources:       []*parley.Source{{ID: "src-odd", Title: "Title: with a colon, & <html>", Text: "A line: with a colon\n  indented\n\n- a dash line\n"}},
		Actors:        []*parley.Actor{{ID: "a-b", Kind: parley.Person, Name: "#not a comment", Aliases: []string{"- dash", "'quoted'", "\"double\""}}},
	}
	cases := map[string]*parley.Dataset{
		"berlin":    f.Dataset,
		"generated": gen.Generate(gen.Config{Actors: 30, Statements: 300, Seed: 7}),
		"default":   {DefaultSource: "src-a"},
		"empty":     {},
		"odd":       odd,
	}
	for name, ds := range cases {
		var wantJSON bytes.Buffer
		enc := json.NewEncoder(&wantJSON)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ds); err != nil {
			t.Fatal(err)
		}
		wantYAML, err := yaml.MarshalWithOptions(ds, yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
		if err != nil {
			t.Fatal(err)
		}
		for format, want := range map[dataset.Format][]byte{dataset.JSON: wantJSON.Bytes(), dataset.YAML: wantYAML} {
			var got bytes.Buffer
			if err := dataset.Encode(&got, ds, format); err != nil {
				t.Fatalf("%s %s: %v", name, format, err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("%s %s: Encode differs from the whole marshalled (-whole +Encode):\n%s", name, format, diff)
				continue
			}
			back, err := dataset.Parse("back."+string(format), got.Bytes(), nil)
			if err != nil {
				t.Fatalf("%s %s: read back: %v", name, format, err)
			}
			if name == "generated" && format == dataset.YAML {
				// The generated sources end in a space, which a YAML
				// literal block ("|-") does not keep: the whole dataset
				// marshalled loses it the same way.
				continue
			}
			if diff := cmp.Diff(ds, back.Dataset, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Name" }, cmp.Ignore())); diff != "" {
				t.Errorf("%s %s: read back differs:\n%s", name, format, diff)
			}
		}
	}
	if err := dataset.Encode(&bytes.Buffer{}, &parley.Dataset{}, "xml"); parley.ErrorCode(err) != parley.EInvalid {
		t.Errorf("format xml: %v, want INVALID", err)
	}
}
