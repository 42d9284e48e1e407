package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/parley"
)

func TestConform(t *testing.T) {
	h := graph.Conform(newHandler(t))
	tests := []struct {
		name, accept, body string
		status             int
		code               string
		data               bool
	}{
		{"success", "application/json", `{"query":"{ __typename }"}`, 200, "", true},
		{"parse failure, legacy JSON", "application/json", `{"query":"{ node"}`, 200, "GRAPHQL_PARSE_FAILED", false},
		{"validation failure, legacy JSON", "application/json", `{"query":"{ nodez }"}`, 200, "GRAPHQL_VALIDATION_FAILED", false},
		{"parse failure, graphql-response", "application/graphql-response+json", `{"query":"{ node"}`, 400, "GRAPHQL_PARSE_FAILED", false},
		{"validation failure, graphql-response", "application/graphql-response+json", `{"query":"{ nodez }"}`, 400, "GRAPHQL_VALIDATION_FAILED", false},
		{"bad parameters", "application/json", `{"query":7}`, 400, "BAD_REQUEST", false},
		{"no query", "application/json", `{"qeury":"{ __typename }"}`, 400, "BAD_REQUEST", false},
		{"body not JSON", "application/graphql-response+json", `{"query":`, 400, "BAD_REQUEST", false},
		{"GET with no query", "application/json", "GET /query", 400, "BAD_REQUEST", false},
		{"GET with an empty query", "application/json", "GET /query?query=", 400, "BAD_REQUEST", false},
		{"GET with a query", "application/json", "GET /query?query=%7B__typename%7D", 200, "", true},
		{"resolver error keeps its data", "application/json", `{"query":"{ path(from: \"x\", to: \"ukraine\") { length } }"}`, 200, "NOT_FOUND", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, target := http.MethodPost, "/query"
			if strings.HasPrefix(tt.body, "GET ") {
				method, target, tt.body = http.MethodGet, strings.TrimPrefix(tt.body, "GET "), ""
			}
			req := httptest.NewRequest(method, target, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", tt.accept)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			var resp struct {
				Data   *json.RawMessage
				Errors []gqlError
			}
			raw := map[string]json.RawMessage{}
			json.Unmarshal(w.Body.Bytes(), &raw)
			json.Unmarshal(w.Body.Bytes(), &resp)
			_, hasData := raw["data"]
			if w.Code != tt.status || hasData != tt.data {
				t.Errorf("status %d, data entry %v; want %d, %v\n%s", w.Code, hasData, tt.status, tt.data, w.Body.String())
			}
			if tt.code != "" && (len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != tt.code) {
				t.Errorf("errors = %+v, want code %s", resp.Errors, tt.code)
			}
		})
	}
}

// TestBadRequestMessageShort checks a malformed body is not quoted back
// whole.
func TestBadRequestMessageShort(t *testing.T) {
	h := graph.Conform(newHandler(t))
	body := `{"query": 7, "pad": "` + strings.Repeat("x", 100000) + `"}`
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var resp struct{ Errors []gqlError }
	json.Unmarshal(w.Body.Bytes(), &resp)
	if w.Code != 400 || len(resp.Errors) != 1 || len(resp.Errors[0].Message) > 310 || resp.Errors[0].Extensions["code"] != "BAD_REQUEST" {
		t.Errorf("status %d, %d bytes of response, errors %.200v", w.Code, w.Body.Len(), resp.Errors)
	}
}

// TestTransportErrorsHaveCodes checks the errors gqlgen's transports
// answer by themselves carry an extensions.code too.
func TestTransportErrorsHaveCodes(t *testing.T) {
	h := graph.Conform(newHandler(t))
	tests := []struct {
		name, method, target, contentType, body string
		status                                  int
	}{
		{"transport not supported", http.MethodPut, "/query", "application/json", `{"query":"{ __typename }"}`, 400},
		{"a body of another type", http.MethodPost, "/query", "text/plain", `{ __typename }`, 400},
		{"a mutation by GET", http.MethodGet, "/query?query=" + url.QueryEscape(`mutation { deleteNode(input: {id: "x"}) { id } }`), "", "", 406},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			var resp struct{ Errors []gqlError }
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
				t.Fatalf("%d %q: %v", w.Code, w.Body.String(), err)
			}
			if w.Code != tt.status || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_REQUEST" {
				t.Errorf("%d %s, want %d with code BAD_REQUEST", w.Code, w.Body.String(), tt.status)
			}
		})
	}
}

// panicky panics where the path query reaches the store.
type panicky struct{ testDB }

func (panicky) Path(context.Context, string, string, int, []string) (*parley.Path, error) {
	panic("a bug")
}

// TestPanicLoggedWithStack checks a panic in a resolver, or anywhere in
// the handler, answers "internal error" and is logged with its stack.
func TestPanicLoggedWithStack(t *testing.T) {
	_, db := serve(t, berlinFile(t))
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	h := graph.Recover(logger, graph.Conform(graph.NewHandler(panicky{db}, logger)))
	data, errs := raw(t, h, `{ path(from: "donald-trump", to: "vladimir-putin") { length } }`)
	if len(errs) != 1 || errs[0].Message != "internal error" || errs[0].Extensions["code"] != "INTERNAL_SERVER_ERROR" || string(data) != `{"path":null}` {
		t.Errorf("data %s, errors %+v", data, errs)
	}
	if !strings.Contains(logs.String(), "panic in resolver") || !strings.Contains(logs.String(), "panicky.Path") || !strings.Contains(logs.String(), "path=path") {
		t.Errorf("log without the panic's stack:\n%s", logs.String())
	}

	logs.Reset()
	h = graph.Recover(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("a bug in a handler") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/query", nil))
	if w.Code != 500 || !strings.Contains(w.Body.String(), `"code":"INTERNAL_SERVER_ERROR"`) || !strings.Contains(logs.String(), "TestPanicLoggedWithStack") {
		t.Errorf("%d %s\n%s", w.Code, w.Body.String(), logs.String())
	}
}
