package parley

import (
	"context"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence is a sentence of a source's text: its words and its offsets in
// characters (End exclusive).
type Sentence struct {
	Text       string
	Start, End int
}

// Sentences splits a text into sentences. A sentence ends after a full
// stop, question or exclamation mark (with any closing quotes or brackets)
// that white space follows, and at a paragraph break (a blank line). A
// single line break ends a sentence only after a line that is a sentence
// of its own with no such mark, such as a heading: a whole line, not
// ending in a comma, colon, semicolon, dash or opening bracket, before a
// line that does not go on in lower case. A sentence that runs on across a
// line break (a line wrapped in the middle of it) is one sentence.
func Sentences(text string) []Sentence {
	if isASCII(text) {
		// Bytes are characters: the text is read as it is, and each
		// sentence is a piece of it.
		return sentences([]byte(text), func(s, e int) string { return text[s:e] })
	}
	r := []rune(text)
	return sentences(r, func(s, e int) string { return string(r[s:e]) })
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// sentences is Sentences over the text's characters r; text gives the
// characters [s, e) as a string.
func sentences[C byte | rune](r []C, text func(s, e int) string) []Sentence {
	var out []Sentence
	start := 0
	flush := func(end int) {
		s, e := start, end
		for s < e && unicode.IsSpace(rune(r[s])) {
			s++
		}
		for e > s && unicode.IsSpace(rune(r[e-1])) {
			e--
		}
		if e > s {
			out = append(out, Sentence{Text: text(s, e), Start: s, End: e})
		}
		start = end
	}
	lineStart := 0 // where the current line begins
	for i := 0; i < len(r); i++ {
		switch {
		case r[i] == '\n':
			if headingBreak(r, start, lineStart, i) {
				flush(i)
			}
			lineStart = i + 1
		case r[i] == '.' || r[i] == '?' || r[i] == '!':
			j := i + 1
			for j < len(r) && strings.ContainsRune("\"'”’)]", rune(r[j])) {
				j++
			}
			if j == len(r) || unicode.IsSpace(rune(r[j])) {
				flush(j)
				i = j - 1
			}
		}
	}
	flush(len(r))
	return out
}

// headingBreak tells whether the line break at i ends the sentence begun
// at start, on the line that begins at lineStart: at a blank line, or
// after a line that is a sentence of its own (see Sentences).
func headingBreak[C byte | rune](r []C, start, lineStart, i int) bool {
	// The sentence so far, without the white space around it.
	s, e := start, i
	for s < e && unicode.IsSpace(rune(r[s])) {
		s++
	}
	for e > s && unicode.IsSpace(rune(r[e-1])) {
		e--
	}
	if s == e {
		return true // nothing pending
	}
	// The next line: blank (a paragraph break), or where it begins.
	j := i + 1
	for j < len(r) && r[j] != '\n' && unicode.IsSpace(rune(r[j])) {
		j++
	}
	if j == len(r) || r[j] == '\n' {
		return true
	}
	if s < lineStart {
		return false // begun on a line before: it runs on
	}
	for k := lineStart; k < s; k++ {
		if !unicode.IsSpace(rune(r[k])) {
			return false // begun after another sentence on this line
		}
	}
	if strings.ContainsRune(",;:-–—([{", rune(r[e-1])) || unicode.IsLower(rune(r[j])) {
		return false
	}
	return true
}

// LeftOut is a passage of a source deliberately left uncited, with the
// reason: a sentence that states nothing the graph models.
type LeftOut struct {
	// Quote is the exact words; Start and End are located as evidence's
	// are.
	Quote  string `json:"quote"`
	Start  *int   `json:"start,omitempty"`
	End    *int   `json:"end,omitempty"`
	Reason string `json:"reason"`
}

// Coverage says which sentences of a source some evidence cites.
type Coverage struct {
	Source    string
	Sentences int
	// Covered counts the sentences some evidence span overlaps.
	Covered int
	// LeftOut are the sentences no span overlaps that the source lists as
	// deliberately left out (each with its reason).
	LeftOut []*LeftOut
	// Uncovered are the sentences no span overlaps and none left out.
	Uncovered []Sentence
}

// Cover works out the coverage of text by evidence spans ([start, end)
// offsets in characters) and passages deliberately left out. A sentence
// is covered if a span overlaps it, left out if a left-out passage does.
func Cover(text string, spans [][2]int, leftOut []*LeftOut) Coverage {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var c Coverage
	overlaps := func(s Sentence, a, b int) bool { return a < s.End && b > s.Start }
	for _, s := range Sentences(text) {
		c.Sentences++
		// Spans are sorted by start: only those starting before the
		// sentence ends can overlap it.
		n := sort.Search(len(spans), func(i int) bool { return spans[i][0] >= s.End })
		covered := false
		for _, sp := range spans[:n] {
			if overlaps(s, sp[0], sp[1]) {
				covered = true
				break
			}
		}
		if covered {
			c.Covered++
			continue
		}
		var lo *LeftOut
		for _, l := range leftOut {
			if l != nil && l.Start != nil && l.End != nil && overlaps(s, *l.Start, *l.End) {
				lo = l
				break
			}
		}
		if lo != nil {
			c.LeftOut = append(c.LeftOut, lo)
		} else {
			c.Uncovered = append(c.Uncovered, s)
		}
	}
	return c
}

// Coverer is the part of a store that reports evidence coverage.
type Coverer interface {
	// Coverage reports, for the source id, its sentences that no evidence
	// cites. ENotFound if there is no such source.
	Coverage(ctx context.Context, source string) (*Coverage, error)
}
