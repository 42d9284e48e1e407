package graph

import (
	"reflect"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
)

// TestListKeyCoversTheFilter sets each field of a list request's filter in
// turn (and the paging fields) and checks the comparable key carries it:
// the request made back from the key is the same, and differs from the
// key of the request without it. A field added to parley.Filter and not
// to filterKey fails here.
func TestListKeyCoversTheFilter(t *testing.T) {
	base := parley.ListRequest{Of: parley.TypePosition, Via: "holder", First: 10}
	if got := keyOf(base).request(); !reflect.DeepEqual(got, base) {
		t.Fatalf("round trip of %+v gave %+v", base, got)
	}
	ft := reflect.TypeOf(parley.Filter{})
	for i := 0; i < ft.NumField(); i++ {
		req := base
		fv := reflect.ValueOf(&req.Filter).Elem().Field(i)
		switch {
		case fv.Kind() == reflect.Bool:
			fv.SetBool(true)
		case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.String:
			p := reflect.New(fv.Type().Elem())
			p.Elem().SetString("x-" + ft.Field(i).Name)
			fv.Set(p)
		default:
			t.Fatalf("Filter.%s is a %s: teach listKey about it", ft.Field(i).Name, fv.Type())
		}
		if got := keyOf(req).request(); !reflect.DeepEqual(got, req) {
			t.Errorf("Filter.%s: round trip gave %+v, want %+v", ft.Field(i).Name, got.Filter, req.Filter)
		}
		if keyOf(req) == keyOf(base) {
			t.Errorf("Filter.%s: the key does not change with it", ft.Field(i).Name)
		}
	}
	paged := base
	paged.After, paged.Count = "pos-1", true
	back := base
	back.Backward, back.Before = true, "pos-9"
	for _, r := range []parley.ListRequest{paged, back} {
		if got := keyOf(r).request(); !reflect.DeepEqual(got, r) || keyOf(r) == keyOf(base) {
			t.Errorf("paging of %+v not carried: %+v", r, got)
		}
	}
}
