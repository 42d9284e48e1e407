package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/bench"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestSearchSameHitsAsSQLite imports one generated graph, large enough
// for the bulk import (whose search rows are written apart from the
// row-by-row path's), into both stores and asks both the same searches:
// the same hits (nodes, and sentences of sources by where they start)
// and the same counts, in whatever order each ranks them (where the
// pages reach every hit: below the cap of ranked texts, which both have). A statement
// found by its speaker's alias is a "speaker" hit on both.
func TestSearchSameHitsAsSQLite(t *testing.T) {
	pg := open(t)
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	cfg := bench.Config(6000)
	var alias string
	for i, s := range []parley.Store{lite, pg} {
		// A fresh copy each: the importer fills in evidence offsets.
		ds := gen.Generate(cfg)
		if n := len(ds.Sources) + len(ds.Actors) + len(ds.Events) + len(ds.Issues) + len(ds.Propositions) + len(ds.Documents) +
			len(ds.Roles) + len(ds.Relations) + len(ds.Participations) + len(ds.Positions) + len(ds.Commitments) +
			len(ds.Requirements) + len(ds.Statements) + len(ds.Claims); n < 5000 {
			t.Fatalf("the graph has %d nodes, too few for a bulk import", n)
		}
		if _, err := s.Import(ctx, []*parley.Dataset{ds}); err != nil {
			t.Fatalf("%T import: %v", s, err)
		}
		if i == 0 {
			// An alias of an actor that speaks, not in its statements' words.
			spoke := map[string]bool{}
			for _, st := range ds.Statements {
				spoke[st.Speaker] = true
			}
			for _, a := range ds.Actors {
				if len(a.Aliases) > 0 && spoke[a.ID] && !strings.Contains(a.Name, a.Aliases[0]) {
					alias = a.Aliases[0]
					break
				}
			}
		}
	}
	if alias == "" {
		t.Fatal("no speaking actor with an alias in the generated graph")
	}
	all := func(s parley.Searcher, q parley.SearchQuery) (keys []string, fields map[string]int) {
		t.Helper()
		q.First = 100000
		hits, more, err := s.Search(ctx, q)
		if err != nil || more {
			t.Fatalf("%T %q: %v (more %v)", s, q.Text, err, more)
		}
		fields = map[string]int{}
		for _, h := range hits {
			k := h.NodeID
			if h.Sentence != nil {
				k += fmt.Sprintf("@%d", *h.Sentence.Start)
			}
			keys = append(keys, k)
			fields[h.Field]++
		}
		sort.Strings(keys)
		return keys, fields
	}
	compared := 0
	for _, q := range []parley.SearchQuery{
		{Text: alias, Kinds: []parley.NodeType{parley.TypeStatement}},
		{Text: alias},
		{Text: "ceasefire"},
		{Text: "ceasefire", Kinds: []parley.NodeType{parley.TypeIssue, parley.TypeProposition, parley.TypeCommitment}},
		{Text: "security guarantees", Kinds: []parley.NodeType{parley.TypeProposition, parley.TypePosition}},
		{Text: "warns", Kinds: []parley.NodeType{parley.TypeStatement}}, // stemmed: "warned"
		{Text: "reconstruct*", Kinds: []parley.NodeType{parley.TypeIssue, parley.TypeCommitment}},
		{Text: "negotiation report 3"},
		{Text: "demilitarised zone", Kinds: []parley.NodeType{parley.TypeProposition, parley.TypeSource}},
	} {
		lk, lf := all(lite, q)
		pk, pf := all(pg, q)
		if len(lk) == 0 {
			t.Errorf("%q finds nothing on SQLite: not a test", q.Text)
		}
		var counts [2]int
		for i, c := range []parley.SearchCounter{lite, pg} {
			if counts[i], err = c.SearchCount(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if counts[0] != counts[1] {
			t.Errorf("%q %v: counts %d on SQLite, %d on PostgreSQL", q.Text, q.Kinds, counts[0], counts[1])
		}
		// The pages of both reach the hits among their 1,000 best
		// matching texts (by bm25 on SQLite, by ts_rank on PostgreSQL):
		// the hits are compared where that is all of them; where it is
		// not, on both.
		switch {
		case len(lk) == counts[0]:
			compared++
			if diff := cmp.Diff(lk, pk); diff != "" {
				t.Errorf("%q %v: hits differ (-SQLite +PostgreSQL):\n%s", q.Text, q.Kinds, diff)
			}
		case len(pk) >= counts[1] || len(pk) == 0:
			t.Errorf("%q %v: %d hits on SQLite, %d on PostgreSQL, of %d: the cap of ranked texts cuts SQLite's and not PostgreSQL's",
				q.Text, q.Kinds, len(lk), len(pk), counts[1])
		}
		if q.Text == alias && len(q.Kinds) == 1 {
			if lf["speaker"] != len(lk) || pf["speaker"] != len(pk) {
				t.Errorf("%q: statements found by their speaker's alias: fields %v on SQLite, %v on PostgreSQL; want all speaker", q.Text, lf, pf)
			}
		}
		t.Logf("%q %v: %d hits on SQLite, %d on PostgreSQL, %d counted", q.Text, q.Kinds, len(lk), len(pk), counts[0])
	}
	if compared < 6 {
		t.Errorf("the hits of only %d searches were compared", compared)
	}
}
