package parley

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search limits.
const (
	MaxSearchLength = 500 // characters of a query
	MaxSearchTerms  = 32
)

// SearchQuery asks for a page of full-text search hits.
type SearchQuery struct {
	// Text is what the user typed: words, all of which must match (any
	// case, accents ignored); a word ending in * matches as a prefix.
	Text  string
	Kinds []NodeType // only nodes of these types; all if empty
	First int
	// After is the cursor of the last hit of the previous page.
	After *SearchCursor
}

// SearchCounter counts search hits; a Searcher may be one as well.
type SearchCounter interface {
	// SearchCount returns how many hits q has across all pages.
	SearchCount(ctx context.Context, q SearchQuery) (int, error)
}

// SearchCursor is a hit's place in the ranking: its rank, node and, for
// a sentence of a source, where the sentence starts (-1 for other hits).
type SearchCursor struct {
	Rank   float64
	NodeID string
	Start  int
}

// SearchHit is the best-matching text of one node, or a sentence of a
// source's text.
type SearchHit struct {
	NodeID   string
	NodeType NodeType
	// Field is name, alias, words, summary, obligation, title, text,
	// evidence, sentence (of a source), or speaker (a statement found by
	// who said it).
	Field string
	// Snippet is the text around the match, each matching word between
	// SnippetStart and SnippetEnd.
	Snippet string
	// Rank is SQLite's bm25: lower is better.
	Rank float64
	// Sentence is where the sentence of a source's text stands, for a
	// sentence hit; nil for others.
	Sentence *Evidence
}

// Markers around matching words in a snippet; clients get their own.
const (
	SnippetStart = "\x02"
	SnippetEnd   = "\x03"
)

// Searcher finds nodes by their words.
type Searcher interface {
	// Search returns a page of hits, best first, one per node, then the
	// sentences of sources that match, best first; and
	// whether there are more. EInvalid for a query with no words or too
	// long.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, bool, error)
}

// FTSQuery turns what a user typed into an FTS5 query that cannot be a
// syntax error: every word becomes a quoted phrase (so NEAR, AND, quotes
// and brackets are only text), all words must match, and a word ending in
// * is a prefix. Control characters (NUL among them, which would end the
// string inside SQLite) separate words like spaces; text that is not UTF-8
// is refused.
func FTSQuery(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", Errorf(EInvalid, "query is not valid UTF-8 text")
	}
	if utf8.RuneCountInString(text) > MaxSearchLength {
		return "", Errorf(EInvalid, "query is longer than %d characters", MaxSearchLength)
	}
	var terms []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		prefix := strings.HasSuffix(w, "*")
		w = strings.TrimRight(w, "*")
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		term := `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		if prefix {
			term += "*"
		}
		terms = append(terms, term)
	}
	if len(terms) == 0 {
		return "", Errorf(EInvalid, "query has no words to search for")
	}
	if len(terms) > MaxSearchTerms {
		return "", Errorf(EInvalid, "query has more than %d words", MaxSearchTerms)
	}
	return strings.Join(terms, " "), nil
}
