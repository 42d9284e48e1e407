// Package dataset reads and writes Parley's data format: YAML (or JSON,
// which is YAML too) files holding sources, actors and assertions that
// refer to each other by id. Errors point at the file and line.
package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/parley-graph/parley/internal/parley"
)

// File is one parsed data file.
type File struct {
	Dataset *parley.Dataset
	tree    *ast.File
}

// Read reads and parses the file name of fsys; a source's textFile is read
// relative to the file's folder in fsys.
func Read(fsys fs.FS, name string) (*File, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, readError(name, err)
	}
	dir, err := fs.Sub(fsys, path.Dir(name))
	if err != nil {
		return nil, readError(name, err)
	}
	return Parse(name, data, dir)
}

// ReadFile reads and parses the file at an operating-system path; a
// source's textFile is read relative to the file's folder.
func ReadFile(name string) (*File, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, readError(name, err)
	}
	return Parse(name, data, os.DirFS(filepath.Dir(name)))
}

func readError(name string, err error) error {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	return &parley.Error{Code: parley.EInvalid, Message: "cannot read file",
		Problems: []parley.Problem{{File: name, Code: parley.EInvalid, Message: "cannot read: " + msg}}}
}

// Parse parses data, the contents of the file name. dir, which may be nil,
// is the file's folder: it resolves textFile paths.
func Parse(name string, data []byte, dir fs.FS) (*File, error) {
	fail := func(line int, format string, args ...any) error {
		return &parley.Error{Code: parley.EInvalid, Message: "cannot parse file",
			Problems: []parley.Problem{{File: name, Line: line, Code: parley.EInvalid, Message: fmt.Sprintf(format, args...)}}}
	}
	tree, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fail(errorLine(err), "%s", errorMessage(err))
	}
	ds := &parley.Dataset{}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := yaml.UnmarshalWithOptions(data, ds, yaml.DisallowUnknownField()); err != nil {
			return nil, fail(errorLine(err), "%s", errorMessage(err))
		}
	}
	ds.Name = name
	f := &File{Dataset: ds, tree: tree}
	for i, s := range ds.Sources {
		if s == nil {
			return nil, fail(f.Line(fmt.Sprintf("sources[%d]", i)), "sources[%d] is empty", i)
		}
		if s.TextFile == "" {
			continue
		}
		line := f.Line(fmt.Sprintf("sources[%d].textFile", i))
		if s.Text != "" {
			return nil, fail(line, "sources[%d]: give text or textFile, not both", i)
		}
		if dir == nil {
			return nil, fail(line, "sources[%d].textFile: no folder to read %q from", i, s.TextFile)
		}
		if !fs.ValidPath(s.TextFile) {
			return nil, fail(line, "sources[%d].textFile: %q must be a path inside the file's folder", i, s.TextFile)
		}
		b, err := fs.ReadFile(dir, s.TextFile)
		if err != nil {
			return nil, fail(line, "sources[%d].textFile: cannot read %q", i, s.TextFile)
		}
		s.Text, s.TextFile = string(b), ""
	}
	if err := nilEntries(f); err != nil {
		return nil, err
	}
	return f, nil
}

// nilEntries refuses list entries left empty ("- " alone), which would
// otherwise reach validation as nil pointers.
func nilEntries(f *File) error {
	var problems []parley.Problem
	check := func(section string, n int, isNil func(int) bool) {
		for i := 0; i < n; i++ {
			if isNil(i) {
				p := fmt.Sprintf("%s[%d]", section, i)
				problems = append(problems, parley.Problem{File: f.Dataset.Name, Path: p, Line: f.Line(p), Code: parley.EInvalid, Message: "entry is empty"})
			}
		}
	}
	ds := f.Dataset
	check("actors", len(ds.Actors), func(i int) bool { return ds.Actors[i] == nil })
	check("events", len(ds.Events), func(i int) bool { return ds.Events[i] == nil })
	check("issues", len(ds.Issues), func(i int) bool { return ds.Issues[i] == nil })
	check("propositions", len(ds.Propositions), func(i int) bool { return ds.Propositions[i] == nil })
	check("documents", len(ds.Documents), func(i int) bool { return ds.Documents[i] == nil })
	check("roles", len(ds.Roles), func(i int) bool { return ds.Roles[i] == nil })
	check("relations", len(ds.Relations), func(i int) bool { return ds.Relations[i] == nil })
	check("participations", len(ds.Participations), func(i int) bool { return ds.Participations[i] == nil })
	check("positions", len(ds.Positions), func(i int) bool { return ds.Positions[i] == nil })
	check("commitments", len(ds.Commitments), func(i int) bool { return ds.Commitments[i] == nil })
	check("requirements", len(ds.Requirements), func(i int) bool { return ds.Requirements[i] == nil })
	check("statements", len(ds.Statements), func(i int) bool { return ds.Statements[i] == nil })
	check("claims", len(ds.Claims), func(i int) bool { return ds.Claims[i] == nil })
	if len(problems) > 0 {
		return &parley.Error{Code: parley.EInvalid, Message: "empty entries", Problems: problems}
	}
	return nil
}

// Line returns the line of the field at path (such as
// "positions[3].holder"), or of its nearest enclosing field that the file
// has; 0 if none.
func (f *File) Line(p string) int {
	if f == nil || f.tree == nil {
		return 0
	}
	for p != "" {
		yp, err := yaml.PathString("$." + p)
		if err == nil {
			if n, err := yp.FilterFile(f.tree); err == nil && n != nil && n.GetToken() != nil {
				return n.GetToken().Position.Line
			}
		}
		// Up one level: drop the last ".field" or "[i]".
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 1
}

// Validate checks the files together (they may refer to each other) and,
// when existing is not nil, against what a store holds. Problems come with
// the line they point at.
func Validate(files []*File, existing parley.Lookup) []parley.Problem {
	problems := parley.Validate(Datasets(files), existing)
	Locate(problems, files)
	return problems
}

// Locate sets the Line of each problem from the files they name.
func Locate(problems []parley.Problem, files []*File) {
	byName := map[string]*File{}
	for _, f := range files {
		byName[f.Dataset.Name] = f
	}
	for i := range problems {
		if f, ok := byName[problems[i].File]; ok && problems[i].Line == 0 {
			problems[i].Line = f.Line(problems[i].Path)
		}
	}
}

// Datasets returns the datasets of files.
func Datasets(files []*File) []*parley.Dataset {
	out := make([]*parley.Dataset, len(files))
	for i, f := range files {
		out[i] = f.Dataset
	}
	return out
}

// errorLine and errorMessage take the position and the bare message out of
// a go-yaml error.
func errorLine(err error) int {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return ye.GetToken().Position.Line
	}
	return 0
}

func errorMessage(err error) string {
	var ye yaml.Error
	if errors.As(err, &ye) {
		return ye.GetMessage()
	}
	return err.Error()
}

// Format names the output formats of Write.
type Format string

// Output formats.
const (
	YAML Format = "yaml"
	JSON Format = "json"
)

// Write encodes ds in the format: the same format Parse reads, so that what
// is exported can be imported again.
func Write(ds *parley.Dataset, format Format) ([]byte, error) {
	switch format {
	case JSON:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(ds); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	case YAML, "":
		return yaml.MarshalWithOptions(ds, yaml.Indent(2), yaml.IndentSequence(true), yaml.UseLiteralStyleIfMultiline(true))
	}
	return nil, parley.Errorf(parley.EInvalid, "unknown format %q: use yaml or json", format)
}
