package graph_test

import (
	"strings"
	"testing"

	"github.com/parley-graph/parley/graph"
)

// TestResultBudget checks an answer is counted as it is resolved: past
// the budget, the whole answer is one RESPONSE_TOO_LARGE error.
func TestResultBudget(t *testing.T) {
	tests := []struct {
		name          string
		fields, bytes int64
		query         string
		over          bool
	}{
		{"within both", 10_000, 1 << 20, `{ actors { edges { node { name } } } }`, false},
		{"too many fields", 40, 1 << 20, `{ actors { edges { node { name } } } }`, true},
		{"too much text", 10_000, 2_000, `{ statements { edges { node { words evidence { quote } } } } }`, true},
		{"introspection counts", 1_000, 1 << 20, introspection, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := serveWith(t, []graph.Option{graph.WithResultLimits(tt.fields, tt.bytes)}, berlinFile(t))
			data, errs := raw(t, h, tt.query)
			if !tt.over {
				if len(errs) > 0 || !strings.Contains(string(data), "Zelenskyy") {
					t.Errorf("errors %v, data %.200s", errs, data)
				}
				return
			}
			if len(errs) != 1 || errs[0].Extensions["code"] != graph.CodeResponseTooLarge || !strings.Contains(errs[0].Message, "ask for fewer fields or smaller pages") {
				t.Errorf("errors = %.500v, want one %s", errs, graph.CodeResponseTooLarge)
			}
			if string(data) != "null" && len(data) != 0 {
				t.Errorf("data = %.200s, want none", data)
			}
		})
	}
}

// TestErrorsDoNotEchoMegabytes checks an error quoting what the client
// sent is cut to a sane length.
func TestErrorsDoNotEchoMegabytes(t *testing.T) {
	s := newWriteServer(t, false)
	id := strings.Repeat("x", 900_000)
	_, _, errs := s.do(t, s.editor, `mutation($id: ID!) { updateActor(input: {id: $id, description: "d"}) { actor { id } } }`, map[string]any{"id": id})
	if len(errs) != 1 || len(errs[0].Message) > 600 {
		t.Fatalf("%d errors, first %d bytes long: %.300v", len(errs), len(errs[0].Message), errs)
	}
	if !strings.Contains(errs[0].Message, "more bytes)") {
		t.Errorf("message %q does not say it was cut", errs[0].Message)
	}
}
