package web

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestExamplesParse(t *testing.T) {
	qs, err := Examples()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 18 {
		t.Fatalf("examples = %d, want 18", len(qs))
	}
	for i, q := range qs {
		if !regexp.MustCompile(`(?m)^query \w+ \{`).MatchString(q) {
			t.Errorf("example %d is not a named query:\n%s", i, q)
		}
		// The editor pane shows about 58 characters at 1400 px (fewer
		// at 800): a comment must fit without scrolling sideways.
		for _, line := range strings.Split(q, "\n") {
			if strings.HasPrefix(line, "#") && utf8.RuneCountInString(line) > maxCommentWidth {
				t.Errorf("example %d: comment line of %d characters, more than %d fit the pane: %q", i, utf8.RuneCountInString(line), maxCommentWidth, line)
			}
		}
	}
}

// maxCommentWidth is the longest comment line of an example, in characters.
const maxCommentWidth = 50
