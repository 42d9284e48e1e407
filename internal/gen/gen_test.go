package gen_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

func TestDeterministic(t *testing.T) {
	c := gen.Config{Actors: 50, Statements: 500, Seed: 42}
	a, err := dataset.Write(gen.Generate(c), dataset.YAML)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := dataset.Write(gen.Generate(c), dataset.YAML)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different bytes")
	}
	c.Seed = 43
	d, _ := dataset.Write(gen.Generate(c), dataset.YAML)
	if bytes.Equal(a, d) {
		t.Fatal("another seed gave the same bytes")
	}
}

// TestValidAndShaped checks the output validates (every evidence span is in
// its source), round-trips through the file format, imports, and has the
// shape the benchmarks rely on.
func TestValidAndShaped(t *testing.T) {
	ds := gen.Generate(gen.Config{Actors: 200, Statements: 4000, Seed: 1})
	out, err := dataset.Write(ds, dataset.YAML)
	if err != nil {
		t.Fatal(err)
	}
	f, err := dataset.Parse("gen.yaml", out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if problems := dataset.Validate([]*dataset.File{f}, nil); len(problems) > 0 {
		t.Fatalf("%d problems, first: %s", len(problems), problems[0])
	}
	counts := map[string]int{"statements": len(ds.Statements), "positions": len(ds.Positions), "commitments": len(ds.Commitments),
		"issues": len(ds.Issues), "propositions": len(ds.Propositions), "actors": len(ds.Actors)}
	want := map[string]int{"statements": 4000, "positions": 2000, "commitments": 400, "issues": 5, "propositions": 20, "actors": 200}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("%s = %d, want %d", k, counts[k], v)
		}
	}
	// Heavy-tailed: the five busiest speakers (2.5%) make a fifth or more of the
	// statements, the median one few.
	per := map[string]int{}
	for _, s := range ds.Statements {
		per[s.Speaker]++
	}
	var n []int
	for _, v := range per {
		n = append(n, v)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(n)))
	top := n[0] + n[1] + n[2] + n[3] + n[4]
	if top*100/len(ds.Statements) < 20 || n[len(n)/2] > 20 {
		t.Errorf("top five speakers make %d of %d statements, median %d: not heavy-tailed", top, len(ds.Statements), n[len(n)/2])
	}
	// Conflicting stances exist, and commitments have histories.
	stances := map[string]map[parley.Stance]bool{}
	for _, p := range ds.Positions {
		if stances[p.Proposition] == nil {
			stances[p.Proposition] = map[parley.Stance]bool{}
		}
		stances[p.Proposition][p.Stance] = true
	}
	conflicts := 0
	for _, s := range stances {
		if s[parley.Supports] && s[parley.Opposes] {
			conflicts++
		}
	}
	if conflicts < 10 {
		t.Errorf("only %d propositions with opposed stances", conflicts)
	}
	long := 0
	for _, c := range ds.Commitments {
		if len(c.Status) > 1 {
			long++
		}
	}
	if long < len(ds.Commitments)/3 {
		t.Errorf("only %d of %d commitments have a status history", long, len(ds.Commitments))
	}

	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Import(ctx, []*parley.Dataset{f.Dataset})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created < 6000 {
		t.Errorf("imported %d nodes", res.Created)
	}
	hits, _, err := db.Search(ctx, parley.SearchQuery{Text: "ceasefire", First: 5})
	if err != nil || len(hits) != 5 {
		t.Errorf("search after a bulk import: %v %v", hits, err)
	}
	var changes int
	db.SQL().QueryRow("SELECT count(*) FROM changes WHERE op = 'IMPORT'").Scan(&changes)
	if changes != res.Created {
		t.Errorf("history rows %d, nodes %d", changes, res.Created)
	}
}
