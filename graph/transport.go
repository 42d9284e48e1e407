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
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && r.Method == http.MethodPost && mt == typeJSON
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseType(r)
	w.Header().Set("Content-Type", contentType)
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body: %+v", err)}))
		return
	}
	params := &graphql.RawParams{}
	if err := decodeJSON(bytes.NewReader(body), params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %+v body:%s", err, string(body))}))
		return
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
	w.Header().Set("Content-Type", contentType)
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
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
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
