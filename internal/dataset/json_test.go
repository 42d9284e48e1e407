package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
)

// scanResult is what Scan gives for a file: every item handed on, the
// problems of reading, and the error.
type scanResult struct {
	Items    []parley.Item
	Problems []string
	Err      string
}

func scanJSON(t *testing.T, name string, data []byte, legacy bool) scanResult {
	t.Helper()
	defer func(old bool) { legacyJSON = old }(legacyJSON)
	legacyJSON = legacy
	var f *File
	if name != "" {
		var err error
		if f, err = Open(name); err != nil {
			t.Fatal(err)
		}
	} else {
		f = &File{Name: "f.json", data: data}
	}
	var r scanResult
	err := f.Scan(func(it parley.Item) error {
		r.Items = append(r.Items, it)
		return nil
	})
	if err != nil {
		var pe *parley.Error
		if errors.As(err, &pe) {
			r.Err = pe.Message
		} else {
			r.Err = err.Error()
		}
	}
	for _, p := range f.Problems {
		r.Problems = append(r.Problems, p.String())
	}
	return r
}

// jsonCases are files on which the json v2 reader could part from
// encoding/json: names in another case or twice, invalid UTF-8 and lone
// surrogates, numbers of every form, nulls, entries that are not objects,
// unknown fields and values of the wrong type at every depth, bad syntax
// at every level, and the top level's own cases.
var jsonCases = []string{
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A"}]}`,
	`{"actors": [{"ID": "a", "Kind": "PERSON", "NAME": "A", "aliases": ["x"]}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A", "name": "B", "aliases": ["x"], "aliases": ["y", "z"]}]}`,
	"{\"actors\": [{\"id\": \"a\", \"kind\": \"PERSON\", \"name\": \"A\xff\xfeB\xc3\", \"description\": \"\\ud800 \\udc00x \\u00e9 \\u003c&> \\ud83d\\ude00\"}]}",
	`{"actors": [{"id": "a", "kind": "PERSON", "name": null, "aliases": null, "evidence": null}]}`,
	`{"actors": [null, {}, "a", 7, true, [], {"id": "b"}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A", "evidence": [{"quote": "q", "start": 1.0, "end": 2}]}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A", "evidence": [{"quote": "q", "start": 1e2, "end": -0}]}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A", "evidence": [{"quote": "q", "start": 99999999999999999999}]}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A", "evidence": [{"quote": "q", "start": "5"}]}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "nmae": "A", "age": 52}, {"id": "b", "kind": "STATE", "name": "B", "aliases": 7}]}`,
	`{"positions": [{"id": "p", "holder": "a", "proposition": "x", "stance": "FOR", "speechAct": "S", "redLine": "yes", "attribution": {"basis": "B", "wo": 1}}]}`,
	`{"positions": [{"id": "p", "holder": "a", "proposition": "x", "stance": "FOR", "speechAct": "S", "Evidence": [{"Quote": "q", "SOURCE": "s"}], "attribution": null}]}`,
	`{"commitments": [{"id": "c", "promisors": ["a"], "obligation": "o", "polarity": "POSITIVE", "status": [{"status": "S", "evidence": [{"quote": "q", "page": 3}]}]}]}`,
	`{"documents": [{"id": "d", "title": "t", "type": "T", "packageSize": 3, "packageSize": null}]}`,
	`{"defaultSource": "s", "sources": [{"id": "s", "title": "t", "text": "x"}]}`,
	`{"defaultSource": 7, "sources": null, "actors": {"id": "a"}, "issues": "x", "events": 3, "claims": [], "bogus": {"a": [1, 2]}, "more": 1}`,
	`{"defaultSource": null}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A"}], "actors": [{"id": "b", "kind": "PERSON", "name": "B"}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A"},]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A"}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A"}]`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A"}]} trailing`,
	`{"actors": [{"id": "a", "kind": "PERSON" "name": "A"}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "nmae": "A"}, {"id": "b" "kind": "STATE"}]}`,
	`{"actors": [{"id": "a", "kind": PERSON}]}`,
	`{"actors": [{"id": 'a'}]}`,
	`{"actors" [{"id": "a"}]}`,
	`{actors: []}`,
	`{"actors": [{"id": "a\u"}]}`,
	`{"actors": [{"id": "a", "kind": "PERSON", "name": "A", "aliases": [1, "b"]}]}`,
	`{"sources": [{"id": "s", "title": "t", "textFile": "../x"}]}`,
	"{\n  \"actors\": [\n    {\"id\": \"a\",\n     \"kind\": \"PERSON\",\n     \"nmae\": \"A\"},\n\n    {\"id\": \"b\", \"kind\": 3}\n  ],\n  \"x\": 1\n}\n",
	`{}`,
	`{"actors": []}`,
	`{"statements": [{"id": "s", "speaker": "a", "mode": "DIRECT", "words": "w", "expresses": ["p"], "audience": [null]}]}`,
}

// TestJSONReadersAgree checks that the json v2 reader (json) reads every
// file as the encoding/json reader (jsonLegacy) does: the same items, the
// same problems with the same lines and words, the same error; on the
// cases above and on a generated file, whole and broken in three places.
func TestJSONReadersAgree(t *testing.T) {
	for i, c := range jsonCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) { compareReaders(t, "", []byte(c)) })
	}
	ds := gen.Generate(gen.Config{Actors: 40, Statements: 900, Seed: 5})
	out, err := Write(ds, JSON)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	nodes := 0
	ds.Each(func(parley.Item) { nodes++ })
	broken := strings.Replace(text, `"holder": "`, `"Holder": "`, 1)
	broken = strings.Replace(broken, `"speechAct": "`, `"speech": "`, 1)
	broken = strings.Replace(broken, `"words": "`, `"words": 7, "x": "`, 1)
	cut := text[:len(text)*2/3]
	for name, data := range map[string]string{"whole": text, "broken": broken, "cut": cut} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "g.json")
			if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			got := compareReaders(t, file, nil)
			if name == "whole" && (len(got.Items) != nodes || len(got.Problems) > 0 || got.Err != "") {
				t.Errorf("the whole file: %d items, problems %v, error %q", len(got.Items), got.Problems, got.Err)
			}
			if name == "broken" && len(got.Problems) != 3 {
				t.Errorf("the broken file: problems %v, want three (a field in another case is read as encoding/json reads it)", got.Problems)
			}
			if name == "cut" && got.Err == "" {
				t.Errorf("the cut file: no error")
			}
		})
	}
}

// compareReaders reads one file with both readers and fails where they
// differ; it returns what the v2 reader read.
func compareReaders(t *testing.T, name string, data []byte) scanResult {
	t.Helper()
	want := scanJSON(t, name, data, true)
	got := scanJSON(t, name, data, false)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("json v2 reader (-encoding/json +v2):\n%s", diff)
	}
	return got
}

// FuzzJSONReadersAgree compares the two readers on arbitrary bytes read
// as JSON. Seeds: jsonCases.
func FuzzJSONReadersAgree(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) && len(data) > 0 && data[0] != '{' {
			return
		}
		compareReaders(t, "", data)
	})
}
