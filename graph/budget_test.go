package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/parley"
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
		{"introspection is counted before, not charged", 1_000, 1 << 20, introspection, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := serveWith(t, []graph.Option{graph.WithResultLimits(tt.fields, tt.bytes)}, berlinFile(t))
			data, errs := raw(t, h, tt.query)
			if !tt.over {
				if len(errs) > 0 || !strings.Contains(string(data), "Zelenskyy") && !strings.Contains(string(data), `"name":"Position"`) {
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

// stuck waits in Path until its context ends, as a long SQL statement
// does.
type stuck struct{ testDB }

func (stuck) Path(ctx context.Context, _, _ string, _ int, _ []string) (*parley.Path, error) {
	<-ctx.Done()
	return nil, fmt.Errorf("path: %w", ctx.Err())
}

// TestTimeoutReachesTheStore checks the request's time limit reaches the
// store's statements, and that a field cut off by it says so.
func TestTimeoutReachesTheStore(t *testing.T) {
	_, db := serve(t, berlinFile(t))
	h := graph.Conform(graph.NewHandler(stuck{db}, slog.New(slog.NewTextHandler(io.Discard, nil))))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	body := `{"query": "{ path(from: \"donald-trump\", to: \"vladimir-putin\") { length } }"}`
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var resp struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	json.Unmarshal(w.Body.Bytes(), &resp)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != graph.CodeTimeout || string(resp.Data) != `{"path":null}` {
		t.Errorf("%d %s", w.Code, w.Body.String())
	}
}

// leaving tells when its Path was called and when it returned, cancelled.
type leaving struct {
	testDB
	called, ended chan error
}

func (l leaving) Path(ctx context.Context, _, _ string, _ int, _ []string) (*parley.Path, error) {
	l.called <- nil
	<-ctx.Done()
	l.ended <- ctx.Err()
	return nil, ctx.Err()
}

// TestWorkStopsWhenTheClientLeaves checks, through a real HTTP server,
// that a client hanging up cancels what its request was doing in the
// store.
func TestWorkStopsWhenTheClientLeaves(t *testing.T) {
	_, db := serve(t, berlinFile(t))
	store := leaving{testDB: db, called: make(chan error, 1), ended: make(chan error, 1)}
	srv := httptest.NewServer(graph.Conform(graph.NewHandler(store, slog.New(slog.NewTextHandler(io.Discard, nil)))))
	defer srv.Close()
	ctx, hangUp := context.WithCancel(context.Background())
	body := `{"query": "{ path(from: \"donald-trump\", to: \"vladimir-putin\") { length } }"}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-store.called:
	case <-time.After(30 * time.Second):
		t.Fatal("the request never reached the store")
	}
	hangUp()
	select {
	case err := <-store.ended:
		if err != context.Canceled {
			t.Errorf("the store's context ended with %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the store went on after the client left")
	}
}
