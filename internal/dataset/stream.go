package dataset

// Reading a file node by node. A data file is a mapping of sections
// (sources, actors, …), each a list of entries. A JSON file is read with a
// streaming JSON decoder, an entry at a time; a YAML file in block style
// (what Write and people write) is cut into its entries by their
// indentation, and each entry is parsed alone (by the block reader of
// block.go when it can, else by the YAML library), so that neither holds
// the whole file or its syntax tree. A YAML file in another style is parsed
// whole. Each entry's place in the file is kept as a byte range, and a
// problem's line is found only when there is a problem, by parsing that
// entry again.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/parley-graph/parley/internal/parley"
)

// sectionTypes maps a section's name to the type of its entries.
var sectionTypes = map[string]parley.NodeType{}

func init() {
	for _, t := range []parley.NodeType{parley.TypeSource, parley.TypeActor, parley.TypeEvent, parley.TypeIssue,
		parley.TypeProposition, parley.TypeDocument, parley.TypeRole, parley.TypeRelation, parley.TypeParticipation,
		parley.TypePosition, parley.TypeCommitment, parley.TypeRequirement, parley.TypeStatement, parley.TypeClaim} {
		sectionTypes[parley.Section(t)] = t
	}
}

// span is the byte range of an entry in its file.
type span struct{ start, end int64 }

// readProblem is a problem found while reading, whose line is found at
// the end: at line rel of the text that starts at byte off (off < 0: the
// line is in Problem already, or found from its path).
type readProblem struct {
	p   parley.Problem
	off int64
	rel int
	// at, if set, is the path whose line the problem takes.
	at string
}

// scanner reads one file.
type scanner struct {
	f        *File
	fn       func(parley.Item) error
	problems []readProblem
	counts   map[string]int
}

func (s *scanner) problemAt(off int64, rel int, path, format string, args ...any) {
	s.problems = append(s.problems, readProblem{parley.Problem{File: s.f.Name, Path: path, Code: parley.EInvalid, Message: fmt.Sprintf(format, args...)}, off, rel, ""})
}

// fatal is a problem that stops the reading of a file (bad syntax). fast
// is set when the fast JSON reader found it (see jsonAgain).
type fatal struct {
	rp   readProblem
	fast bool
}

func (e *fatal) Error() string { return e.rp.p.Message }

// emit hands one entry on, after the checks that need the file: an empty
// entry, and a source's textFile.
func (s *scanner) emit(section string, v any, sp span) error {
	i := s.counts[section]
	s.counts[section]++
	s.f.spans[section] = append(s.f.spans[section], sp)
	path := fmt.Sprintf("%s[%d]", section, i)
	if v == errEntry {
		return nil // its problem is reported
	}
	if v == nil || reflect.ValueOf(v).IsNil() {
		s.problems = append(s.problems, readProblem{parley.Problem{File: s.f.Name, Path: path, Code: parley.EInvalid, Message: "entry is empty"}, -1, 0, ""})
		return nil
	}
	if src, ok := v.(*parley.Source); ok && src.TextFile != "" {
		s.textFile(path, src)
	}
	return s.fn(parley.Item{File: s.f.Name, Path: path, Node: v})
}

func (s *scanner) textFile(path string, src *parley.Source) {
	p := path + ".textFile"
	add := func(format string, args ...any) {
		s.problems = append(s.problems, readProblem{parley.Problem{File: s.f.Name, Path: p, Code: parley.EInvalid, Message: fmt.Sprintf(format, args...)}, -1, 0, ""})
	}
	switch {
	case src.Text != "":
		s.problems = append(s.problems, readProblem{parley.Problem{File: s.f.Name, Path: path, Code: parley.EInvalid, Message: "give text or textFile, not both"}, -1, 0, p})
	case s.f.dir == nil:
		add("no folder to read %q from", src.TextFile)
	case !fs.ValidPath(src.TextFile):
		add("%q must be a path inside the file's folder", src.TextFile)
	default:
		b, err := fs.ReadFile(s.f.dir, src.TextFile)
		if err != nil {
			add("cannot read %q", src.TextFile)
			return
		}
		src.Text, src.TextFile = string(b), ""
	}
}

