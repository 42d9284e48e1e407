package dataset

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
)

// libraryDecode decodes an entry as the cutter's caller did before the
// block reader: a list of one, by the YAML library.
func libraryDecode(b []byte, typ reflect.Type) (any, error) {
	list := reflect.New(reflect.SliceOf(typ))
	if err := yaml.UnmarshalWithOptions(b, list.Interface(), yaml.DisallowUnknownField()); err != nil {
		return nil, err
	}
	if list.Elem().Len() == 0 {
		return nil, nil
	}
	return list.Elem().Index(0).Interface(), nil
}

// entries cuts a YAML file written by Write into its entries, as the
// cutter does, with each entry's type.
func entries(t *testing.T, data []byte) (out [][]byte, types []reflect.Type) {
	t.Helper()
	f := &File{Name: "x.yaml", data: data}
	if err := f.Scan(func(parley.Item) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for section, sps := range f.spans {
		typ := reflect.TypeOf(parley.New(sectionTypes[section]))
		for _, sp := range sps {
			b, _, err := f.chunk(sp)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
			types = append(types, typ)
		}
	}
	return out, types
}

// TestBlockAsLibrary: every entry of what Write writes (the Berlin graph,
// a generated graph, odd strings) is read by the block reader, and read
// the same as the YAML library reads it; so is every entry of the YAML
// files under testdata that the block reader takes, and those it does not
// take are left to the library (never an answer of its own).
func TestBlockAsLibrary(t *testing.T) {
	odd := &parley.Dataset{
		Sources: []*parley.Source{
			{ID: "src-odd", Title: "Title: with a colon, & <html> # hash", Published: "2025-03-04",
				Text: "A line: with a colon\n  indented\n\n- a dash line\n\"quoted\" and 'single' \\ back\ttab é ü 中文\n"},
			{ID: "src-two", Title: "yes", Text: "ends with newlines\n\n\n"},
			{ID: "src-three", Title: "123", Text: "no newline at all"},
		},
		Actors: []*parley.Actor{{ID: "a-b", Kind: parley.Person, Name: "#not a comment",
			Aliases: []string{"- dash", "'quoted'", "\"double\"", "null", "true", "~", "-5", "1.5", "0x1F", "a: b", "[x]"}}},
	}
	berlin, err := ReadFile("../berlin/berlin-talks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i, ds := range []*parley.Dataset{odd, gen.Generate(gen.Config{Actors: 30, Statements: 600, Seed: 9}), berlin.Dataset} {
		data, err := Write(ds, YAML)
		if err != nil {
			t.Fatal(err)
		}
		es, types := entries(t, data)
		fast := 0
		for j, e := range es {
			want, err := libraryDecode(e, types[j])
			if err != nil {
				t.Fatalf("input %d entry %d: the library: %v", i, j, err)
			}
			got, ok := blockDecode(e, types[j])
			if !ok {
				t.Logf("input %d: left to the library:\n%s", i, e)
				continue
			}
			fast++
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("input %d entry:\n%s\nblock reader differs from the library (-library +block):\n%s", i, e, diff)
			}
		}
		// What Write writes is read by the block reader, but for the odd
		// source text with a tab.
		if want := len(es) - map[int]int{0: 1}[i]; fast != want || len(es) < 3 {
			t.Errorf("input %d: the block reader read %d of %d entries, want %d", i, fast, len(es), want)
		}
	}
	// Hand-written files: whatever the block reader takes, it takes as the
	// library does.
	files, _ := filepath.Glob("../*/testdata/*.yaml")
	files = append(files, "../berlin/berlin-talks.yaml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f := &File{Name: name, data: data, dir: os.DirFS(filepath.Dir(name))}
		if err := f.Scan(func(parley.Item) error { return nil }); err != nil {
			continue // a file of bad syntax, on purpose
		}
		for section, sps := range f.spans {
			typ := reflect.TypeOf(parley.New(sectionTypes[section]))
			for _, sp := range sps {
				if sp.start < 0 {
					continue
				}
				e, _, _ := f.chunk(sp)
				got, ok := blockDecode(e, typ)
				if !ok {
					continue
				}
				want, err := libraryDecode(e, typ)
				if err != nil {
					t.Errorf("%s: the block reader took an entry the library refuses (%v):\n%s", name, err, e)
					continue
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: entry\n%s\nblock reader differs from the library:\n%s", name, e, diff)
				}
			}
		}
	}
}

// FuzzBlockAsLibrary: whatever entry the block reader takes, the library
// takes too, and reads the same.
func FuzzBlockAsLibrary(f *testing.F) {
	for _, s := range []string{
		"  - id: a\n    kind: PERSON\n    name: Anna\n",
		"  - id: s\n    title: T\n    text: |-\n      one\n\n      two\n",
		"  - id: s\n    title: \"q\\\"x\\u00e9\"\n    text: |\n      x\n",
		"  - id: e\n    name: E\n    kind: TALKS\n    date: 2025-01-02\n",
		"  - id: a\n    kind: PERSON\n    name: 'it''s'\n    aliases:\n      - x\n      - \"y\"\n",
		"  - id: p\n    holder: a\n    proposition: b\n    stance: SUPPORTS\n    speechAct: DEMANDS\n    redLine: true\n    evidence:\n      - quote: q\n        start: 3\n",
	} {
		f.Add([]byte(s))
	}
	typ := reflect.TypeOf(parley.New(parley.TypeActor))
	types := []reflect.Type{typ, reflect.TypeOf(parley.New(parley.TypeSource)), reflect.TypeOf(parley.New(parley.TypeEvent)),
		reflect.TypeOf(parley.New(parley.TypePosition))}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typ := range types {
			got, ok := blockDecode(bytes.Clone(b), typ)
			if !ok {
				continue
			}
			want, err := libraryDecode(b, typ)
			if err != nil {
				t.Fatalf("the block reader took what the library refuses (%v):\n%q", err, b)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%q as %v: block reader differs from the library:\n%s", b, typ, diff)
			}
		}
	})
}
