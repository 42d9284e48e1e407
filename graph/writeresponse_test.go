package graph

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponse: writeResponse writes what encoding/json writes for a
// graphql.Response, every part present or absent, byte for byte (the data
// holds no character encoding/json would escape for HTML).
func TestWriteResponse(t *testing.T) {
	yes, no := true, false
	errs := gqlerror.List{{Message: "bad \"id\"", Path: ast.Path{ast.PathName("node"), ast.PathIndex(2)}, Extensions: map[string]any{"code": "NOT_FOUND"}}}
	for _, resp := range []*graphql.Response{
		nil,
		{},
		{Data: json.RawMessage(`{"a":1,"b":[true,null,"x\u00e9"]}`)},
		{Data: json.RawMessage(`null`), Errors: errs},
		{Errors: errs},
		{Data: json.RawMessage(`{"a":1}`), Label: "l", Path: ast.Path{ast.PathName("x"), ast.PathIndex(0)}, HasNext: &yes},
		{Data: json.RawMessage(`{}`), HasNext: &no, Extensions: map[string]any{"cost": 3, "z": "y"}},
	} {
		want, err := json.Marshal(resp)
		if resp == nil {
			want, err = json.Marshal(&graphql.Response{})
		}
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		writeResponse(&got, resp)
		if diff := cmp.Diff(string(want), got.String()); diff != "" {
			t.Errorf("(-encoding/json +writeResponse):\n%s", diff)
		}
	}
}
