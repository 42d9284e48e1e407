package parley

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fold maps typographic characters to the plain ones a person types, so
// that a quote written with straight quotes matches the source's curly
// ones. Each maps one character to one, so offsets are kept.
func fold(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032':
		return '\''
	case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033':
		return '"'
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return '-'
	case '\u00A0':
		return ' '
	}
	return r
}

// normalise folds typographic characters and collapses each run of white
// space to one space. It returns the normalised runes and, for each, the
// offset in characters of the original it came from.
func normalise(s string) ([]rune, []int) {
	out := make([]rune, 0, len(s))
	pos := make([]int, 0, len(s))
	i := 0
	space := false
	for _, r := range s {
		r = fold(r)
		if unicode.IsSpace(r) {
			if !space {
				out = append(out, ' ')
				pos = append(pos, i)
			}
			space = true
		} else {
			out = append(out, r)
			pos = append(pos, i)
			space = false
		}
		i++
	}
	return out, pos
}

// normalised is normalise's text as a string, and its length in
// characters. Most quotes are plain ASCII with single spaces, which
// normalise leaves as they are (fold changes no ASCII character, and ASCII
// white space is one of \t \n \v \f \r and the space): those are
// returned as they are, without building the runes.
func normalised(s string) (string, int) {
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= '\t' && c <= '\r') || (c == ' ' && prevSpace) {
			q, _ := normalise(s)
			return string(q), len(q)
		}
		prevSpace = c == ' '
	}
	return s, len(s)
}

// SourceText is a source text prepared for repeated look-ups of quotes.
type SourceText struct {
	norm string
	// pos is the offset in the original of each character of norm; nil
	// when it is the character's own offset.
	pos   []int
	ascii bool // norm is all ASCII: byte offsets are character offsets
}

// NewSourceText normalises text once for many calls of Locate.
func NewSourceText(text string) *SourceText {
	if norm, ok := normalisedInPlace(text); ok {
		return &SourceText{norm: norm, ascii: true}
	}
	t, pos := normalise(text)
	norm := string(t)
	return &SourceText{norm: norm, pos: pos, ascii: len(norm) == len(t)}
}

// normalisedInPlace is normalise's text for an ASCII text whose white
// space comes one character at a time (as most texts' does): each white
// space character becomes a space, and every character keeps its offset.
// ok is false for any other text.
func normalisedInPlace(text string) (norm string, ok bool) {
	spaces, prevSpace := 0, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		space := c == ' ' || (c >= '\t' && c <= '\r')
		if space && prevSpace {
			return "", false
		}
		if space && c != ' ' {
			spaces++
		}
		prevSpace = space
	}
	if spaces == 0 {
		return text, true
	}
	b := []byte(text)
	for i, c := range b {
		if c >= '\t' && c <= '\r' {
			b[i] = ' '
		}
	}
	return string(b), true
}

// at is the offset in the original of character n of norm.
func (t *SourceText) at(n int) int {
	if t.pos == nil {
		return n
	}
	return t.pos[n]
}

// Locate finds quote in the text, comparing whitespace-normalised and
// typographically folded forms, and returns the span [start, end) in
// characters of the original text. If want is not nil, the occurrence must
// start there; otherwise the first occurrence is taken. ok is false if
// there is no such occurrence.
func (t *SourceText) Locate(quote string, want *int) (start, end int, ok bool) {
	qs, qn := normalised(strings.TrimSpace(quote))
	if qn == 0 {
		return 0, 0, false
	}
	from := 0
	for {
		i := strings.Index(t.norm[from:], qs)
		if i < 0 {
			return 0, 0, false
		}
		b := from + i
		n := b
		if !t.ascii {
			n = utf8.RuneCountInString(t.norm[:b])
		}
		start = t.at(n)
		end = t.at(n+qn-1) + 1
		if want == nil || *want == start {
			return start, end, true
		}
		if *want < start {
			return 0, 0, false
		}
		_, size := utf8.DecodeRuneInString(t.norm[b:])
		from = b + size
	}
}

// Locate is NewSourceText(text).Locate(quote, want).
func Locate(text, quote string, want *int) (start, end int, ok bool) {
	return NewSourceText(text).Locate(quote, want)
}

// Slice returns the characters [start, end) of text.
func Slice(text string, start, end int) string {
	r := []rune(text)
	if start < 0 || end > len(r) || start > end {
		return ""
	}
	return string(r[start:end])
}

// Contains reports whether words occur in text, compared as Locate does.
func Contains(text, words string) bool {
	if w := strings.TrimSpace(words); w != "" && strings.Contains(text, w) {
		return true // the common case, without normalising
	}
	_, _, ok := Locate(text, words, nil)
	return ok
}
