package parley

import (
	"strings"
	"unicode"
)

// Span is a stretch of a text, in characters from its start, as evidence
// offsets are: [Start, End).
type Span struct {
	Start, End int
}

// abbreviations end in a full stop that does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true, "gen": true, "col": true,
	"lt": true, "sgt": true, "rep": true, "sen": true, "gov": true, "pres": true, "no": true, "vs": true,
	"etc": true, "e.g": true, "i.e": true, "jan": true, "feb": true, "aug": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "u.s": true, "u.k": true, "u.n": true, "inc": true, "ltd": true, "co": true,
}

// Sentences splits a text into its sentences, headings and other lines:
// a sentence ends at a full stop, question or exclamation mark (with any
// closing quotes or brackets after it) followed by white space and a
// capital, a digit or an opening quote, and at the end of a paragraph (a
// blank line or the end) or of a heading (a line in title case); a line
// wrapped inside a paragraph is one sentence. A full
// stop after an abbreviation or an initial ends nothing. The spans leave
// out the white space between sentences, and cover all the rest.
func Sentences(text string) []Span {
	rs := []rune(text)
	var out []Span
	start := -1
	end := func(i int) {
		if start >= 0 {
			out = append(out, Span{start, i})
			start = -1
		}
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '\n' || r == '\r' {
			// A line break inside a paragraph is a space, unless what
			// comes before it is a heading.
			if start >= 0 && (paragraphEnds(rs, i) || titleCase(rs[start:i])) {
				end(trimEnd(rs, start, i))
			}
			continue
		}
		if start < 0 {
			if unicode.IsSpace(r) {
				continue
			}
			start = i
		}
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		j := i + 1
		for j < len(rs) && strings.ContainsRune("\"'”’»)]", rs[j]) {
			j++
		}
		k := j
		for k < len(rs) && rs[k] != '\n' && unicode.IsSpace(rs[k]) {
			k++
		}
		if k == len(rs) || rs[k] == '\n' {
			end(j)
			i = k - 1
			continue
		}
		if k == j {
			continue
		}
		next := rs[k]
		if !unicode.IsUpper(next) && !unicode.IsDigit(next) && !strings.ContainsRune("\"'“‘«(", next) {
			continue
		}
		if r == '.' && abbreviated(rs, start, i) {
			continue
		}
		end(j)
		i = k - 1
	}
	end(trimEnd(rs, start, len(rs)))
	return out
}

// abbreviated reports whether the full stop at i ends an abbreviation or
// an initial (the word before it, from the sentence's start at the
// earliest).
func abbreviated(rs []rune, start, i int) bool {
	w := i
	for w > start && !unicode.IsSpace(rs[w-1]) && !strings.ContainsRune("\"'“‘(", rs[w-1]) {
		w--
	}
	word := strings.ToLower(string(rs[w:i]))
	if len([]rune(word)) == 1 && unicode.IsUpper(rs[w]) {
		return true
	}
	return abbreviations[word]
}

// trimEnd moves i back over white space, not before start.
func trimEnd(rs []rune, start, i int) int {
	for i > start && start >= 0 && unicode.IsSpace(rs[i-1]) {
		i--
	}
	return i
}

// paragraphEnds reports whether the line break at i is followed by a blank
// line or the end of the text.
func paragraphEnds(rs []rune, i int) bool {
	for j := i + 1; j < len(rs); j++ {
		if rs[j] == '\n' {
			return true
		}
		if !unicode.IsSpace(rs[j]) {
			return false
		}
	}
	return true
}

// titleCase reports whether every word of a line starts with a capital or
// a digit (a heading).
func titleCase(line []rune) bool {
	words := strings.Fields(string(line))
	for _, w := range words {
		r := []rune(strings.TrimLeft(w, "\"'“‘("))
		if len(r) > 0 && unicode.IsLetter(r[0]) && !unicode.IsUpper(r[0]) {
			return false
		}
	}
	return len(words) > 0
}
