package dataset

// A reader for the block-style YAML that Write produces, for speed: the
// YAML library takes most of the time of reading a large YAML file (a
// source's multi-line text above all). It reads an entry into a tree of
// mappings, lists and strings, checks every key against the Go type
// (exactly, as the library does), and decodes the tree as JSON. It reads
// only a plain subset (block mappings and lists indented as Write indents
// them, plain scalars on one line, double- or single-quoted strings on
// one line, literal blocks "|", "|-" and "|+") and gives up on anything else,
// and on anything the JSON decoding refuses: the entry is then read by
// the YAML library, which finds and places every problem as before. So it
// never reports a problem of its own, and what it accepts it reads as the
// library does (TestBlockAsLibrary, FuzzBlockAsLibrary).

import (
	"bytes"
	"encoding/json"
	"reflect"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"strconv"
	"unicode/utf8"
)

type blockNode struct {
	keys   []string     // a mapping's keys, in order
	vals   []*blockNode // a mapping's values, or a list's items
	list   bool
	scalar []byte // a scalar's JSON (a string, number or bool)
	isStr  bool
}

type blockReader struct {
	lines [][]byte
	i     int
}

func indentOf(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

// blockDecode reads b, a one-entry list (as the cutter cuts it), into a
// new value of typ; ok is false when it cannot, and the library must.
func blockDecode(b []byte, typ reflect.Type) (v any, ok bool) {
	// The cutter ends every line with a newline (a block scalar at the end
	// of the text reads otherwise without).
	b, ended := bytes.CutSuffix(b, []byte("\n"))
	if !ended || len(b) == 0 || bytes.IndexByte(b, '\t') >= 0 || bytes.IndexByte(b, '\r') >= 0 || !utf8.Valid(b) {
		return nil, false
	}
	r := &blockReader{lines: bytes.Split(b, []byte("\n"))}
	for _, l := range r.lines {
		if t := bytes.TrimLeft(l, " "); len(t) > 0 && t[0] == '#' {
			return nil, false // a comment: the library's
		}
	}
	first := r.lines[0]
	ind := indentOf(first)
	if len(first) == ind {
		return nil, false
	}
	root, ok := r.block(ind)
	if !ok || r.i != len(r.lines) || !root.list || len(root.vals) != 1 {
		return nil, false
	}
	entry := root.vals[0]
	if !checkKeys(entry, typ) {
		return nil, false
	}
	var buf bytes.Buffer
	writeJSON(&buf, entry)
	pv := reflect.New(typ)
	// By json v2 (see the JSON reader in stream.go): the keys are checked
	// already, exactly; what v2 refuses, encoding/json decides, as before.
	if err := jsonv2.Unmarshal(buf.Bytes(), pv.Interface(), jsonStrict); err != nil {
		pv = reflect.New(typ)
		dec := json.NewDecoder(&buf)
		dec.DisallowUnknownFields()
		if err := dec.Decode(pv.Interface()); err != nil {
			return nil, false
		}
	}
	if pv.Elem().IsNil() {
		return nil, false
	}
	return pv.Elem().Interface(), true
}

// block reads the list or mapping whose first line is the current one, at
// indentation ind.
func (r *blockReader) block(ind int) (*blockNode, bool) {
	line := r.lines[r.i]
	if line[ind] == '-' && (len(line) == ind+1 || line[ind+1] == ' ') {
		return r.seq(ind)
	}
	return r.mapping(ind)
}

func (r *blockReader) seq(ind int) (*blockNode, bool) {
	n := &blockNode{list: true}
	for r.i < len(r.lines) {
		line := r.lines[r.i]
		if indentOf(line) != ind || len(line) < ind+3 || line[ind] != '-' || line[ind+1] != ' ' || line[ind+2] == ' ' {
			if indentOf(line) < ind {
				break
			}
			if indentOf(line) == ind && len(line) > ind && line[ind] != '-' {
				break
			}
			return nil, false
		}
		c := ind + 2
		rest := line[c:]
		if isKeyLine(rest) {
			// The item is a mapping whose first key is on the dash's line:
			// read that line as if the dash were a space.
			cp := append([]byte(nil), line...)
			cp[ind] = ' '
			r.lines[r.i] = cp
			item, ok := r.mapping(c)
			if !ok {
				return nil, false
			}
			n.vals = append(n.vals, item)
			continue
		}
		item, ok := r.inlineScalar(rest, ind)
		if !ok {
			return nil, false
		}
		r.i++
		n.vals = append(n.vals, item)
	}
	return n, true
}

// isKeyLine reports whether s starts with a key and a colon (then the end
// of the line or a space).
func isKeyLine(s []byte) bool {
	k := keyLen(s)
	return k > 0 && k < len(s) && s[k] == ':' && (k+1 == len(s) || s[k+1] == ' ')
}

func keyLen(s []byte) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9' {
			i++
			continue
		}
		break
	}
	return i
}

