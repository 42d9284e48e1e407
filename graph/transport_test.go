package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/graph"
)

// TestTransportsAsGQLGen asks the handler's own GET and POST transports
// (which write the answer without encoding/json) and gqlgen's the same
// requests, over the same database: every status, Content-Type and answer
// must be the same (answers compared as JSON values), successes, errors
// raised before execution and errors of fields alike.
func TestTransportsAsGQLGen(t *testing.T) {
	_, db := serve(t, berlinFile(t))
	ours := graph.NewHandler(db, nil)
	theirs := graph.NewHandler(db, nil, graph.WithGQLGenTransports())

	const list = `{ actors(first: 3) { edges { cursor node { id name kind } } pageInfo { hasNextPage endCursor } } }`
	apq := `query Apq { actors(first: 1) { totalCount } }`
	sum := sha256.Sum256([]byte(apq))
	hash := hex.EncodeToString(sum[:])
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
	post := func(body, accept string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		return r
	}
	get := func(params url.Values, accept string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/query?"+params.Encode(), nil)
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		return r
	}
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	cases := []struct {
		name string
		req  func() *http.Request
	}{
		{"post", func() *http.Request { return post(`{"query":`+q(list)+`}`, "") }},
		{"post graphql-response", func() *http.Request { return post(`{"query":`+q(list)+`}`, "application/graphql-response+json") }},
		{"post any", func() *http.Request { return post(`{"query":`+q(list)+`}`, "*/*") }},
		{"post unknown accept", func() *http.Request { return post(`{"query":`+q(list)+`}`, "text/html") }},
		{"post variables", func() *http.Request {
			return post(`{"query":"query($n: Int) { actors(first: $n) { edges { node { name } } } }","variables":{"n":2}}`, "")
		}},
		{"post operation name", func() *http.Request {
			return post(`{"query":"query A { __typename } query B { actors(first: 1) { totalCount } }","operationName":"B"}`, "")
		}},
		{"post field error", func() *http.Request {
			return post(`{"query":"{ a: node(id: \"no-such-id\") { id } b: actors(first: 1) { totalCount } c: actors(first: -1) { totalCount } }"}`, "")
		}},
		{"post parse error", func() *http.Request { return post(`{"query":"{ actors("}`, "") }},
		{"post parse error graphql-response", func() *http.Request { return post(`{"query":"{ actors("}`, "application/graphql-response+json") }},
		{"post validation error", func() *http.Request { return post(`{"query":"{ noSuchField }"}`, "") }},
		{"post bad variables", func() *http.Request {
			return post(`{"query":"query($n: Int) { actors(first: $n) { totalCount } }","variables":{"n":"two"}}`, "application/graphql-response+json")
		}},
		{"post not json", func() *http.Request { return post(`{"query": `, "") }},
		{"post persisted unknown", func() *http.Request { return post(`{"extensions":`+ext+`}`, "") }},
		{"post persisted", func() *http.Request { return post(`{"query":`+q(apq)+`,"extensions":`+ext+`}`, "") }},
		{"post persisted known", func() *http.Request { return post(`{"extensions":`+ext+`}`, "") }},
		{"post mutation refused", func() *http.Request {
			return post(`{"query":"mutation { deleteActor(id: \"ukraine\") { id } }"}`, "")
		}},
		{"get", func() *http.Request { return get(url.Values{"query": {list}}, "") }},
		{"get graphql-response", func() *http.Request { return get(url.Values{"query": {list}}, "application/graphql-response+json") }},
		{"get variables", func() *http.Request {
			return get(url.Values{"query": {"query($n: Int) { actors(first: $n) { totalCount } }"}, "variables": {`{"n":1}`}}, "")
		}},
		{"get bad variables", func() *http.Request { return get(url.Values{"query": {list}, "variables": {`{"n":`}}, "") }},
		{"get bad extensions", func() *http.Request { return get(url.Values{"query": {list}, "extensions": {`{`}}, "") }},
		{"get mutation", func() *http.Request {
			return get(url.Values{"query": {`mutation { deleteActor(id: "ukraine") { id } }`}}, "")
		}},
		{"get validation error", func() *http.Request {
			return get(url.Values{"query": {"{ noSuchField }"}}, "application/graphql-response+json")
		}},
		{"get persisted", func() *http.Request { return get(url.Values{"extensions": {ext}}, "") }},
		{"get bad query string", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/query?query=%zz", nil)
			return r
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := httptest.NewRecorder()
			theirs.ServeHTTP(want, c.req())
			got := httptest.NewRecorder()
			ours.ServeHTTP(got, c.req())
			if got.Code != want.Code {
				t.Errorf("status %d, want %d", got.Code, want.Code)
			}
			if g, w := got.Header().Get("Content-Type"), want.Header().Get("Content-Type"); g != w {
				t.Errorf("Content-Type %q, want %q", g, w)
			}
			var g, w any
			if err := json.Unmarshal(want.Body.Bytes(), &w); err != nil {
				t.Fatalf("gqlgen's answer %q: %v", want.Body, err)
			}
			if err := json.Unmarshal(got.Body.Bytes(), &g); err != nil {
				t.Fatalf("answer %q: %v", got.Body, err)
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("answer (-gqlgen +ours):\n%s", diff)
			}
		})
	}
}
