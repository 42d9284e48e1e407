package parley_test

import (
	"encoding/json"
	"testing"

	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
)

// TestRecordsAsMarshal compares AppendRecord with json.Marshal on every
// node of a generated graph of some 10,000 assertions.
func TestRecordsAsMarshal(t *testing.T) {
	ds := gen.Generate(gen.Config{Actors: 208, Statements: 6060, Seed: 1})
	n := 0
	ds.Each(func(it parley.Item) {
		want, err := json.Marshal(it.Node)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parley.AppendRecord(nil, it.Node)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", it.Path, got, want)
		}
		n++
	})
	if n < 10000 {
		t.Errorf("%d nodes, want 10,000 or more", n)
	}
}
