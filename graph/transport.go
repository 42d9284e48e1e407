package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// postTransport and getTransport are gqlgen's transport.POST and
// transport.GET (v0.17.98, no extra response headers), request for request
// and status for status, but for how they write the answer: gqlgen's
// writeJson hands the whole response to encoding/json, which copies and
// validates the answer's data a second time (json.RawMessage) after the
// executor wrote it. writeResponse writes the data as the executor made it.
type postTransport struct{}

type getTransport struct{}

var (
	_ graphql.Transport = postTransport{}
	_ graphql.Transport = getTransport{}
)

const (
	typeJSON            = "application/json"
	typeGraphQLResponse = "application/graphql-response+json"
)

func (postTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	if r.Method != http.MethodPost {
		return false
	}
	ct := r.Header.Get("Content-Type")
	if ct == typeJSON {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == typeJSON
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseType(r)
	w.Header()["Content-Type"] = contentTypeValue(contentType)
	start := graphql.Now()
	params := &graphql.RawParams{}
	if b, ok := r.Body.(*decodedBody); ok {
		*params = b.params
	} else {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body: %+v", err)}))
			return
		}
		p, _, ok := fastParams(body)
		if ok {
			*params = p
		} else if err := decodeJSON(bytes.NewReader(body), params); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %+v body:%s", err, string(body))}))
			return
		}
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	oc, opErr := exec.CreateOperationContext(ctx, params)
	if opErr != nil {
		w.WriteHeader(operationErrorStatus(contentType, opErr))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	writeResponse(w, responses(ctx))
}

func (getTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && r.Method == http.MethodGet
}

func (getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, &graphql.Response{Errors: gqlerror.List{{Message: err.Error()}}})
		return
	}
	contentType := responseType(r)
	w.Header()["Content-Type"] = contentTypeValue(contentType)
	params := &graphql.RawParams{Query: query.Get("query"), OperationName: query.Get("operationName"), Headers: r.Header}
	params.ReadTime.Start = graphql.Now()
	if v := query.Get("variables"); v != "" {
		if err := decodeJSON(strings.NewReader(v), &params.Variables); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			writeResponse(w, &graphql.Response{Errors: gqlerror.List{{Message: "variables could not be decoded"}}})
			return
		}
	}
	if v := query.Get("extensions"); v != "" {
		if err := decodeJSON(strings.NewReader(v), &params.Extensions); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			writeResponse(w, &graphql.Response{Errors: gqlerror.List{{Message: "extensions could not be decoded"}}})
			return
		}
	}
	params.ReadTime.End = graphql.Now()
	oc, opErr := exec.CreateOperationContext(r.Context(), params)
	if opErr != nil {
		w.WriteHeader(operationErrorStatus(contentType, opErr))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(r.Context(), oc), opErr))
		return
	}
	if op := oc.Doc.Operations.ForName(oc.OperationName); op.Operation != ast.Query {
		w.WriteHeader(http.StatusNotAcceptable)
		writeResponse(w, &graphql.Response{Errors: gqlerror.List{{Message: "GET requests only allow query operations"}}})
		return
	}
	responses, ctx := exec.DispatchOperation(r.Context(), oc)
	writeResponse(w, responses(ctx))
}

// responseType is the media type of the answer, by the request's Accept
// header: application/json unless the client asks for
// application/graphql-response+json first (or names neither).
func responseType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return typeJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		part = strings.TrimSpace(part)
		mt := part
		if !plainMediaType(part) {
			var err error
			if mt, _, err = mime.ParseMediaType(part); err != nil {
				continue
			}
		}
		switch mt {
		case "*/*", "application/*", typeJSON:
			return typeJSON
		case typeGraphQLResponse:
			return typeGraphQLResponse
		}
	}
	return typeGraphQLResponse
}

// plainMediaType reports whether mime.ParseMediaType would give s itself:
// a type/subtype in lower case without parameters or spaces, as clients
// send application/json.
func plainMediaType(s string) bool {
	slash := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '+', c == '.':
		case c == '/' && !slash && i > 0 && i < len(s)-1:
			slash = true
		case c == '*' && (i == len(s)-1 || s[i+1] == '/') && (i == 0 || s[i-1] == '/'):
		default:
			return false
		}
	}
	return slash
}

