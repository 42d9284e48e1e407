package parley

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// oddStrings are strings that encoding/json escapes in every way it can.
var oddStrings = []string{
	"", "plain", "<b>&amp;</b>", "quote \" and \\ backslash", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
	"line\u2028para\u2029", "bad \xff\xfe utf-8 \xc3", "é 😀 ü", "\xed\xa0\x80 surrogate",
}

// fill sets every field of the value v points to, recursively: strings
// from oddStrings (the i-th onwards), ints, true, slices of two (the
// second element of a slice of pointers nil), pointers to filled values.
func fill(v reflect.Value, i *int) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), i)
	case reflect.Struct:
		for f := 0; f < v.NumField(); f++ {
			fill(v.Field(f), i)
		}
	case reflect.String:
		*i++
		v.SetString(oddStrings[*i%len(oddStrings)] + fmt.Sprint(*i))
	case reflect.Int:
		*i++
		v.SetInt(int64(*i))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(s.Index(0), i)
		if v.Type().Elem().Kind() != reflect.Pointer {
			fill(s.Index(1), i)
		}
		v.Set(s)
	default:
		panic("fill: a field of kind " + v.Kind().String())
	}
}

// empty sets every slice field to an empty list that is not nil, and
// every pointer to a zero value, recursively.
func empty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		empty(v.Elem())
	case reflect.Struct:
		for f := 0; f < v.NumField(); f++ {
			empty(v.Field(f))
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
}

// TestAppendRecord checks that AppendRecord writes what json.Marshal
// writes for every node type: with no field set, with every field set
// (so that a field added to a type and not to AppendRecord fails here),
// with every list empty but not nil, and with every string odd.
func TestAppendRecord(t *testing.T) {
	for _, typ := range []NodeType{TypeSource, TypeActor, TypeEvent, TypeIssue, TypeProposition, TypeDocument, TypeRole,
		TypeRelation, TypeParticipation, TypePosition, TypeCommitment, TypeRequirement, TypeStatement, TypeClaim} {
		zero := New(typ)
		nodes := map[string]any{"zero": zero, "nil": reflect.Zero(reflect.TypeOf(zero)).Interface()}
		e := New(typ)
		empty(reflect.ValueOf(e).Elem())
		nodes["empty lists"] = e
		for start := range oddStrings {
			f := New(typ)
			i := start
			fill(reflect.ValueOf(f).Elem(), &i)
			nodes[fmt.Sprint("filled ", start)] = f
		}
		for name, n := range nodes {
			want, err := json.Marshal(n)
			if err != nil {
				t.Fatal(err)
			}
			got, err := AppendRecord([]byte("prefix"), n)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "prefix"+string(want) {
				t.Errorf("%s, %s:\n got %s\nwant prefix%s", typ, name, got, want)
			}
		}
	}
	// A value of another type goes to json.Marshal.
	if got, err := AppendRecord(nil, map[string]int{"a": 1}); err != nil || string(got) != `{"a":1}` {
		t.Errorf("a map: %s, %v", got, err)
	}
}

// FuzzAppendJSONString compares appendJSONString with json.Marshal on
// arbitrary strings. Seeds: oddStrings.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}