// Scan reads the file's entries in order and calls fn with each, and with
// the file's defaultSource (an Item with Path "defaultSource") where the
// file sets one. Problems that do not stop the reading (unknown fields,
// values of the wrong type, empty entries, a textFile that cannot be read)
// are kept in f.Problems and reading goes on, so that every problem of a
// file is found at once; bad syntax stops it with an *parley.Error. An
// error from fn stops it too and is returned.
func (f *File) Scan(fn func(parley.Item) error) error {
	var r io.Reader
	if f.data != nil {
		r = bytes.NewReader(f.data)
	} else {
		file, err := os.Open(f.path)
		if err != nil {
			return readError(f.Name, err)
		}
		defer file.Close()
		r = file
	}
	f.spans = map[string][]span{}
	f.keys = map[string]int64{}
	f.Problems = nil
	s := &scanner{f: f, fn: fn, counts: map[string]int{}}
	br := bufio.NewReaderSize(r, 1<<20)
	first, err := firstByte(br)
	if err != nil {
		return readError(f.Name, err)
	}
	if first == '{' && legacyJSON {
		err = s.jsonLegacy(br)
	} else if first == '{' {
		err = s.json(br)
		var ft *fatal
		if errors.As(err, &ft) && ft.fast {
			err = s.jsonAgain(ft)
		}
	} else {
		err = s.yaml(br)
	}
	var ft *fatal
	if errors.As(err, &ft) {
		s.problems = append(s.problems, ft.rp)
	} else if err != nil {
		return err
	}
	f.Problems = f.resolve(s.problems)
	if ft != nil {
		return &parley.Error{Code: parley.EInvalid, Message: "cannot parse file", Problems: f.Problems}
	}
	return nil
}

// firstByte peeks at the first byte that is not white space.
func firstByte(br *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			if err == io.EOF {
				return 0, nil
			}
			return 0, err
		}
		if c := b[n-1]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c, nil
		}
		if n >= br.Size() {
			return 0, nil
		}
	}
}

// The JSON reader. A file is read by the tokenizer and decoder of the Go
// team's json v2 module (github.com/go-json-experiment/json), which
// decodes an entry into its Go type in about a third of the instructions
// of encoding/json. What it accepts strictly (field names exactly as the
// format spells them, no unknown field, every value of its field's type)
// it reads as encoding/json does; anything else goes to encoding/json as
// before, so that every problem is found, placed and worded as it was:
// an entry v2 refuses is decoded again by encoding/json (which, unlike v2,
// matches field names whatever their case), and then, if that refuses it
// too, read by slowEntry; a file whose syntax v2 refuses is read again
// from the start by jsonLegacy, the encoding/json reader, for its
// problems (jsonAgain). TestJSONReadersAgree compares the two readers.
var (
	// jsonSyntax is what v1 accepts and v2 does not by default: the same
	// name twice in an object (the last one wins), and invalid UTF-8 in a
	// string (each bad byte read as U+FFFD).
	jsonSyntax = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	jsonStrict = jsonv2.JoinOptions(jsonSyntax, jsonv2.RejectUnknownMembers(true))
)

// legacyJSON makes Scan read JSON with jsonLegacy alone (for tests).
var legacyJSON bool