// contentTypeValue is the header value of an answer's media type, shared
// by every answer (see noCache).
func contentTypeValue(mt string) []string {
	if mt == typeGraphQLResponse {
		return graphQLResponseValue
	}
	return jsonValue
}

var (
	jsonValue            = []string{typeJSON}
	graphQLResponseValue = []string{typeGraphQLResponse}
)

// operationErrorStatus is the status of a request refused before
// execution: a protocol error is 400 (application/graphql-response+json)
// or 422 (application/json; Conform makes it 400 or 200), anything else
// 200.
func operationErrorStatus(contentType string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if contentType == typeGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return dec.Decode(v)
}

// writeResponse writes resp as encoding/json writes a graphql.Response (its
// fields in the same order, the same omissions), but for the data: the
// executor's JSON is written as it is. Only the rarely present parts
// (errors, extensions, an incremental delivery's label, path and hasNext)
// go through encoding/json.
func writeResponse(w io.Writer, resp *graphql.Response) {
	if resp == nil {
		resp = &graphql.Response{}
	}
	if len(resp.Errors) == 0 && len(resp.Data) > 0 && resp.Label == "" && len(resp.Path) == 0 && resp.HasNext == nil && len(resp.Extensions) == 0 {
		// The common answer, data alone: written as it is, not copied
		// first (w buffers: the server's response, or Conform's).
		io.WriteString(w, `{"data":`)
		w.Write(resp.Data)
		io.WriteString(w, "}")
		return
	}
	var b bytes.Buffer
	b.Grow(len(resp.Data) + 16)
	b.WriteByte('{')
	if len(resp.Errors) > 0 {
		b.WriteString(`"errors":`)
		writeJSONValue(&b, resp.Errors)
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	if len(resp.Data) == 0 {
		b.WriteString("null")
	} else {
		b.Write(resp.Data)
	}
	if resp.Label != "" {
		b.WriteString(`,"label":`)
		writeJSONValue(&b, resp.Label)
	}
	if len(resp.Path) > 0 {
		b.WriteString(`,"path":`)
		writeJSONValue(&b, resp.Path)
	}
	if resp.HasNext != nil {
		b.WriteString(`,"hasNext":`)
		writeJSONValue(&b, *resp.HasNext)
	}
	if len(resp.Extensions) > 0 {
		b.WriteString(`,"extensions":`)
		writeJSONValue(&b, resp.Extensions)
	}
	b.WriteByte('}')
	w.Write(b.Bytes())
}

func writeJSONValue(b *bytes.Buffer, v any) {
	out, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("unable to marshal %T: %w", v, err))
	}
	b.Write(out)
}

// decodedBody is a request body Conform has read and decoded (fastParams):
// postTransport takes its params rather than reading it again.
type decodedBody struct {
	bytes.Reader
	params graphql.RawParams
	given  paramsGiven
}

func (*decodedBody) Close() error { return nil }

// paramsGiven says what a request body named, as Conform asks it: a
// query (a value other than null), a persisted query's hash
// (extensions.persistedQuery other than null).
type paramsGiven struct {
	query, persisted bool
	// more says the body goes on after its object (json.Decoder
	// ignores it, json.Unmarshal refuses the body).
	more bool
}

