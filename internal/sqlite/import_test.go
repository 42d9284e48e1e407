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
