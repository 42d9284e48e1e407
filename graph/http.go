package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

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
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if (r.Method == http.MethodPost && missingQuery(r)) || (r.Method == http.MethodGet && missingGetQuery(r)) {
			writeRequestError(w, "the request has no query: send {\"query\": \"...\"} (or a persisted query's hash)")
			return
		}
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		body := rec.body.Bytes()
		status := rec.status
		if status >= 400 && status < 500 {
			var resp struct {
				Errors []struct {
					Extensions struct{ Code string }
				}
			}
			var raw map[string]json.RawMessage
			if json.Unmarshal(body, &raw) == nil && json.Unmarshal(body, &resp) == nil && len(resp.Errors) > 0 {
				// No execution began: there is no data entry.
				if string(raw["data"]) == "null" {
					delete(raw, "data")
					if b, err := json.Marshal(raw); err == nil {
						body = b
					}
				}
				document := true
				for _, e := range resp.Errors {
					switch e.Extensions.Code {
					case "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED":
					default:
						document = false
					}
				}
				switch {
				case document && !acceptsGraphQLResponse(r):
					status = http.StatusOK
				case status == http.StatusUnprocessableEntity:
					status = http.StatusBadRequest
				}
			}
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body)
	})
}

// missingQuery reports whether a JSON POST names neither a query nor a
// persisted query, leaving the body readable for the handler.
func missingQuery(r *http.Request) bool {
	mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	if strings.TrimSpace(mt) != "application/json" || r.Body == nil {
		return false
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
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

// recorder keeps a response to adjust it before it is sent.
type recorder struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.status = code }

// Authenticate reads the bearer token of a request and puts its principal
// in the request's context, where the resolvers check roles. A request
// with an unknown or revoked token is refused with 401 UNAUTHENTICATED, and
// so is one without a token when requireToken is set (reads then need a
// token too). CORS preflights pass.
func Authenticate(tokens parley.Tokens, requireToken bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
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
			if parley.ErrorCode(err) == parley.EUnauthenticated {
				writeAuthError(w, parley.ErrorMessage(err))
			} else {
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
			return
		}
		next.ServeHTTP(w, r.WithContext(parley.WithPrincipal(r.Context(), p)))
	})
}

func writeAuthError(w http.ResponseWriter, msg string) {
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": parley.EUnauthenticated}}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(b)
}
