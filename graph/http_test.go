package graph_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-graph/parley/graph"
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
