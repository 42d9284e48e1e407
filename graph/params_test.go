package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/iotest"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/go-cmp/cmp"
)

// paramsBodies are request bodies for fastParams: those clients send, and
// those it must leave to encoding/json.
var paramsBodies = []struct {
	body string
	fast bool // decoded by fastParams
}{
	{`{"query":"{ __typename }"}`, true},
	{` { "query" : "{ node(id: \"pos-1\") { id } }" , "operationName" : "Q" } `, true},
	{`{"query":"query Q($n: Int) { actors(first: $n) { totalCount } }","variables":{"n":10,"x":[1.5,"a",null,true,{"y":{}}]},"operationName":"Q"}`, true},
	{`{"query":null,"operationName":null,"variables":null,"extensions":null}`, true},
	{`{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`, true},
	{`{"extensions":{"persistedQuery":null}}`, true},
	{`{"variables":{}}`, true},
	{`{}`, true},
	{`{"query":"é\u00e9\ud83d\ude00\n\t\\\/\"\b\f\r\u0000"}`, true},
	{"{\"query\":\"{ __typename }\"}\n", true},
	{`{"query":"{ __typename }"} and more`, true},
	{`{"query":"{ __typename }"}{"query":"{ actors { totalCount } }"}`, true},
	{"{\"query\":\"\xe2\x82\xac\"}", true},

	{``, false},
	{`null`, false},
	{`[]`, false},
	{`"query"`, false},
	{`{"query":"a","query":"b"}`, false},
	{`{"Query":"{ __typename }"}`, false},
	{`{"qu\u0065ry":"{ __typename }"}`, false},
	{`{"id":"abc","query":"{ __typename }"}`, false},
	{`{"query":5}`, false},
	{`{"query":["a"]}`, false},
	{`{"variables":[]}`, false},
	{`{"variables":"x"}`, false},
	{`{"variables":{"a":}}`, false},
	{`{"query":"a",}`, false},
	{`{"query":"a"`, false},
	{`{"query":"a`, false},
	{`{"query":nul}`, false},
	{`{"query":nullx}`, false},
	{"{\"query\":\"a\x01\"}", false},
	{"{\"query\":\"\xff\"}", false},
	{`{"query":"\ud83d"}`, false},
	{`{"query":"\ud83dx"}`, false},
	{`{"query":"\ude00"}`, false},
	{`{"query":"\x"}`, false},
	{`{"query":"\u12"}`, false},
	{`{"extensions":{"persistedQuery":null,"persistedquery":{}}}`, false},
}

// TestFastParams checks fastParams against encoding/json: what it decodes
// is what json.Decoder (UseNumber) decodes into a RawParams, and what it
// says was given is what missingQuery's struct sees.
func TestFastParams(t *testing.T) {
	for _, tt := range paramsBodies {
		_, _, ok := fastParams([]byte(tt.body))
		if ok != tt.fast {
			t.Errorf("%q: fast %v, want %v", tt.body, ok, tt.fast)
		}
		checkParams(t, []byte(tt.body))
	}
}

// FuzzFastParams checks fastParams against encoding/json on any body.
func FuzzFastParams(f *testing.F) {
	for _, tt := range paramsBodies {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkParams(t, body) })
}

func checkParams(t *testing.T, body []byte) {
	t.Helper()
	got, given, ok := fastParams(body)
	if !ok {
		return
	}
	var want graphql.RawParams
	if err := decodeJSON(bytes.NewReader(body), &want); err != nil {
		t.Fatalf("%q: fastParams decoded what encoding/json refuses (%v): %+v", body, err, got)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%q: (-encoding/json +fastParams)\n%s", body, diff)
	}
	var named struct {
		Query      *json.RawMessage
		Extensions struct {
			PersistedQuery *json.RawMessage
		}
	}
	// missingQuery takes a body json.Unmarshal refuses (one that goes on
	// after its object) as naming a query: the handler then decides.
	unmarshalled := json.Unmarshal(body, &named) == nil
	if given.more == unmarshalled {
		t.Errorf("%q: more %v, but json.Unmarshal says %v", body, given.more, unmarshalled)
	}
	if unmarshalled && (given.query != (named.Query != nil) || given.persisted != (named.Extensions.PersistedQuery != nil)) {
		t.Errorf("%q: given %+v, want query %v, persisted %v", body, given, named.Query != nil, named.Extensions.PersistedQuery != nil)
	}
}

// TestPlainMediaType checks the media types responseType takes as they
// are: mime.ParseMediaType gives each back unchanged.
func TestPlainMediaType(t *testing.T) {
	for _, s := range []string{
		"application/json", "application/graphql-response+json", "*/*", "application/*", "text/event-stream",
		"application/vnd.api.v1+json", "Application/JSON", "application/json; charset=utf-8", "application", "application/",
		"/json", "a/b/c", "*", "**/*", "*a/b", "a*/b", "application/ json", "", "é/x",
	} {
		if !plainMediaType(s) {
			continue
		}
		mt, params, err := mime.ParseMediaType(s)
		if err != nil || mt != s || len(params) > 0 {
			t.Errorf("plainMediaType(%q), but mime.ParseMediaType gives %q, %v, %v", s, mt, params, err)
		}
	}
	for _, s := range []string{"application/json", "application/graphql-response+json", "*/*", "application/*"} {
		if !plainMediaType(s) {
			t.Errorf("plainMediaType(%q) = false", s)
		}
	}
}

// TestReadBody checks readBody reads what io.ReadAll reads, whatever
// length the request announces, in pieces of any size.
func TestReadBody(t *testing.T) {
	for _, size := range []int{0, 1, 27, 512, 513, 64 << 10, 64<<10 + 1, 300_000} {
		body := bytes.Repeat([]byte("q"), size)
		for _, announced := range []int64{-1, 0, int64(size), int64(size) / 2, int64(size) * 2, 1 << 40} {
			for _, piece := range []int{1, 7, 4096, 1 << 20} {
				if piece == 1 && size > 1000 {
					continue
				}
				r := httptest.NewRequest(http.MethodPost, "/query", &pieces{data: body, n: piece})
				r.ContentLength = announced
				got, err := readBody(r)
				if err != nil || !bytes.Equal(got, body) {
					t.Errorf("size %d, announced %d, pieces of %d: got %d bytes, %v", size, announced, piece, len(got), err)
				}
			}
		}
	}
	r := httptest.NewRequest(http.MethodPost, "/query", nil)
	r.Body = io.NopCloser(iotest.ErrReader(errors.New("cut")))
	if _, err := readBody(r); err == nil || err.Error() != "cut" {
		t.Errorf("a failing body: %v, want its error", err)
	}
}

// pieces reads data n bytes at a time.
type pieces struct {
	data []byte
	n    int
}

func (p *pieces) Read(b []byte) (int, error) {
	if len(p.data) == 0 {
		return 0, io.EOF
	}
	k := copy(b[:min(len(b), p.n)], p.data)
	p.data = p.data[k:]
	return k, nil
}
