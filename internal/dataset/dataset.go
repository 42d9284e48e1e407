// Package dataset reads and writes Parley's data format: YAML (or JSON,
// which is YAML too) files holding sources, actors and assertions that
// refer to each other by id. Errors point at the file and line.
package dataset

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/parley-graph/parley/internal/parley"
)

// File is one data file. Read, ReadFile and Parse read it whole into
// Dataset; Open only opens it, and Scan reads it an entry at a time.
type File struct {
	// Name is the file's name, in messages.
	Name    string
	Dataset *parley.Dataset
	// Problems are what Scan found wrong while reading (unknown fields,
	// values of the wrong type, empty entries), each with its line.
	Problems []parley.Problem

	data  []byte // the file's contents, when read from memory
	path  string // the file on disk, when read from there
	dir   fs.FS  // the file's folder, for textFile
	spans map[string][]span
	keys  map[string]int64 // byte offset of each top-level key
	tree  *ast.File        // the syntax tree, for a YAML file parsed whole
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

// Open opens the file at an operating-system path for Scan, which reads
// it from disk as it goes; a source's textFile is read relative to the
// file's folder.
func Open(name string) (*File, error) {
	st, err := os.Stat(name)
	if err == nil && st.IsDir() {
		err = &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	if err != nil {
		return nil, readError(name, err)
	}
	return &File{Name: name, path: name, dir: os.DirFS(filepath.Dir(name))}, nil
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
// is the file's folder: it resolves textFile paths. Any problem of reading
// (an unknown field, an empty entry…) is an error listing all of them.
func Parse(name string, data []byte, dir fs.FS) (*File, error) {
	f := &File{Name: name, data: data, dir: dir}
	ds := &parley.Dataset{Name: name}
	err := f.Scan(func(it parley.Item) error {
		if it.Path == "defaultSource" {
			ds.DefaultSource, _ = it.Node.(string)
			return nil
		}
		ds.Add(it.Node)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(f.Problems) > 0 {
		return nil, &parley.Error{Code: parley.EInvalid, Message: "cannot parse file", Problems: f.Problems}
	}
	f.Dataset = ds
	return f, nil
}

// Line returns the line of the field at path (such as
// "positions[3].holder"), or of its nearest enclosing field that the file
// has; 0 if none.
func (f *File) Line(p string) int {
	problems := []parley.Problem{{Path: p}}
	f.locate(problems)
	return problems[0].Line
}

// locate sets the line of each problem from its path, reading the file
// once for all of them.
func (f *File) locate(problems []parley.Problem) {
	if f == nil || len(problems) == 0 {
		return
	}
	if f.tree != nil {
		for i := range problems {
			problems[i].Line = treeLine(f.tree, "$.", problems[i].Path, 0)
		}
		return
	}
	type want struct {
		off int64
		rel int
	}
	wants := make([]want, len(problems))
	var offs []int64
	for i, pr := range problems {
		w := want{off: -1}
		section, rest, _ := strings.Cut(pr.Path, ".")
		top, index, hasIndex := strings.Cut(section, "[")
		if k, ok := f.keys[top]; ok {
			w = want{k, 1}
		}
		if hasIndex {
			n, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
			spans := f.spans[top]
			if err == nil && n >= 0 && n < len(spans) && spans[n].start >= 0 {
				b, off, err := f.chunk(spans[n])
				if err == nil {
					w = want{off, entryLine(b, rest)}
				}
			}
		}
		wants[i] = w
		if w.off >= 0 {
			offs = append(offs, w.off)
		}
	}
	lines := f.linesAt(offs)
	for i, w := range wants {
		if w.off >= 0 {
			problems[i].Line = lines[w.off] + w.rel - 1
		} else {
			problems[i].Line = 1
		}
	}
}

// entryLine returns the line, counted from 1 within an entry's text b, of
// the field at path rest (such as "evidence[0].quote") inside it.
func entryLine(b []byte, rest string) int {
	tree, err := parser.ParseBytes(b, 0)
	if err != nil || len(tree.Docs) == 0 {
		return 1
	}
	prefix := "$."
	if _, ok := tree.Docs[0].Body.(*ast.SequenceNode); ok {
		prefix = "$[0]."
	}
	return treeLine(tree, prefix, rest, 1)
}

// treeLine finds the line of the field at p in tree, or of its nearest
// enclosing field; def if none.
func treeLine(tree *ast.File, prefix, p string, def int) int {
	for {
		expr := strings.TrimSuffix(prefix+p, ".")
		if yp, err := yaml.PathString(expr); err == nil {
			if n, err := yp.FilterFile(tree); err == nil && n != nil && n.GetToken() != nil {
				return n.GetToken().Position.Line
			}
		}
		if p == "" {
			break
		}
		// Up one level: drop the last ".field" or "[i]".
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			p = ""
			continue
		}
		p = p[:i]
	}
	if def == 0 {
		return 1
	}
	return def
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
		byName[f.Name] = f
	}
	todo := map[*File][]int{}
	for i := range problems {
		if f, ok := byName[problems[i].File]; ok && problems[i].Line == 0 {
			todo[f] = append(todo[f], i)
		}
	}
	for f, idx := range todo {
		ps := make([]parley.Problem, len(idx))
		for j, i := range idx {
			ps[j] = problems[i]
		}
		f.locate(ps)
		for j, i := range idx {
			problems[i].Line = ps[j].Line
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
// is exported can be imported again. Encode writes the same bytes as it
// goes.
func Write(ds *parley.Dataset, format Format) ([]byte, error) {
	var buf bytes.Buffer
	if err := Encode(&buf, ds, format); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
