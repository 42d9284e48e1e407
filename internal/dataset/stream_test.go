package dataset_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
)

// lineOf returns the line (from 1) of byte offset i of text.
func lineOf(text string, i int) int { return strings.Count(text[:i], "\n") + 1 }

// validateFile reads a file as the CLI does (Open, then Scan an entry at
// a time into a Checker) and returns every problem, as FILE:LINE: path:
// message: those of reading first, then those of the checks.
func validateFile(t *testing.T, name string) []string {
	t.Helper()
	f, err := dataset.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	c := parley.NewChecker(nil)
	if err := f.Scan(func(it parley.Item) error {
		c.Declare(it)
		c.Check(it)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c.Finish()
	problems := c.Problems()
	dataset.Locate(problems, []*dataset.File{f})
	var out []string
	for _, p := range append(f.Problems, problems...) {
		out = append(out, p.String())
	}
	return out
}

// TestBigFileLines breaks a generated file of some 5,000 nodes in three
// places far apart, in both formats, and checks that every problem is
// reported at once, each with the line of the field at fault: an unknown
// field near the start, a dangling reference in the last position, and
// an unknown enum value in a commitment after it.
func TestBigFileLines(t *testing.T) {
	ds := gen.Generate(gen.Config{Actors: 100, Statements: 3000, Seed: 7})
	last := len(ds.Positions) - 1
	mid := len(ds.Commitments) / 2
	for _, format := range []dataset.Format{dataset.YAML, dataset.JSON} {
		t.Run(string(format), func(t *testing.T) {
			out, err := dataset.Write(ds, format)
			if err != nil {
				t.Fatal(err)
			}
			text := string(out)
			key := func(k string) string { // how the format writes a key
				if format == dataset.JSON {
					return `"` + k + `": `
				}
				return k + ": "
			}
			quote := func(v string) string {
				if format == dataset.JSON {
					return `"` + v + `"`
				}
				return v
			}
			// The last position's holder: a reference to nothing.
			at := strings.Index(text, key("id")+quote(ds.Positions[last].ID))
			h := at + strings.Index(text[at:], key("holder"))
			holderLine := lineOf(text, h)
			old := key("holder") + quote(ds.Positions[last].Holder)
			text = text[:h] + key("holder") + quote("nobody") + text[h+len(old):]
			// The middle commitment's polarity: an unknown value.
			at = strings.Index(text, key("id")+quote(ds.Commitments[mid].ID))
			p := at + strings.Index(text[at:], key("polarity"))
			polarityLine := lineOf(text, p)
			old = key("polarity") + quote(ds.Commitments[mid].Polarity)
			text = text[:p] + key("polarity") + quote("MAYBE") + text[p+len(old):]
			// The fourth actor: a misspelt field, on its own line after its id.
			at = strings.Index(text, key("id")+quote(ds.Actors[3].ID))
			eol := at + strings.Index(text[at:], "\n")
			ind := at - strings.LastIndex(text[:at], "\n") - 1
			extra := strings.Repeat(" ", ind) + key("nmae") + quote("x")
			if format == dataset.JSON {
				extra += ","
				// The id line ends with a comma; the new line goes after it.
			}
			unknownLine := lineOf(text, eol) + 1
			text = text[:eol+1] + extra + "\n" + text[eol+1:]
			holderLine++ // both come after the new line
			polarityLine++

			name := filepath.Join(t.TempDir(), "big."+string(format))
			if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			want := []string{
				fmt.Sprintf(`%s:%d: unknown field "nmae"`, name, unknownLine),
				fmt.Sprintf(`%s:%d: positions[%d].holder: holder refers to "nobody", which does not exist`, name, holderLine, last),
				fmt.Sprintf(`%s:%d: commitments[%d].polarity: unknown polarity "MAYBE": use one of POSITIVE, NEGATIVE`, name, polarityLine, mid),
			}
			if diff := cmp.Diff(want, validateFile(t, name)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScanMatchesParse checks that reading an entry at a time gives the
// same nodes as parsing the whole file at once, in both formats.
func TestScanMatchesParse(t *testing.T) {
	// Sections of more entries than the YAML reader reads at a time
	// (entryBatch), so that the batches' seams are crossed.
	ds := gen.Generate(gen.Config{Actors: 20, Statements: 1200, Seed: 3})
	ds.DefaultSource = ds.Sources[0].ID
	for _, format := range []dataset.Format{dataset.YAML, dataset.JSON} {
		out, err := dataset.Write(ds, format)
		if err != nil {
			t.Fatal(err)
		}
		f, err := dataset.Parse("gen."+string(format), out, nil)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		whole := &parley.Dataset{}
		if err := yaml.UnmarshalWithOptions(out, whole, yaml.DisallowUnknownField()); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(whole, f.Dataset, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Name" }, cmp.Ignore())); diff != "" {
			t.Errorf("%s: write then read (-want +got):\n%s", format, diff)
		}
	}
}

// TestYAMLStyles checks files that the entry cutter does not follow (flow
// lists, a sequence not indented under its key, comments between
// entries): they are read all the same.
func TestYAMLStyles(t *testing.T) {
	tests := map[string]string{
		"flow list":                    "actors: [{id: a, kind: PERSON, name: A}, {id: b, kind: STATE, name: B}]\n",
		"unindented list and comments": "# people\nactors:\n- id: a\n  kind: PERSON\n  name: A\n# and a state\n- id: b\n  kind: STATE\n  name: B\n",
		"document marker":              "---\nactors:\n  - id: a\n    kind: PERSON\n    name: A\n  - {id: b, kind: STATE, name: B}\n",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := dataset.Parse("f.yaml", []byte(text), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range f.Dataset.Actors {
				got = append(got, a.ID+" "+string(a.Kind)+" "+a.Name)
			}
			if diff := cmp.Diff([]string{"a PERSON A", "b STATE B"}, got); diff != "" {
				t.Errorf("actors (-want +got):\n%s", diff)
			}
		})
	}
}
