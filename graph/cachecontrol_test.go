package graph_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-graph/parley/graph"
)

// TestGetCacheControl: a GET answer says how it may be cached (shared
// without a token, private with one); a POST answer says nothing.
func TestGetCacheControl(t *testing.T) {
	s := newWriteServer(t, false)
	h := graph.Authenticate(s.db, false, graph.Conform(graph.NewHandler(s.db, nil)))
	for _, c := range []struct{ method, token, want string }{
		{http.MethodGet, "", "no-cache"},
		{http.MethodGet, s.reader, "private, no-cache"},
		{http.MethodPost, "", ""},
	} {
		var req *http.Request
		if c.method == http.MethodGet {
			req = httptest.NewRequest(c.method, "/query?query="+url.QueryEscape("{ __typename }"), nil)
		} else {
			req = httptest.NewRequest(c.method, "/query", strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Content-Type", "application/json")
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 || w.Header().Get("Cache-Control") != c.want {
			t.Errorf("%s token=%v: %d Cache-Control %q, want %q", c.method, c.token != "", w.Code, w.Header().Get("Cache-Control"), c.want)
		}
	}
}
