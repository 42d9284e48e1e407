package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/parley-graph/parley/internal/parley"
)

// Conform adjusts gqlgen's responses to the GraphQL over HTTP spec where
// they differ, for errors raised before execution:
//
//   - a document that does not parse or validate, or variables that do not
//     coerce: 200 for a client accepting only application/json (the
//     legacy type), 400 for one accepting application/graphql-response+json;
//   - a request that is not a GraphQL request (bad parameters, a body that
//     is not JSON): 400 whatever the client accepts;
//   - in both cases no "data" entry, since no execution began.
//
// Successful and executed responses pass through untouched.
func Conform(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions || Streaming(r) {
			next.ServeHTTP(w, r)
			return
		}
		if (r.Method == http.MethodPost && missingQuery(r)) || (r.Method == http.MethodGet && missingGetQuery(r)) {
			writeRequestError(w, "the request has no query: send {\"query\": \"...\"} (or a persisted query's hash)")
			return
		}
		rec := newRecorder()
		defer rec.release()
		next.ServeHTTP(rec, r)
		body := rec.body.Bytes()
		status := rec.status
		if rec.over {
			// The budget of NewHandler keeps answers well below this;
			// this is the last guard of the server's memory.
			body = []byte(`{"errors":[{"message":"the answer is larger than this server gives in one response: ask for fewer fields or smaller pages (first, last)","extensions":{"code":"RESPONSE_TOO_LARGE"}}]}`)
			status = http.StatusOK
			rec.header.Set("Content-Type", "application/json")
		}
		if status >= 400 && status < 500 {
			body, status = conformError(r, body, status)
		}
		h := w.Header()
		for k, v := range rec.header {
			h[k] = v
		}
		if r.Method == http.MethodGet {
			// The graph changes with every write: a cache may keep a GET
			// answer but must ask again before using it; one given for a
			// token is the token holder's alone.
			if r.Header.Get("Authorization") != "" {
				h["Cache-Control"] = privateNoCache
			} else {
				h["Cache-Control"] = noCache
			}
		}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.WriteHeader(status)
		w.Write(body)
	})
}

// conformError adjusts an error answered before execution: no data
// entry, the spec's status, and an extensions.code on every error
// (gqlgen's transport errors, "transport not supported" and "GET
// requests only allow query operations", carry none: they get
// BAD_REQUEST).
func conformError(r *http.Request, body []byte, status int) ([]byte, int) {
	var raw map[string]json.RawMessage
	var errs []map[string]any
	if json.Unmarshal(body, &raw) != nil || json.Unmarshal(raw["errors"], &errs) != nil || len(errs) == 0 {
		return body, status
	}
	document := true
	for _, e := range errs {
		ext, _ := e["extensions"].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			e["extensions"] = ext
		}
		code, _ := ext["code"].(string)
		if code == "" {
			code = "BAD_REQUEST"
			ext["code"] = code
		}
		switch code {
		case "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED":
		default:
			document = false
		}
	}
	// No execution began: there is no data entry.
	if string(raw["data"]) == "null" {
		delete(raw, "data")
	}
	if b, err := json.Marshal(errs); err == nil {
		raw["errors"] = b
	}
	if b, err := json.Marshal(raw); err == nil {
		body = b
	}
	switch {
	case document && !acceptsGraphQLResponse(r):
		status = http.StatusOK
	case status == http.StatusUnprocessableEntity:
		status = http.StatusBadRequest
	}
	return body, status
}