func (r *blockReader) mapping(ind int) (*blockNode, bool) {
	n := &blockNode{}
	seen := map[string]bool{}
	for r.i < len(r.lines) {
		line := r.lines[r.i]
		li := indentOf(line)
		if li < ind {
			break
		}
		if li > ind || !isKeyLine(line[ind:]) {
			return nil, false
		}
		k := keyLen(line[ind:])
		key := string(line[ind : ind+k])
		if seen[key] {
			return nil, false
		}
		seen[key] = true
		rest := bytes.TrimLeft(line[ind+k+1:], " ")
		var val *blockNode
		var ok bool
		switch {
		case len(rest) == 0:
			// The value is the block under the key.
			r.i++
			if r.i >= len(r.lines) {
				return nil, false
			}
			next := r.lines[r.i]
			ni := indentOf(next)
			if ni <= ind || ni == len(next) {
				return nil, false
			}
			val, ok = r.block(ni)
		case rest[0] == '|':
			val, ok = r.literal(rest, ind)
		default:
			val, ok = r.inlineScalar(rest, ind)
			r.i++
		}
		if !ok {
			return nil, false
		}
		n.keys = append(n.keys, key)
		n.vals = append(n.vals, val)
	}
	return n, true
}

// literal reads a literal block ("|" or "|-") of the key at indentation
// ind; the current line is the key's.
func (r *blockReader) literal(header []byte, ind int) (*blockNode, bool) {
	strip, keep := false, false
	switch string(bytes.TrimRight(header, " ")) {
	case "|":
	case "|-":
		strip = true
	case "|+":
		keep = true
	default:
		return nil, false
	}
	r.i++
	start := r.i
	content := -1
	for r.i < len(r.lines) {
		line := r.lines[r.i]
		li := indentOf(line)
		if li == len(line) { // blank
			if content < 0 || li > content {
				return nil, false // leading blank lines, or spaces that are text: the library's
			}
			r.i++
			continue
		}
		if li <= ind {
			break
		}
		if content < 0 {
			content = li
		}
		if li < content {
			return nil, false
		}
		r.i++
	}
	if content < 0 {
		return nil, false
	}
	end := r.i
	// Trailing blank lines belong to the chomping, not the text.
	for end > start && indentOf(r.lines[end-1]) == len(r.lines[end-1]) {
		end--
	}
	var s []byte
	for j := start; j < end; j++ {
		line := r.lines[j]
		if j > start {
			s = append(s, '\n')
		}
		if len(line) > content {
			s = append(s, line[content:]...)
		} else if indentOf(line) != len(line) {
			return nil, false
		}
	}
	if strip {
		// As the library reads "|-": without the spaces at the end of
		// the last line either.
		s = bytes.TrimRight(s, " ")
	} else {
		s = append(s, '\n')
	}
	if keep {
		// "|+" keeps the blank lines at the end too.
		s = append(s, bytes.Repeat([]byte("\n"), r.i-end)...)
	}
	return strNode(s), true
}

func strNode(s []byte) *blockNode {
	// s is valid UTF-8 (blockDecode checks it), which AppendQuote only
	// needs to quote.
	q, _ := jsontext.AppendQuote(nil, s)
	return &blockNode{scalar: q, isStr: true}
}

// inlineScalar reads a scalar that stands on one line: quoted, or plain
// (nothing under it may continue it).
func (r *blockReader) inlineScalar(s []byte, ind int) (*blockNode, bool) {
	if r.i+1 < len(r.lines) {
		next := r.lines[r.i+1]
		if ni := indentOf(next); ni > ind && ni < len(next) && !(s[0] == '"' || s[0] == '\'') {
			return nil, false // a plain scalar on several lines
		}
	}
	switch s[0] {
	case '"':
		return doubleQuoted(s)
	case '\'':
		return singleQuoted(s)
	}
	return plain(s)
}

