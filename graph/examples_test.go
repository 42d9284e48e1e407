package graph_test

import (
	"strings"
	"testing"

	"github.com/parley-graph/parley/internal/web"
)

// TestPlaygroundExamples runs every example query of the playground: each
// must answer without error, with the article's words in the answer.
func TestPlaygroundExamples(t *testing.T) {
	h := newHandler(t)
	qs, err := web.Examples()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		data, errs := raw(t, h, q)
		name := strings.SplitN(q[strings.Index(q, "query ")+6:], " ", 2)[0]
		if len(errs) > 0 {
			t.Errorf("example %s: %+v", name, errs)
		}
		// Every example asks for evidence, and every answer has some.
		if !strings.Contains(string(data), `"quote":"`) {
			t.Errorf("example %s: no evidence in the answer %.300s", name, data)
		}
	}
}
