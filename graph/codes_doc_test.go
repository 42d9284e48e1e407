package graph_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/errcode"
)

// TestEveryErrorCodeDocumented: every extensions.code the server can
// answer is listed in the README's Errors paragraph. The codes are found
// in the source (the domain's E* and the API's Code* constants, and every
// "code": "X" the handlers write), plus gqlgen's own: a code added
// without its line in the README fails here.
func TestEveryErrorCodeDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{
		errcode.ParseFailed:         "gqlgen",
		errcode.ValidationFailed:    "gqlgen",
		"PERSISTED_QUERY_NOT_FOUND": "gqlgen's automatic persisted queries",
	}
	constant := regexp.MustCompile(`\b(?:E[A-Z]\w*|Code[A-Z]\w*)\s*=\s*"([A-Z][A-Z_]+)"`)
	written := regexp.MustCompile(`\\?"code\\?":\s*\\?"([A-Z][A-Z_]+)`)
	for _, dir := range []string{".", "../internal/parley", "../internal/web", "../internal/cli"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, re := range []*regexp.Regexp{constant, written} {
				for _, m := range re.FindAllSubmatch(b, -1) {
					codes[string(m[1])] = f
				}
			}
		}
	}
	// The domain's INTERNAL never reaches a client: it is answered as
	// INTERNAL_SERVER_ERROR, with the detail in the log.
	delete(codes, "INTERNAL")
	if len(codes) < 20 {
		t.Fatalf("found only %d codes in the source: %v", len(codes), codes)
	}
	var missing []string
	for c, where := range codes {
		if !strings.Contains(string(readme), "`"+c+"`") {
			missing = append(missing, c+" ("+where+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("error codes the README does not list: %s", strings.Join(missing, ", "))
	}
}