// isSyntaxError tells a v2 error of syntax (which stops the reading) from
// one of decoding.
func isSyntaxError(err error) bool {
	var se *jsontext.SyntacticError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// json reads a JSON file, an object of sections, with json v2.
func (s *scanner) json(r io.Reader) error {
	dec := jsontext.NewDecoder(r, jsonSyntax)
	syntax := func(err error) error {
		off := dec.InputOffset()
		var se *jsontext.SyntacticError
		if errors.As(err, &se) {
			off = se.ByteOffset
		}
		msg := err.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			msg = "unexpected end of file"
		}
		return &fatal{readProblem{parley.Problem{File: s.f.Name, Code: parley.EInvalid, Message: strings.TrimPrefix(msg, "jsontext: ")}, off, 1, ""}, true}
	}
	// peek returns the kind of the next token, or the error that stops
	// there.
	peek := func() (jsontext.Kind, error) {
		if k := dec.PeekKind(); k != 0 {
			return k, nil
		}
		_, err := dec.ReadToken()
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return 0, syntax(err)
	}
	if _, err := dec.ReadToken(); err != nil { // {
		return syntax(err)
	}
	for {
		k, err := peek()
		if err != nil {
			return err
		}
		if k == '}' {
			break
		}
		off := dec.InputOffset()
		tok, err := dec.ReadToken()
		if err != nil {
			return syntax(err)
		}
		key := tok.String()
		s.f.keys[key] = off
		t, isSection := sectionTypes[key]
		switch {
		case key == "defaultSource":
			raw, err := dec.ReadValue()
			if err != nil {
				return syntax(err)
			}
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				s.problemAt(off, 1, "defaultSource", "defaultSource must be a string")
				continue
			}
			if err := s.fn(parley.Item{File: s.f.Name, Path: "defaultSource", Node: v}); err != nil {
				return err
			}
		case isSection:
			k, err := peek()
			if err != nil {
				return err
			}
			if k == 'n' {
				dec.ReadToken()
				continue // null: no entries
			}
			if k != '[' {
				s.problemAt(off, 1, key, "%s must be a list", key)
				if err := dec.SkipValue(); err != nil {
					return syntax(err)
				}
				continue
			}
			dec.ReadToken() // [
			depth := dec.StackDepth()
			typ := reflect.TypeOf(parley.New(t))
			for {
				k, err := peek()
				if err != nil {
					return err
				}
				if k == ']' {
					break
				}
				start := dec.InputOffset()
				pv := reflect.New(typ)
				if err = jsonv2.UnmarshalDecode(dec, pv.Interface(), jsonStrict); err != nil {
					if isSyntaxError(err) {
						return syntax(err)
					}
					// The rest of the entry, up to the list.
					for dec.StackDepth() > depth {
						if _, err := dec.ReadToken(); err != nil {
							return syntax(err)
						}
					}
				}
				sp := span{start, dec.InputOffset()}
				var v any
				if err != nil {
					if v, err = s.entryAgain(sp, typ); err != nil {
						return err
					}
				} else if !pv.Elem().IsNil() {
					v = pv.Elem().Interface()
				}
				if err := s.emit(key, v, sp); err != nil {
					return err
				}
			}
			dec.ReadToken() // ]
		default:
			s.problemAt(off, 1, "", "unknown field %q", key)
			if err := dec.SkipValue(); err != nil {
				return syntax(err)
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil { // }
		return syntax(err)
	}
	return nil
}

// entryAgain decodes an entry that json v2 refused with encoding/json,
// which reads it as the reader always did (field names in any case); if
// that refuses it too, slowEntry reports why.
func (s *scanner) entryAgain(sp span, typ reflect.Type) (any, error) {
	b, _, err := s.f.chunk(sp)
	if err != nil {
		return nil, readError(s.f.Name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	pv := reflect.New(typ)
	if err := dec.Decode(pv.Interface()); err != nil {
		return s.slowEntry(sp, typ, true)
	}
	if pv.Elem().IsNil() {
		return nil, nil
	}
	return pv.Elem().Interface(), nil
}

// jsonAgain reads a JSON file whose syntax json v2 refused (ft) again
// from the start, with jsonLegacy, for the problems encoding/json finds
// in it, worded and placed as they always were. The entries before the
// fault were handed on already and are not again.
func (s *scanner) jsonAgain(ft *fatal) error {
	var r io.Reader
	if s.f.data != nil {
		r = bytes.NewReader(s.f.data)
	} else {
		file, err := os.Open(s.f.path)
		if err != nil {
			return readError(s.f.Name, err)
		}
		defer file.Close()
		r = file
	}
	s.f.spans = map[string][]span{}
	s.f.keys = map[string]int64{}
	s.problems, s.counts = nil, map[string]int{}
	s.fn = func(parley.Item) error { return nil }
	err := s.jsonLegacy(bufio.NewReaderSize(r, 1<<20))
	if err == nil {
		// encoding/json saw nothing wrong: v2's word, then.
		return ft
	}
	return err
}

// jsonLegacy reads a JSON file, an object of sections, with encoding/json
// (see json).
func (s *scanner) jsonLegacy(r io.Reader) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	syntax := func(err error) error {
		var se *json.SyntaxError
		off := dec.InputOffset()
		if errors.As(err, &se) {
			off = se.Offset
		}
		msg := err.Error()
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			msg = "unexpected end of file"
		}
		return &fatal{readProblem{parley.Problem{File: s.f.Name, Code: parley.EInvalid, Message: strings.TrimPrefix(msg, "json: ")}, off, 1, ""}, false}
	}
	if _, err := dec.Token(); err != nil { // {
		return syntax(err)
	}
	for dec.More() {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		key, _ := tok.(string)
		s.f.keys[key] = off
		t, isSection := sectionTypes[key]
		switch {
		case key == "defaultSource":
			var v string
			if err := dec.Decode(&v); err != nil {
				var se *json.SyntaxError
				if errors.As(err, &se) {
					return syntax(err)
				}
				s.problemAt(off, 1, "defaultSource", "defaultSource must be a string")
				continue
			}
			if err := s.fn(parley.Item{File: s.f.Name, Path: "defaultSource", Node: v}); err != nil {
				return err
			}
		case isSection:
			tok, err := dec.Token()
			if err != nil {
				return syntax(err)
			}
			if tok == nil {
				continue // null: no entries
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				s.problemAt(off, 1, key, "%s must be a list", key)
				if d, ok := tok.(json.Delim); ok && d == '{' {
					if err := skipRest(dec); err != nil {
						return syntax(err)
					}
				}
				continue
			}
			typ := reflect.TypeOf(parley.New(t))
			for dec.More() {
				start := dec.InputOffset()
				pv := reflect.New(typ)
				err := dec.Decode(pv.Interface())
				sp := span{start, dec.InputOffset()}
				if err != nil {
					var se *json.SyntaxError
					if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
						return syntax(err)
					}
				}
				var v any
				if err != nil {
					if v, err = s.slowEntry(sp, typ, true); err != nil {
						return err
					}
				} else if !pv.Elem().IsNil() {
					v = pv.Elem().Interface()
				}
				if err := s.emit(key, v, sp); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // ]
				return syntax(err)
			}
		default:
			s.problemAt(off, 1, "", "unknown field %q", key)
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntax(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return syntax(err)
	}
	return nil
}

// skipRest skips the rest of an object or list whose opening token was read.
func skipRest(dec *json.Decoder) error {
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// chunk returns the text of an entry, without the white space and comma
// before it, and the number of lines skipped with them.
func (f *File) chunk(sp span) ([]byte, int64, error) {
	var b []byte
	if f.data != nil {
		b = f.data[sp.start:sp.end]
	} else {
		file, err := os.Open(f.path)
		if err != nil {
			return nil, 0, err
		}
		defer file.Close()
		b = make([]byte, sp.end-sp.start)
		if _, err := file.ReadAt(b, sp.start); err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, err
		}
	}
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' || b[i] == ',') {
		i++
	}
	// Keep the indentation of the entry's first line (YAML needs it).
	for i > 0 && (b[i-1] == ' ' || b[i-1] == '\t') {
		i--
	}
	return b[i:], sp.start + int64(i), nil
}

// errEntry stands for an entry that could not be decoded, whose problem
// is reported already.
var errEntry any = new(struct{ unreadable bool })

// slowEntry reads an entry that failed to decode: every unknown field is
// a problem with its line, and so is a value of the wrong type; the entry
// is then decoded as well as it can be, so that checking goes on.
func (s *scanner) slowEntry(sp span, typ reflect.Type, isJSON bool) (any, error) {
	b, off, err := s.f.chunk(sp)
	if err != nil {
		return nil, readError(s.f.Name, err)
	}
	file, err := parser.ParseBytes(b, 0)
	if err != nil {
		return nil, &fatal{readProblem{parley.Problem{File: s.f.Name, Code: parley.EInvalid, Message: errorMessage(err)}, off, errorLine(err), ""}, false}
	}
	var root ast.Node
	if len(file.Docs) > 0 {
		root = file.Docs[0].Body
	}
	if isJSON {
		unknownFields(root, typ, func(line int, key string) { s.problemAt(off, line, "", "unknown field %q", key) })
	} else {
		unknownFields(root, reflect.SliceOf(typ), func(line int, key string) { s.problemAt(off, line, "", "unknown field %q", key) })
	}
	pv := reflect.New(typ)
	if isJSON {
		if err := json.Unmarshal(b, pv.Interface()); err != nil {
			s.problemAt(off, 1, "", "%s", jsonTypeError(err))
			return errEntry, nil
		}
	} else {
		list := reflect.New(reflect.SliceOf(typ))
		if err := yamlUnmarshal(b, list.Interface()); err != nil {
			s.problemAt(off, errorLine(err), "", "%s", errorMessage(err))
			return errEntry, nil
		}
		if list.Elem().Len() > 0 {
			pv.Elem().Set(list.Elem().Index(0))
		}
	}
	if pv.Elem().IsNil() {
		return nil, nil
	}
	return pv.Elem().Interface(), nil
}

func jsonTypeError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: cannot use a JSON %s here, want %s", te.Field, te.Value, te.Type)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// unknownFields reports each mapping key of n that the Go type t has no
// field for, recursively.
func unknownFields(n ast.Node, t reflect.Type, report func(line int, key string)) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n := n.(type) {
	case nil:
		return
	case *ast.DocumentNode:
		unknownFields(n.Body, t, report)
	case *ast.TagNode:
		unknownFields(n.Value, t, report)
	case *ast.AnchorNode:
		unknownFields(n.Value, t, report)
	case *ast.SequenceNode:
		if t.Kind() != reflect.Slice {
			return
		}
		for _, v := range n.Values {
			unknownFields(v, t.Elem(), report)
		}
	case *ast.MappingNode:
		for _, mv := range n.Values {
			unknownFields(mv, t, report)
		}
	case *ast.MappingValueNode:
		if t.Kind() != reflect.Struct {
			return
		}
		tok := n.Key.GetToken()
		if tok == nil {
			return
		}
		ft, ok := fieldType(t, tok.Value)
		if !ok {
			report(tok.Position.Line, tok.Value)
			return
		}
		unknownFields(n.Value, ft, report)
	}
}

// fieldType returns the type of the field of struct t named name in the
// file format (its json tag), looking into embedded structs. The answers
// are kept: the block reader asks for every key of every entry (at 100k
// assertions, looking them up each time was a quarter of its time).
func fieldType(t reflect.Type, name string) (reflect.Type, bool) {
	k := fieldKey{t, name}
	if f, ok := fieldTypes.Load(k); ok {
		return f.(reflect.Type), true
	}
	ft, ok := lookupField(t, name)
	if ok {
		fieldTypes.Store(k, ft)
	}
	return ft, ok
}

type fieldKey struct {
	t    reflect.Type
	name string
}

// fieldTypes holds the fields found by fieldType (not the names that are
// no field, which a file spells as it likes): at most every field of the
// format's types.
var fieldTypes sync.Map

func lookupField(t reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if ft, ok := lookupField(f.Type, name); ok {
				return ft, true
			}
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" || !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return f.Type, true
		}
	}
	return nil, false
}

