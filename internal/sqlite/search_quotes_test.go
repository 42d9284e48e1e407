package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestQuotesIndexedOnce: a quote (of any node but a statement) that is,
// word for word, a sentence of its source is held once in the index, as
// the sentence (migration 0011), whether the graph came in bulk or row by
// row: the index has one entry for each row that holds its own text, and
// fewer than the rows. Every hit is still found: the hits and count of a
// search are those of an index over every row (one FTS5 table built here
// from all the rows, as before the migration), for common words, with
// kinds; and still after the sentences are taken out (their quotes are
// then indexed on their own) and after a quoting node is deleted.
func TestQuotesIndexedOnce(t *testing.T) {
	ctx := context.Background()
	ds := gen.Generate(gen.Config{Actors: 100, Statements: 4000, Seed: 5})
	bulk, _ := open(t)
	if _, err := bulk.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	inTurn, _ := open(t)
	first := &parley.Dataset{Name: "first", Sources: ds.Sources[:1]}
	if _, err := inTurn.Import(ctx, []*parley.Dataset{first}); err != nil {
		t.Fatal(err)
	}
	if _, err := inTurn.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	refs := func(db *sqlite.DB) []string {
		t.Helper()
		rows, err := db.SQL().Query(`SELECT d.node_id || ' ' || d.node_type || ' ' || d.field || ' ' || d.body || ' -> ' || s.node_id || '@' || s.start_pos
			FROM search_docs d JOIN search_docs s ON s.id = d.text_id ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	count := func(db *sqlite.DB, q string) int {
		t.Helper()
		var n int
		if err := db.SQL().QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	// The quotes that are their sources' sentences, found from the
	// evidence itself.
	const quoting = `SELECT count(*) FROM evidence e JOIN nodes n ON n.id = e.node_id
		WHERE n.type <> 'Statement' AND EXISTS (SELECT 1 FROM search_docs s WHERE s.node_id = e.source_id
			AND s.field = 'sentence' AND s.start_pos = e.start_pos AND s.end_pos = e.end_pos AND s.body = e.quote)`
	for name, db := range map[string]*sqlite.DB{"bulk": bulk, "in turn": inTurn} {
		n := len(refs(db))
		if want := count(db, quoting); n != want || n < 1000 {
			t.Errorf("%s: %d quotes refer to sentences, want the %d that are sentences of their sources", name, n, want)
		}
		indexed, rows := count(db, "SELECT count(*) FROM search_docsize"), count(db, "SELECT count(*) FROM search_docs")
		if own := count(db, "SELECT count(*) FROM search_docs WHERE text_id IS NULL"); indexed != own || indexed != rows-n {
			t.Errorf("%s: the index has %d entries for %d rows, %d of them holding their own text; want one for each of those", name, indexed, rows, own)
		}
		if _, err := db.SQL().Exec("INSERT INTO search (search, rank) VALUES ('integrity-check', 1)"); err != nil {
			t.Errorf("%s: the index does not agree with its rows: %v", name, err)
		}
	}
	if diff := cmp.Diff(refs(bulk), refs(inTurn)); diff != "" {
		t.Errorf("quotes referring to sentences: bulk (-) and in-turn (+) imports differ:\n%s", diff)
	}

	// Every row in an index of its own, as before.
	db := inTurn
	for _, q := range []string{
		"CREATE VIRTUAL TABLE temp.every USING fts5 (body, context, tokenize = 'porter unicode61 remove_diacritics 2')",
		"INSERT INTO temp.every (rowid, body, context) SELECT id, body, context FROM search_docs",
	} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		exact := 0
		defer func() {
			if exact < 3 {
				t.Errorf("%s: %d searches compared hit for hit; the test needs words with fewer matches", when, exact)
			}
		}()
		for _, c := range []struct {
			text  string
			kinds []parley.NodeType
		}{
			{"ceasefire", nil}, {"monitoring", nil}, {"ceasefire", []parley.NodeType{parley.TypePosition, parley.TypeCommitment}},
			{"ceasefire monitoring", nil}, {"nuclear safety", nil}, {"prisoner exchange", nil}, {"grain exports", []parley.NodeType{parley.TypePosition, parley.TypeStatement}},
			{"withdraw*", []parley.NodeType{parley.TypePosition}},
			// Words only a quote has, not the quoting node's own fields.
			{"told reporters", nil}, {"warned", []parley.NodeType{parley.TypePosition}}, {"committed", []parley.NodeType{parley.TypeCommitment}},
		} {
			match, _ := parley.FTSQuery(c.text)
			rows, err := db.SQL().Query(`SELECT d.node_id, d.node_type, coalesce(d.start_pos, -1) FROM temp.every
				JOIN search_docs d ON d.id = every.rowid WHERE every MATCH ?`, match)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for rows.Next() {
				var id, kind string
				var start int
				rows.Scan(&id, &kind, &start)
				if len(c.kinds) == 0 || slices.Contains(c.kinds, parley.NodeType(kind)) {
					want[fmt.Sprintf("%s@%d", id, start)] = true
				}
			}
			rows.Close()
			sq := parley.SearchQuery{Text: c.text, Kinds: c.kinds, First: 100_000}
			hits, _, err := db.Search(ctx, sq)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, h := range hits {
				start := -1
				if h.Sentence != nil {
					start = *h.Sentence.Start
				}
				got[fmt.Sprintf("%s@%d", h.NodeID, start)] = true
				if h.Snippet == "" {
					t.Errorf("%s: %q: %s has no snippet", when, c.text, h.NodeID)
				}
			}
			n, err := db.SearchCount(ctx, sq)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 20 && c.text != "ceasefire monitoring" {
				t.Errorf("%s: %q %v: %d hits; the test needs a common word", when, c.text, c.kinds, len(want))
			}
			// Under the cap of ranked texts (1,000) every hit is on the
			// pages; over it, the pages hold some of them.
			if count(db, "SELECT count(*) FROM search WHERE search MATCH '"+strings.ReplaceAll(match, "'", "''")+"'") <= 1000 {
				exact++
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: %q %v: hits (-every row's +the search's):\n%s", when, c.text, c.kinds, diff)
				}
			} else {
				for k := range got {
					if !want[k] {
						t.Errorf("%s: %q %v: %s is not a hit in an index of every row", when, c.text, c.kinds, k)
					}
				}
			}
			if n != len(want) {
				t.Errorf("%s: %q %v: SearchCount %d, %d hits in an index of every row", when, c.text, c.kinds, n, len(want))
			}
		}
	}
	check("after the import")

	// A quoting node deleted: its rows leave; the index stays whole.
	rows, err := db.SQL().Query(`SELECT DISTINCT node_id FROM search_docs WHERE text_id IS NOT NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var quoters []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		quoters = append(quoters, id)
	}
	rows.Close()
	deleted := ""
	for _, id := range quoters {
		// The first that nothing refers to.
		if _, err := db.Apply(ctx, []parley.Mutation{{Op: parley.OpDelete, Delete: id}}); err == nil {
			deleted = id
			break
		}
	}
	if deleted == "" || count(db, "SELECT count(*) FROM search_docs WHERE node_id = '"+deleted+"'") != 0 {
		t.Fatalf("no quoting node could be deleted (%q)", deleted)
	}
	if _, err := db.SQL().Exec("DELETE FROM temp.every WHERE rowid NOT IN (SELECT id FROM search_docs)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("INSERT INTO search (search, rank) VALUES ('integrity-check', 1)"); err != nil {
		t.Errorf("after a delete, the index does not agree with its rows: %v", err)
	}
	check("after a quoting node is deleted")

	// The sentences taken out (as migration 0010 did to split them anew):
	// the quotes that referred to them hold their own text in the index.
	for _, q := range []string{
		"DELETE FROM search_docs WHERE field = 'sentence'",
		"DELETE FROM temp.every WHERE rowid NOT IN (SELECT id FROM search_docs)",
		"INSERT INTO search (search, rank) VALUES ('integrity-check', 1)",
	} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if n := len(refs(db)); n != 0 {
		t.Errorf("%d quotes refer to sentences taken out", n)
	}
	if indexed, rows := count(db, "SELECT count(*) FROM search_docsize"), count(db, "SELECT count(*) FROM search_docs"); indexed != rows {
		t.Errorf("without the sentences, the index has %d entries for %d rows", indexed, rows)
	}
	check("after the sentences are taken out")
}
