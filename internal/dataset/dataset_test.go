package dataset_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
)

const text = "Anna Berg said the valley is ours.\n"

func files(yaml string) fstest.MapFS {
	return fstest.MapFS{
		"data/graph.yaml": {Data: []byte(yaml)},
		"data/text.txt":   {Data: []byte(text)},
	}
}

const good = `defaultSource: s
sources:
  - id: s
    title: A text
    textFile: text.txt
actors:
  - id: anna-berg
    kind: PERSON
    name: Anna Berg
statements:
  - id: st-1
    speaker: anna-berg
    mode: INDIRECT
    words: the valley is ours
    evidence:
      - quote: Anna Berg said the valley is ours.
    expressesNothing: A fixture; this small file holds nothing it could voice.
`

func TestReadResolvesTextFile(t *testing.T) {
	f, err := dataset.Read(files(good), "data/graph.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Dataset.Sources[0].Text; got != text {
		t.Errorf("text = %q, want %q", got, text)
	}
	if f.Dataset.Sources[0].TextFile != "" {
		t.Errorf("textFile kept after reading it")
	}
	if problems := dataset.Validate([]*dataset.File{f}, nil); len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	ev := f.Dataset.Statements[0].Evidence[0]
	if ev.Source != "s" || *ev.Start != 0 || *ev.End != 34 {
		t.Errorf("evidence = %+v, want source s, 0..34", ev)
	}
}

// TestProblemLines checks that each problem names the line of the field at
// fault, as FILE:LINE: path: message.
func TestProblemLines(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{"dangling reference", "speaker: anna-berg", "speaker: nobody",
			`data/graph.yaml:12: statements[0].speaker: speaker refers to "nobody", which does not exist`},
		{"unknown enum", "kind: PERSON", "kind: HUMAN",
			`data/graph.yaml:8: actors[0].kind: unknown kind "HUMAN": use one of PERSON, STATE, ORGANIZATION, GROUP`},
		{"quote not in source", "quote: Anna Berg said the valley is ours.", "quote: Anna Berg said the hill is ours.",
			`data/graph.yaml:16: statements[0].evidence[0].quote: the words "Anna Berg said the hill is ours." are not in source "s"`},
		{"missing field points at its entry", "    name: Anna Berg\n", "",
			`data/graph.yaml:7: actors[0].name: name is required`},
		{"statement that voices nothing and says not why", "    expressesNothing: A fixture; this small file holds nothing it could voice.\n", "",
			`data/graph.yaml:11: statements[0].expresses: statement "st-1" expresses nothing: list the positions, claims or commitments it voices in expresses, or say why it voices none in expressesNothing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := dataset.Read(files(strings.Replace(good, tt.old, tt.new, 1)), "data/graph.yaml")
			if err != nil {
				t.Fatal(err)
			}
			problems := dataset.Validate([]*dataset.File{f}, nil)
			var got []string
			for _, p := range problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", "actors:\n  - id: a\n    kind: PERSON\n    nmae: A\n", `data/graph.yaml:4: unknown field "nmae"`},
		{"bad syntax", "actors:\n  - id: a\n   kind: [PERSON\n", "data/graph.yaml:3: "},
		{"wrong type", "actors:\n  - id: a\n    aliases: 7\n", "data/graph.yaml:3: "},
		{"empty entry", "actors:\n  -\n", "data/graph.yaml:2: actors[0]: entry is empty"},
		{"text and textFile", "sources:\n  - id: s\n    title: t\n    text: x\n    textFile: text.txt\n", "data/graph.yaml:5: sources[0]: give text or textFile, not both"},
		{"textFile outside the folder", "sources:\n  - id: s\n    title: t\n    textFile: ../secret\n", `data/graph.yaml:4: sources[0].textFile: "../secret" must be a path inside the file's folder`},
		{"missing textFile", "sources:\n  - id: s\n    title: t\n    textFile: gone.txt\n", `data/graph.yaml:4: sources[0].textFile: cannot read "gone.txt"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dataset.Read(files(tt.yaml), "data/graph.yaml")
			var de *parley.Error
			if !errors.As(err, &de) || len(de.Problems) != 1 {
				t.Fatalf("error = %v, want one problem", err)
			}
			if de.Code != parley.EInvalid {
				t.Errorf("code = %s, want %s", de.Code, parley.EInvalid)
			}
			if got := de.Problems[0].String(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("problem = %q, want it to start with %q", got, tt.want)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := dataset.ReadFile("testdata/none.yaml")
	var de *parley.Error
	if !errors.As(err, &de) || !strings.Contains(de.Problems[0].String(), "testdata/none.yaml: cannot read: no such file or directory") {
		t.Fatalf("error = %v", err)
	}
	if _, err := os.Stat("testdata/none.yaml"); err == nil {
		t.Fatal("test file exists")
	}
}

func TestWriteFormats(t *testing.T) {
	f, err := dataset.Read(files(good), "data/graph.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dataset.Validate([]*dataset.File{f}, nil)
	for _, format := range []dataset.Format{dataset.YAML, dataset.JSON} {
		out, err := dataset.Write(f.Dataset, format)
		if err != nil {
			t.Fatal(err)
		}
		back, err := dataset.Parse("out", out, nil)
		if err != nil {
			t.Fatalf("%s: parse what Write wrote: %v\n%s", format, err, out)
		}
		if diff := cmp.Diff(f.Dataset, back.Dataset, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Name" }, cmp.Ignore())); diff != "" {
			t.Errorf("%s: write then parse (-want +got):\n%s", format, diff)
		}
	}
	if _, err := dataset.Write(f.Dataset, "xml"); parley.ErrorCode(err) != parley.EInvalid {
		t.Errorf("Write(xml) error = %v, want BAD_USER_INPUT", err)
	}
}