func doubleQuoted(s []byte) (*blockNode, bool) {
	var out []byte
	i := 1
	for i < len(s) {
		c := s[i]
		switch c {
		case '"':
			if len(bytes.TrimRight(s[i+1:], " ")) != 0 {
				return nil, false
			}
			return strNode(out), true
		case '\\':
			if i+1 >= len(s) {
				return nil, false
			}
			e := s[i+1]
			i += 2
			switch e {
			case '\\', '"', '/':
				out = append(out, e)
			case 'n':
				out = append(out, '\n')
			case 't':
				out = append(out, '\t')
			case 'r':
				out = append(out, '\r')
			case 'x', 'u', 'U':
				n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				if i+n > len(s) {
					return nil, false
				}
				v, err := strconv.ParseUint(string(s[i:i+n]), 16, 32)
				if err != nil || !utf8.ValidRune(rune(v)) {
					return nil, false
				}
				out = utf8.AppendRune(out, rune(v))
				i += n
			default:
				return nil, false
			}
		default:
			out = append(out, c)
			i++
		}
	}
	return nil, false // not closed on its line
}

func singleQuoted(s []byte) (*blockNode, bool) {
	var out []byte
	i := 1
	for i < len(s) {
		if s[i] == '\'' {
			if i+1 < len(s) && s[i+1] == '\'' {
				out = append(out, '\'')
				i += 2
				continue
			}
			if len(bytes.TrimRight(s[i+1:], " ")) != 0 {
				return nil, false
			}
			return strNode(out), true
		}
		out = append(out, s[i])
		i++
	}
	return nil, false
}

// plain reads a plain scalar: a string, or a JSON number or true/false.
// Anything YAML may read otherwise (null, other spellings of booleans,
// numbers in other forms, timestamps) is left to the library.
func plain(s []byte) (*blockNode, bool) {
	s = bytes.TrimRight(s, " ")
	if len(s) == 0 || bytes.Contains(s, []byte(": ")) || bytes.HasSuffix(s, []byte(":")) || bytes.Contains(s, []byte(" #")) {
		return nil, false
	}
	switch s[0] {
	case '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`', '?', '#', '"', '\'':
		return nil, false
	case '-':
		if len(s) == 1 || s[1] == ' ' {
			return nil, false
		}
	}
	switch string(s) {
	case "true", "false":
		return &blockNode{scalar: append([]byte(nil), s...)}, true
	}
	if jsonNumber(s) {
		return &blockNode{scalar: append([]byte(nil), s...)}, true
	}
	if !plainString(s) {
		return nil, false
	}
	return strNode(s), true
}

// plainString reports whether YAML reads s as a string whatever the type:
// it does not start like a number, a null, a boolean or a date.
func plainString(s []byte) bool {
	c := s[0]
	if '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.' || c == '~' {
		// Numbers, dates, .inf: a string field takes the text as it is,
		// but leave the rest to the library to be sure: except dates
		// (2025-01, 2025-01-02), which the data has many of.
		return isDateLike(s)
	}
	switch string(bytes.ToLower(s)) {
	case "null", "true", "false", "yes", "no", "on", "off", "y", "n":
		return false
	}
	return true
}

// isDateLike matches YYYY-MM and YYYY-MM-DD.
func isDateLike(s []byte) bool {
	digits := func(b []byte) bool {
		for _, c := range b {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	switch len(s) {
	case 7:
		return digits(s[:4]) && s[4] == '-' && digits(s[5:])
	case 10:
		return digits(s[:4]) && s[4] == '-' && digits(s[5:7]) && s[7] == '-' && digits(s[8:])
	}
	return false
}

// jsonNumber reports whether s is an integer as JSON writes it.
func jsonNumber(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i == len(s) {
		return false
	}
	if s[i] == '0' {
		return i+1 == len(s)
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkKeys reports whether every key of n is a field of t, spelled as
// the format spells it (the JSON decoding would take any case).
func checkKeys(n *blockNode, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.list:
		if t.Kind() != reflect.Slice {
			return false
		}
		for _, v := range n.vals {
			if !checkKeys(v, t.Elem()) {
				return false
			}
		}
	case n.scalar == nil:
		if t.Kind() != reflect.Struct {
			return false
		}
		for i, k := range n.keys {
			ft, ok := fieldType(t, k)
			if !ok || !checkKeys(n.vals[i], ft) {
				return false
			}
		}
	}
	return true
}

func writeJSON(buf *bytes.Buffer, n *blockNode) {
	switch {
	case n.list:
		buf.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSON(buf, v)
		}
		buf.WriteByte(']')
	case n.scalar != nil:
		buf.Write(n.scalar)
	default:
		buf.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteByte('"')
			buf.WriteString(k)
			buf.WriteString(`":`)
			writeJSON(buf, n.vals[i])
		}
		buf.WriteByte('}')
	}
}
