package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
	"github.com/parley-graph/parley/internal/web"
)

// FuzzGraphQLRequest sends arbitrary requests through the server's
// handler chain (web's limits, Authenticate, Conform, the GraphQL
// handler) over the Berlin graph: whatever the method, content type,
// URL parameters and body, the answer is never a 5xx nor a panic, always a
// JSON object, and each of its errors has a message and an
// extensions.code. Seeds: testdata/fuzz/FuzzGraphQLRequest.
func FuzzGraphQLRequest(f *testing.F) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	b, err := berlin.Load()
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.Import(ctx, []*parley.Dataset{b.Dataset}); err != nil {
		f.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := web.NewHandler(web.Config{
		GraphQL: graph.Authenticate(db, false, graph.Conform(graph.NewHandler(db, logger))),
		Ready:   db.Ping,
		Logger:  logger,
	})
	methods := []string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodDelete}
	f.Fuzz(func(t *testing.T, method uint8, contentType, accept, rawQuery string, body []byte) {
		m := methods[int(method)%len(methods)]
		req := httptest.NewRequest(m, "/query", bytes.NewReader(body))
		req.URL.RawQuery = rawQuery
		req.Header.Set("Content-Type", contentType)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %q %q: status %d: %s", m, rawQuery, body, w.Code, w.Body)
		}
		var resp struct {
			Errors []struct {
				Message    *string
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%s %q %q: status %d, not a JSON object: %q", m, rawQuery, body, w.Code, w.Body)
		}
		for _, e := range resp.Errors {
			if e.Message == nil || e.Extensions.Code == "" {
				t.Fatalf("%s %q %q: status %d, an error without a message or extensions.code: %s", m, rawQuery, body, w.Code, w.Body)
			}
		}
		if w.Code != http.StatusOK && len(resp.Errors) == 0 {
			t.Fatalf("%s %q %q: status %d without errors: %s", m, rawQuery, body, w.Code, w.Body)
		}
	})
}