// Recover answers a request whose handler panicked with 500 and an
// "internal error" (code INTERNAL_SERVER_ERROR), and logs the panic with
// its stack. (Panics in resolvers are caught by gqlgen and logged by
// NewHandler's recover function; this catches the rest.)
func Recover(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			logger.ErrorContext(r.Context(), "panic serving a request", "panic", fmt.Sprint(p), "method", r.Method, "path", r.URL.Path, "stack", string(debug.Stack()))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`))
		}()
		next.ServeHTTP(w, r)
	})
}

// missingQuery reports whether a JSON POST names neither a query nor a
// persisted query, leaving the body readable for the handler.
func missingQuery(r *http.Request) bool {
	mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if strings.TrimSpace(mt) != "application/json" || r.Body == nil {
		return false
	}
	if d, ok := r.Body.(*decodedBody); ok {
		// Decoded already (by the answer cache).
		return !d.given.query && !d.given.persisted && !d.given.more
	}
	body, err := readBody(r)
	if err != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		return false
	}
	if p, given, ok := fastParams(body); ok {
		// Decoded once, here, for the transport too.
		d := &decodedBody{params: p, given: given}
		d.Reset(body)
		r.Body = d
		return !given.query && !given.persisted && !given.more
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var params struct {
		Query      *json.RawMessage
		Extensions struct {
			PersistedQuery *json.RawMessage
		}
	}
	if json.Unmarshal(body, &params) != nil {
		return false // the handler reports malformed JSON itself
	}
	return params.Query == nil && params.Extensions.PersistedQuery == nil
}

// readBody reads r's body as io.ReadAll does, into a buffer of the
// announced length (up to 64 KiB: the length is the client's word) rather
// than ReadAll's 512 bytes, grown as needed.
func readBody(r *http.Request) ([]byte, error) {
	b := make([]byte, 0, min(max(r.ContentLength, 0), 64<<10)+1)
	for {
		n, err := r.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// missingGetQuery reports whether a GET names neither a query nor a
// persisted query in its URL.
func missingGetQuery(r *http.Request) bool {
	q := r.URL.Query()
	return q.Get("query") == "" && !strings.Contains(q.Get("extensions"), "persistedQuery")
}

// writeRequestError answers a request that is not a GraphQL request.
func writeRequestError(w http.ResponseWriter, msg string) {
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": "BAD_REQUEST"}}}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	w.Write(b)
}

// acceptsGraphQLResponse reports whether the client takes
// application/graphql-response+json.
func acceptsGraphQLResponse(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if mt == "application/graphql-response+json" {
			return true
		}
	}
	return false
}

// maxResponseBytes is the largest response body Conform passes on.
const maxResponseBytes = 4 * DefaultMaxResultBytes

// Header values set on every answer, shared: a header's values are only
// ever replaced, never changed in place. (Header.Set makes a slice for
// each.)
var (
	noCache        = []string{"no-cache"}
	privateNoCache = []string{"private, no-cache"}
)

// recorder keeps a response to adjust it before it is sent, up to max
// bytes; past that it keeps nothing more and says so.
type recorder struct {
	header http.Header
	body   bytes.Buffer
	status int
	max    int
	over   bool
}

// recorders keep Conform's recorders, with their header map and buffer,
// from one request to the next.
var recorders = sync.Pool{New: func() any { return &recorder{header: http.Header{}} }}

func newRecorder() *recorder {
	rec := recorders.Get().(*recorder)
	rec.status, rec.max, rec.over = http.StatusOK, maxResponseBytes, false
	return rec
}

// maxPooledBody is the largest buffer a recorder keeps for the next
// request: one large answer should not pin its memory.
const maxPooledBody = 64 << 10

// release returns rec to the pool once its answer is written (the header
// values now belong to the response's header).
func (r *recorder) release() {
	clear(r.header)
	if r.body.Cap() > maxPooledBody {
		r.body = bytes.Buffer{}
	}
	r.body.Reset()
	recorders.Put(r)
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.over || r.body.Len()+len(b) > r.max {
		r.over = true
		r.body.Reset()
		return len(b), nil
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(code int) { r.status = code }

// Authenticate reads the bearer token of a request and puts its principal
// in the request's context, where the resolvers check roles. A request
// with an unknown or revoked token is refused with 401 UNAUTHENTICATED, and
// so is one without a token when requireToken is set (reads then need a
// token too). CORS preflights pass.
func Authenticate(tokens parley.Tokens, requireToken bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions || websocketUpgrade(r) {
			// A websocket's token comes in its connection_init payload
			// (browsers cannot set headers on one): checked there.
			next.ServeHTTP(w, r)
			return
		}
		h := r.Header.Get("Authorization")
		if h == "" {
			if requireToken {
				writeAuthError(w, "this server needs a token for every request: send the header Authorization: Bearer <token>")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			writeAuthError(w, "the Authorization header must be: Bearer <token>")
			return
		}
		p, err := tokens.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			var f *parley.Error
			if sf, ok := tokens.(parley.StorageFaults); ok {
				f = sf.StorageFault(err)
			}
			switch {
			case parley.ErrorCode(err) == parley.EUnauthenticated:
				writeAuthError(w, parley.ErrorMessage(err))
			case f != nil:
				// The tokens cannot be read: the storage's fault, said
				// by its code, as /readyz says it.
				writeError(w, http.StatusServiceUnavailable, f.Message, f.Code)
			default:
				writeError(w, http.StatusInternalServerError, "internal error", "INTERNAL_SERVER_ERROR")
			}
			return
		}
		next.ServeHTTP(w, r.WithContext(parley.WithPrincipal(r.Context(), p)))
	})
}

// writeError answers with one GraphQL-shaped error.
func writeError(w http.ResponseWriter, status int, msg, code string) {
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}}})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func writeAuthError(w http.ResponseWriter, msg string) {
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": parley.EUnauthenticated}}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(b)
}

// Streaming reports whether r asks for a subscription's stream: a
// websocket upgrade, or Server-Sent Events. These outlive the request time
// limit and the server's read and write timeouts.
func Streaming(r *http.Request) bool {
	return websocketUpgrade(r) || (r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream"))
}

func websocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}