// fastParams decodes body as encoding/json (with UseNumber) decodes it
// into a new graphql.RawParams, for the bodies clients send: one object
// whose keys are among query, operationName, variables and extensions,
// each at most once, the first two strings or null, the others objects or
// null. On anything else (another key, a key in other letters, an escaped
// key, a string with an invalid escape or invalid UTF-8) it returns ok
// false, and the caller decodes with encoding/json, which says what is
// wrong. As json.Decoder, it reads the first value and ignores what
// follows it.
func fastParams(body []byte) (p graphql.RawParams, given paramsGiven, ok bool) {
	d := paramsDecoder{b: body}
	d.space()
	if !d.byte('{') {
		return p, given, false
	}
	d.space()
	var seen [4]bool
	for !d.byte('}') {
		key, ok := d.plainString()
		if !ok {
			return p, given, false
		}
		d.space()
		if !d.byte(':') {
			return p, given, false
		}
		d.space()
		var k int
		switch string(key) {
		case "query":
			k = 0
		case "operationName":
			k = 1
		case "variables":
			k = 2
		case "extensions":
			k = 3
		default:
			return p, given, false
		}
		if seen[k] {
			return p, given, false // the last would win: left to encoding/json
		}
		seen[k] = true
		if d.null() {
			// null leaves the field as it is.
		} else if k < 2 {
			s, ok := d.string()
			if !ok {
				return p, given, false
			}
			if k == 0 {
				p.Query, given.query = s, true
			} else {
				p.OperationName = s
			}
		} else {
			m, ok := d.object()
			if !ok {
				return p, given, false
			}
			if k == 2 {
				p.Variables = m
			} else {
				p.Extensions = m
			}
		}
		d.space()
		if d.byte(',') {
			d.space()
			if d.i < len(d.b) && d.b[d.i] == '}' {
				return p, given, false // a trailing comma
			}
		} else if d.i >= len(d.b) || d.b[d.i] != '}' {
			return p, given, false
		}
	}
	d.space()
	given.more = d.i < len(d.b)
	if p.Extensions != nil {
		for k, v := range p.Extensions {
			if k == "persistedQuery" {
				given.persisted = v != nil
			} else if strings.EqualFold(k, "persistedQuery") {
				return p, given, false // which one a struct field would take depends on their order
			}
		}
	}
	return p, given, true
}

type paramsDecoder struct {
	b []byte
	i int
}

func (d *paramsDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *paramsDecoder) byte(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *paramsDecoder) null() bool {
	if bytes.HasPrefix(d.b[d.i:], []byte("null")) {
		d.i += 4
		return true
	}
	return false
}

// plainString reads a string of printable ASCII without escapes (a key),
// not copied.
func (d *paramsDecoder) plainString() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return d.b[start : d.i-1], true
		case c < 0x20 || c >= 0x80 || c == '\\':
			return nil, false
		}
		d.i++
	}
	return nil, false
}

// string reads a JSON string: one copy when it has no escapes, escapes
// decoded as encoding/json decodes them otherwise; false for a control
// character, invalid UTF-8, a bad escape or a lone surrogate (which
// encoding/json would replace with U+FFFD).
func (d *paramsDecoder) string() (string, bool) {
	if !d.byte('"') {
		return "", false
	}
	start := d.i
	var out []byte // only when there are escapes
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if out == nil {
				return string(d.b[start : d.i-1]), true
			}
			return string(out), true
		case c == '\\':
			if out == nil {
				out = make([]byte, 0, len(d.b)-start)
				out = append(out, d.b[start:d.i]...)
			}
			if d.i+1 >= len(d.b) {
				return "", false
			}
			d.i += 2
			switch e := d.b[d.i-1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", false
				}
				if utf16.IsSurrogate(r) {
					if !bytes.HasPrefix(d.b[d.i:], []byte(`\u`)) {
						return "", false
					}
					d.i += 2
					r2, ok := d.hex4()
					if !ok {
						return "", false
					}
					if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
						return "", false
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", false
			}
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			if out != nil {
				out = append(out, c)
			}
			d.i++
		default:
			r, size := utf8.DecodeRune(d.b[d.i:])
			if r == utf8.RuneError && size == 1 {
				return "", false
			}
			if out != nil {
				out = append(out, d.b[d.i:d.i+size]...)
			}
			d.i += size
		}
	}
	return "", false
}

func (d *paramsDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	var r rune
	for _, c := range d.b[d.i : d.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	d.i += 4
	return r, true
}

// object reads a JSON object into a map, by encoding/json (UseNumber):
// variables and extensions are rare and may hold anything.
func (d *paramsDecoder) object() (map[string]any, bool) {
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return nil, false
	}
	if bytes.HasPrefix(d.b[d.i:], []byte("{}")) {
		d.i += 2
		return map[string]any{}, true
	}
	dec := json.NewDecoder(bytes.NewReader(d.b[d.i:]))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, false
	}
	d.i += int(dec.InputOffset())
	return m, true
}
