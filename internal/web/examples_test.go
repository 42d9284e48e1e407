package web

import (
	"regexp"
	"testing"
)

func TestExamplesParse(t *testing.T) {
	qs, err := Examples()
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 8 {
		t.Fatalf("examples = %d, want 8", len(qs))
	}
	for i, q := range qs {
		if !regexp.MustCompile(`(?m)^query \w+ \{`).MatchString(q) {
			t.Errorf("example %d is not a named query:\n%s", i, q)
		}
	}
}