// topKey matches a section's key at the start of a line, with what
// follows the colon.
var topKey = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]+(.*))?$`)

// errWhole asks for the file to be parsed whole: it is YAML in a style
// the cutter does not follow.
var errWhole = errors.New("parse whole")

// yaml reads a YAML file by cutting it into entries.
func (s *scanner) yaml(br *bufio.Reader) error {
	c := &cutter{br: br}
	err := s.cut(c)
	if !errors.Is(err, errWhole) {
		return err
	}
	if s.f.data == nil {
		// Read it all (the rare file in another style).
		b, err := os.ReadFile(s.f.path)
		if err != nil {
			return readError(s.f.Name, err)
		}
		s.f.data = b
	}
	if len(s.counts) > 0 {
		return &fatal{readProblem{parley.Problem{File: s.f.Name, Code: parley.EInvalid, Message: "cannot read this YAML style: write each section as a block list"}, 0, 1, ""}, false}
	}
	return s.whole()
}

// cutter reads a file line by line.
type cutter struct {
	br   *bufio.Reader
	off  int64 // offset of the next line
	line []byte
	at   int64 // offset of line
	eof  bool
	held bool
}

// next returns the next line (without its newline), or false at the end.
func (c *cutter) next() ([]byte, int64, bool, error) {
	if c.held {
		c.held = false
		return c.line, c.at, true, nil
	}
	if c.eof {
		return nil, c.off, false, nil
	}
	var line []byte
	for {
		part, err := c.br.ReadSlice('\n')
		if line == nil && err == nil {
			line = part
		} else {
			line = append(line, part...)
		}
		if err == bufio.ErrBufferFull {
			line = append([]byte(nil), line...)
			continue
		}
		if err == io.EOF {
			c.eof = true
			if len(line) == 0 {
				return nil, c.off, false, nil
			}
			break
		}
		if err != nil {
			return nil, c.off, false, err
		}
		break
	}
	c.at = c.off
	c.off += int64(len(line))
	c.line = bytes.TrimRight(line, "\r\n")
	return c.line, c.at, true, nil
}

// back makes next return the same line again.
func (c *cutter) back() { c.held = true }

func indent(line []byte) (int, bool) {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	if n < len(line) && line[n] == '\t' {
		return n, false
	}
	return n, true
}

func blankOrComment(line []byte) bool {
	t := bytes.TrimLeft(line, " \t")
	return len(t) == 0 || t[0] == '#'
}

func isDash(line []byte, n int) bool {
	return n < len(line) && line[n] == '-' && (n+1 == len(line) || line[n+1] == ' ')
}

func (s *scanner) cut(c *cutter) error {
	started := false
	for {
		line, at, ok, err := c.next()
		if err != nil {
			return readError(s.f.Name, err)
		}
		if !ok {
			return nil
		}
		if blankOrComment(line) {
			continue
		}
		if !started && (bytes.Equal(line, []byte("---")) || bytes.HasPrefix(line, []byte("%"))) {
			started = true
			continue
		}
		started = true
		m := topKey.FindSubmatch(line)
		if m == nil || line[0] == ' ' {
			return errWhole
		}
		key, rest := string(m[1]), strings.TrimSpace(string(m[2]))
		s.f.keys[key] = at
		if rest != "" && !strings.HasPrefix(rest, "#") {
			// A value on the key's line: decode the line alone.
			if err := s.inline(key, line, at); err != nil {
				return err
			}
			continue
		}
		t, isSection := sectionTypes[key]
		if !isSection {
			if key == "defaultSource" {
				return errWhole
			}
			s.problemAt(at, 1, "", "unknown field %q", key)
			// Skip its value: the lines indented under it.
			for {
				l, _, ok, err := c.next()
				if err != nil {
					return readError(s.f.Name, err)
				}
				if !ok {
					return nil
				}
				if !blankOrComment(l) && (l[0] != ' ' && !isDash(l, 0)) {
					c.back()
					break
				}
			}
			continue
		}
		if err := s.entries(c, key, t); err != nil {
			return err
		}
	}
}

// inline decodes a top-level key with its value on one line.
func (s *scanner) inline(key string, line []byte, at int64) error {
	var ds parley.Dataset
	if err := yamlUnmarshal(line, &ds, yaml.DisallowUnknownField()); err != nil {
		if _, known := sectionTypes[key]; known || key == "defaultSource" {
			return errWhole // a flow list, perhaps on several lines
		}
		s.problemAt(at, 1, "", "unknown field %q", key)
		return nil
	}
	if key == "defaultSource" {
		return s.fn(parley.Item{File: s.f.Name, Path: "defaultSource", Node: ds.DefaultSource})
	}
	var n int
	ds.Each(func(parley.Item) { n++ })
	if n > 0 {
		return errWhole
	}
	return nil
}

// entries reads the list of a section: each entry starts with a dash at
// the list's indentation and runs to the next line indented as much or
// less that is not blank or a comment. The entries are cut a batch at a
// time and read by the block reader on every core (it depends on nothing
// but the entry's text); then, in order, each entry the block reader did
// not read goes to the YAML library, and each is handed on, so that the
// entries, and any problems, come in the file's order as before.
func (s *scanner) entries(c *cutter, key string, t parley.NodeType) error {
	typ := reflect.TypeOf(parley.New(t))
	var batch []cutEntry
	var text []byte // the batch's entries, one after the other
	var buf []byte
	var start int64 = -1
	listIndent := -1
	// done decodes and hands on the entries cut so far.
	done := func() error {
		for i := range batch {
			batch[i].b = text[batch[i].from:batch[i].to]
		}
		blockDecodeAll(batch, typ)
		for _, e := range batch {
			v := e.v
			if !e.ok {
				var err error
				if v, err = s.decodeEntry(e.b, e.sp, typ); err != nil {
					return err
				}
			}
			if err := s.emit(key, v, e.sp); err != nil {
				return err
			}
		}
		clear(batch)
		batch, text = batch[:0], text[:0]
		return nil
	}
	// flush ends the entry being cut.
	flush := func(end int64) error {
		if start < 0 {
			return nil
		}
		batch = append(batch, cutEntry{sp: span{start, end}, from: len(text), to: len(text) + len(buf)})
		text = append(text, buf...)
		buf, start = buf[:0], -1
		if len(batch) == entryBatch {
			return done()
		}
		return nil
	}
	// finish hands on what is cut, then returns err: the entries before a
	// style the cutter does not follow are read, as they were when each
	// was handed on as it was cut (a file of a style it does not follow
	// after the first entry is refused, see yaml).
	finish := func(err error) error {
		if e := done(); e != nil {
			return e
		}
		return err
	}
	for {
		line, at, ok, err := c.next()
		if err != nil {
			return finish(readError(s.f.Name, err))
		}
		if !ok {
			if err := flush(c.off); err != nil {
				return err
			}
			return finish(nil)
		}
		n, spaces := indent(line)
		if !spaces {
			return finish(errWhole)
		}
		if blankOrComment(line) {
			if start >= 0 {
				buf = append(append(buf, line...), '\n')
			}
			continue
		}
		if listIndent < 0 {
			if !isDash(line, n) {
				if n == 0 {
					c.back() // an empty section
					return nil
				}
				return errWhole
			}
			listIndent = n
		}
		switch {
		case n == listIndent && isDash(line, n):
			if err := flush(at); err != nil {
				return err
			}
			start = at
			buf = append(append(buf, line...), '\n')
		case n > listIndent:
			buf = append(append(buf, line...), '\n')
		case n == 0:
			c.back()
			if err := flush(at); err != nil {
				return err
			}
			return finish(nil)
		default:
			return finish(errWhole)
		}
	}
}

// entryBatch is how many entries are cut before they are read.
const entryBatch = 512

// cutEntry is an entry cut from the file: its text (b, at from:to of the
// batch's text), its place, and what the block reader read (ok) from it.
type cutEntry struct {
	b        []byte
	from, to int
	sp       span
	v        any
	ok       bool
}

// blockDecodeAll runs blockDecode on each entry, the entries shared out
// between as many goroutines as there are cores.
func blockDecodeAll(es []cutEntry, typ reflect.Type) {
	workers := min(runtime.GOMAXPROCS(0), (len(es)+63)/64)
	if workers <= 1 {
		for i := range es {
			es[i].v, es[i].ok = blockDecode(es[i].b, typ)
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(16)) - 16
				if i >= len(es) {
					return
				}
				for j := i; j < min(i+16, len(es)); j++ {
					es[j].v, es[j].ok = blockDecode(es[j].b, typ)
				}
			}
		}()
	}
	wg.Wait()
}

// decodeEntry decodes one entry's text (a list of one entry).
// The block reader has not read it (see entries).
func (s *scanner) decodeEntry(b []byte, sp span, typ reflect.Type) (any, error) {
	list := reflect.New(reflect.SliceOf(typ))
	if err := yamlUnmarshal(b, list.Interface(), yaml.DisallowUnknownField()); err != nil {
		return s.slowEntry(sp, typ, false)
	}
	if list.Elem().Len() == 0 || list.Elem().Index(0).IsNil() {
		return nil, nil
	}
	return list.Elem().Index(0).Interface(), nil
}

// whole parses a YAML file whole, the way of files the cutter does not
// follow: an unknown field, or a value of the wrong type, stops it.
func (s *scanner) whole() error {
	data := s.f.data
	tree, err := parser.ParseBytes(data, 0)
	if err != nil {
		return &fatal{readProblem{parley.Problem{File: s.f.Name, Line: errorLine(err), Code: parley.EInvalid, Message: errorMessage(err)}, -1, 0, ""}, false}
	}
	s.f.tree = tree
	ds := &parley.Dataset{}
	if len(bytes.TrimSpace(data)) > 0 {
		if err := yamlUnmarshal(data, ds, yaml.DisallowUnknownField()); err != nil {
			return &fatal{readProblem{parley.Problem{File: s.f.Name, Line: errorLine(err), Code: parley.EInvalid, Message: errorMessage(err)}, -1, 0, ""}, false}
		}
	}
	if ds.DefaultSource != "" {
		if err := s.fn(parley.Item{File: s.f.Name, Path: "defaultSource", Node: ds.DefaultSource}); err != nil {
			return err
		}
	}
	var err2 error
	ds.Each(func(it parley.Item) {
		if err2 == nil {
			section, _, _ := strings.Cut(it.Path, "[")
			err2 = s.emit(section, it.Node, span{-1, -1})
		}
	})
	return err2
}

// resolve sets the line of each problem read.
func (f *File) resolve(rps []readProblem) []parley.Problem {
	if len(rps) == 0 {
		return nil
	}
	var offs []int64
	for _, rp := range rps {
		if rp.off >= 0 {
			offs = append(offs, rp.off)
		}
	}
	lines := f.linesAt(offs)
	out := make([]parley.Problem, len(rps))
	var byPath []parley.Problem
	var idx []int
	for i, rp := range rps {
		out[i] = rp.p
		switch {
		case rp.off >= 0:
			out[i].Line = lines[rp.off] + rp.rel - 1
		case rp.p.Line == 0 && rp.at != "":
			byPath = append(byPath, parley.Problem{Path: rp.at})
			idx = append(idx, i)
		case rp.p.Line == 0 && rp.p.Path != "":
			byPath = append(byPath, rp.p)
			idx = append(idx, i)
		}
	}
	f.locate(byPath)
	for j, i := range idx {
		out[i].Line = byPath[j].Line
	}
	return out
}

// linesAt returns the line of each byte offset, reading the file once.
func (f *File) linesAt(offs []int64) map[int64]int {
	out := map[int64]int{}
	if len(offs) == 0 {
		return out
	}
	sorted := append([]int64(nil), offs...)
	sortInt64s(sorted)
	var r io.Reader
	if f.data != nil {
		r = bytes.NewReader(f.data)
	} else {
		file, err := os.Open(f.path)
		if err != nil {
			return out
		}
		defer file.Close()
		r = file
	}
	buf := make([]byte, 1<<20)
	line, pos := 1, int64(0)
	for _, off := range sorted {
		for pos < off {
			n := int64(len(buf))
			if off-pos < n {
				n = off - pos
			}
			m, err := io.ReadFull(r, buf[:n])
			line += bytes.Count(buf[:m], []byte{'\n'})
			pos += int64(m)
			if err != nil {
				break
			}
		}
		out[off] = line
	}
	return out
}

func sortInt64s(xs []int64) { slices.Sort(xs) }

// yamlUnmarshal is goccy/go-yaml's UnmarshalWithOptions with a panic of the
// library returned as an error: FuzzRead found an entry (a tag on a list
// value) on which goccy v1.19.2 dereferences nil. The entry is then
// reported as a problem, with its line, like any other it cannot read.
func yamlUnmarshal(b []byte, v any, opts ...yaml.DecodeOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot read this YAML (the YAML library failed: %v)", r)
		}
	}()
	return yaml.UnmarshalWithOptions(b, v, opts...)
}
