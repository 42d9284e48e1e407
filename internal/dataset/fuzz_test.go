package dataset_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
)

// FuzzRead feeds arbitrary bytes to the data-file reader, as a YAML or a
// JSON file. Whatever the bytes, it must not panic; a refusal is
// BAD_USER_INPUT with problems that name the file; a file that reads and
// validates must come back the same after Write and Read, in both
// formats (an empty list and none are the same). Seeds: testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		name := "data.yaml"
		if asJSON {
			name = "data.json"
		}
		fsys := fstest.MapFS{name: {Data: data}, "text.txt": {Data: []byte("Anna Berg said the valley is ours.")}}
		file, err := dataset.Read(fsys, name)
		if err != nil {
			var pe *parley.Error
			if !errors.As(err, &pe) || pe.Code != parley.EInvalid || len(pe.Problems) == 0 {
				t.Fatalf("refusal is not BAD_USER_INPUT with problems: %#v", err)
			}
			for _, p := range pe.Problems {
				if p.File != name || p.Message == "" {
					t.Fatalf("problem does not name the file or say what is wrong: %+v", p)
				}
			}
			return
		}
		problems := dataset.Validate([]*dataset.File{file}, nil)
		for _, p := range problems {
			if p.File != name || p.Message == "" || p.Code == "" {
				t.Fatalf("problem does not name the file, say what is wrong, or carry a code: %+v", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		for _, format := range []dataset.Format{dataset.YAML, dataset.JSON} {
			out, err := dataset.Write(file.Dataset, format)
			if err != nil {
				t.Fatalf("write as %s: %v", format, err)
			}
			again, err := dataset.Read(fstest.MapFS{name: {Data: out}}, name)
			if err != nil {
				t.Fatalf("read back what was written as %s: %v\n%s", format, err, out)
			}
			if diff := cmp.Diff(file.Dataset, again.Dataset, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("written as %s and read back (-read +again):\n%s\n%s", format, diff, out)
			}
		}
	})
}
