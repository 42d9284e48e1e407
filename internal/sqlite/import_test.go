package sqlite_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestImportPathsAgree imports the same generated graph (above the bulk
// threshold) twice: into an empty database, which takes the bulk path
// (indexes, search rows and history built after the rows), and into one
// that already holds the graph's first source, which writes as it goes
// with every index kept up. Both gather their rows many to an INSERT. The
// databases must hold the same rows, search rows included (compared by
// node, type, field and text, as their ids differ).
func TestImportPathsAgree(t *testing.T) {
	ctx := context.Background()
	ds := gen.Generate(gen.Config{Actors: 100, Statements: 4000, Seed: 5})
	if n := len(ds.IDs()); n < 5000 {
		t.Fatalf("only %d nodes: below the bulk threshold", n)
	}
	bulk, _ := open(t)
	if _, err := bulk.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	inTurn, _ := open(t)
	first := &parley.Dataset{Name: "first", Sources: ds.Sources[:1]}
	if _, err := inTurn.Import(ctx, []*parley.Dataset{first}); err != nil {
		t.Fatal(err)
	}
	res, err := inTurn.Import(ctx, []*parley.Dataset{ds})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != 1 || res.Created != len(ds.IDs())-1 {
		t.Errorf("second import: %+v, want 1 unchanged and the rest created", res)
	}
	skip := []string{"schema_migrations", "changes", "search_docs", "search", "search_config", "search_data", "search_docsize", "search_idx", "search_content"}
	if diff := cmp.Diff(dumpExcept(t, bulk, skip...), dumpExcept(t, inTurn, skip...)); diff != "" {
		t.Errorf("bulk (-) and in-turn (+) imports differ:\n%s", diff)
	}
	if diff := cmp.Diff(searchRows(t, bulk), searchRows(t, inTurn)); diff != "" {
		t.Errorf("search rows: bulk (-) and in-turn (+) imports differ:\n%s", diff)
	}
	for _, db := range []*sqlite.DB{bulk, inTurn} {
		hits, _, err := db.Search(ctx, parley.SearchQuery{Text: strings.Fields(ds.Positions[7].Evidence[0].Quote)[0], First: 5})
		if err != nil || len(hits) == 0 {
			t.Errorf("search after import: %d hits, %v", len(hits), err)
		}
	}
}

// searchRows lists the search rows as node, type, field and text.
func searchRows(t *testing.T, db *sqlite.DB) []string {
	t.Helper()
	rows, err := db.SQL().Query("SELECT node_id || ' ' || node_type || ' ' || field || ' ' || body FROM search_docs ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestSentencesResplitByMigration: a database whose sources' sentences
// were split at every line break (before migration 0010) has them split
// anew: a sentence that runs on across a line break is one search row.
func TestSentencesResplitByMigration(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	text := "Talks began. A new round brought together the President\nVolodymyr Zelenskyy and others.\nA Heading\nThe end."
	ds := parse(t, "s.yaml", "sources:\n  - id: s\n    title: T\n    text: \""+strings.ReplaceAll(text, "\n", `\n`)+"\"\n").Dataset
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	rows := func(db *sqlite.DB) []string {
		t.Helper()
		r, err := db.SQL().Query("SELECT body || ' ' || start_pos || '-' || end_pos FROM search_docs WHERE field = 'sentence' ORDER BY start_pos")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var out []string
		for r.Next() {
			var s string
			r.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	want := []string{"Talks began. 0-12", "A new round brought together the President\nVolodymyr Zelenskyy and others. 13-87", "A Heading 88-97", "The end. 98-106"}
	if diff := cmp.Diff(want, rows(db)); diff != "" {
		t.Fatalf("sentences as imported (-want +got):\n%s", diff)
	}
	// As a database of before migration 0010 holds them: split at every
	// line break.
	for _, q := range []string{
		"DELETE FROM search_docs WHERE field = 'sentence'",
		`INSERT INTO search_docs (node_id, node_type, field, body, start_pos, end_pos) VALUES
			('s', 'Source', 'sentence', 'Talks began.', 0, 12),
			('s', 'Source', 'sentence', 'A new round brought together the President', 13, 55),
			('s', 'Source', 'sentence', 'Volodymyr Zelenskyy and others.', 56, 87),
			('s', 'Source', 'sentence', 'A Heading', 88, 97), ('s', 'Source', 'sentence', 'The end.', 98, 106)`,
		"DELETE FROM schema_migrations WHERE version = 10",
	} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	again, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if diff := cmp.Diff(want, rows(again)); diff != "" {
		t.Errorf("sentences after migration 0010 (-want +got):\n%s", diff)
	}
	hits, _, err := again.Search(ctx, parley.SearchQuery{Text: "Volodymyr", Kinds: []parley.NodeType{parley.TypeSource}, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Sentence == nil || hits[0].Sentence.Quote != "A new round brought together the President\nVolodymyr Zelenskyy and others." {
		t.Errorf("search for Volodymyr: %+v", hits)
	}
}
