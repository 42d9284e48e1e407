package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestImportPathsAgree imports the same graph (a generated one above the
// bulk threshold, and the Berlin graph, which has a node of every type)
// twice: into an empty database, which takes the bulk path (indexes,
// search rows, edges and history built from the rows after them), and
// into one that already holds the graph's first source, which writes as
// it goes with every index kept up. Both gather their rows many to an
// INSERT. The databases must hold the same rows, edges included, and the
// same search rows (compared by all but their ids, which differ).
func TestImportPathsAgree(t *testing.T) {
	ctx := context.Background()
	ds := gen.Generate(gen.Config{Actors: 100, Statements: 4000, Seed: 5})
	if n := len(ds.IDs()); n < 5000 {
		t.Fatalf("only %d nodes: below the bulk threshold", n)
	}
	bf, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	// What neither graph has: a drafter, and a document that refines another.
	extra := parse(t, "extra.yaml", "documents:\n  - id: doc-extra\n    title: A revision\n    type: PEACE_PLAN\n"+
		"    drafters: [united-states]\n    refines: doc-peace-plan\n").Dataset
	files := []*parley.Dataset{ds, bf.Dataset, extra}
	bulk, _ := open(t)
	if _, err := bulk.Import(ctx, files); err != nil {
		t.Fatal(err)
	}
	inTurn, _ := open(t)
	first := &parley.Dataset{Name: "first", Sources: ds.Sources[:1]}
	if _, err := inTurn.Import(ctx, []*parley.Dataset{first}); err != nil {
		t.Fatal(err)
	}
	res, err := inTurn.Import(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(ds.IDs()) + len(bf.Dataset.IDs()) + len(extra.IDs()) - 1; res.Unchanged != 1 || res.Created != want {
		t.Errorf("second import: %+v, want 1 unchanged and %d created", res, want)
	}
	// Every kind of edge the writer makes is there, so that the comparison
	// below covers each way of deriving them.
	var kinds []string
	rows, err := bulk.SQL().Query("SELECT DISTINCT kind FROM edges ORDER BY kind")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		kinds = append(kinds, k)
	}
	rows.Close()
	for _, k := range []string{"ABOUT", "ACTS_FOR", "ADDRESSED", "BACKS", "CLAIMS", "COMMITS_IN", "COMMITS_ON", "COMMITS_TO",
		"COVERS", "DRAFTED", "HOLDS_POSITION_ON", "HOLDS_POST_IN", "IN_ISSUE", "IN_PACKAGE", "PARTY_TO", "PART_OF", "REFINES", "REQUIRES",
		"SPOKE_AT", "SUBISSUE_OF", "TOOK_PART_IN"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("no %s edge after the bulk import (edge kinds: %v)", k, kinds)
		}
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

// searchRows lists the search rows as node, type, field, text, context
// and span.
func searchRows(t *testing.T, db *sqlite.DB) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT node_id || ' ' || node_type || ' ' || field || ' ' || body || ' | ' || context || ' | ' ||
		coalesce(start_pos, '-') || ' ' || coalesce(end_pos, '-') FROM search_docs ORDER BY 1`)
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

// TestImportNew: an import into a file that is not there yet builds it
// aside and renames it into place. The file holds what an import into an
// empty database gives, opens in WAL mode like any other, and a failed
// import, or one whose file is there already, leaves the folder as it was.
func TestImportNew(t *testing.T) {
	ctx := context.Background()
	ds := gen.Generate(gen.Config{Actors: 100, Statements: 4000, Seed: 5})
	bf, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	files := []*parley.Dataset{ds, bf.Dataset}
	read := func(files []*parley.Dataset) func(yield func(parley.Item) error) ([]parley.Problem, error) {
		return func(yield func(parley.Item) error) ([]parley.Problem, error) {
			for _, f := range files {
				var err error
				f.Each(func(it parley.Item) {
					if err == nil {
						err = yield(it)
					}
				})
				if err != nil {
					return nil, err
				}
			}
			return nil, nil
		}
	}
	want, _ := open(t)
	wantRes, err := want.Import(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "new.db")
	res, err := sqlite.ImportNew(ctx, path, want.Now, read(files))
	if err != nil {
		t.Fatal(err)
	}
	if *res != *wantRes {
		t.Errorf("ImportNew: %+v, want %+v", res, wantRes)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"new.db"}) {
		t.Errorf("folder after the import: %v, want only new.db", names)
	}
	got, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	var mode string
	if err := got.SQL().QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode of the new file: %q, %v; want wal", mode, err)
	}
	var size int
	if err := got.SQL().QueryRow("PRAGMA page_size").Scan(&size); err != nil || size != 8192 {
		t.Errorf("page size of the new file: %d, %v; want 8192", size, err)
	}
	if diff := cmp.Diff(dumpExcept(t, want, "schema_migrations"), dumpExcept(t, got, "schema_migrations")); diff != "" {
		t.Errorf("an import into an empty database (-) and into a new file (+) differ:\n%s", diff)
	}
	// The same export, byte for byte.
	exports := make([][]byte, 2)
	for i, db := range []*sqlite.DB{want, got} {
		x, err := db.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := dataset.Encode(&b, x, dataset.JSON); err != nil {
			t.Fatal(err)
		}
		exports[i] = b.Bytes()
	}
	if len(exports[0]) < 1000 || !bytes.Equal(exports[0], exports[1]) {
		t.Errorf("exports differ (%d and %d bytes)", len(exports[0]), len(exports[1]))
	}
	// The file was built without evaluating its CHECK constraints (see
	// ImportNew): every row meets them (integrity_check evaluates them
	// all), and they hold again for every write to the file.
	var integrity string
	if err := got.SQL().QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check of the new file: %q, %v", integrity, err)
	}
	for _, q := range []string{
		"UPDATE positions SET stance = 'NOT_A_STANCE' WHERE id = (SELECT min(id) FROM positions)",
		"UPDATE nodes SET data = 'not json' WHERE id = (SELECT min(id) FROM nodes)",
	} {
		if _, err := got.SQL().Exec(q); err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
			t.Errorf("%s on the new file: %v; want a failed CHECK", q, err)
		}
	}

	// A failed import: nothing left, not even the temporary file.
	bad := parse(t, "bad.yaml", "positions:\n  - id: p1\n    holder: nobody\n    proposition: nothing\n    stance: SUPPORTS\n    speechAct: ASSERTS\n").Dataset
	failDir := t.TempDir()
	_, err = sqlite.ImportNew(ctx, filepath.Join(failDir, "new.db"), nil, read([]*parley.Dataset{ds, bad}))
	var perr *parley.Error
	if !errors.As(err, &perr) || len(perr.Problems) == 0 || !strings.Contains(perr.Problems[0].Path, "positions[0]") {
		t.Errorf("import with dangling references: %v; want the problems of positions[0]", err)
	}
	if names := dirNames(t, failDir); len(names) != 0 {
		t.Errorf("a failed import left %v", names)
	}

	// A file that is there already is left alone.
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got.Close()
	_, err = sqlite.ImportNew(ctx, path, nil, read(files))
	if !errors.As(err, &perr) || perr.Code != parley.EConflict {
		t.Errorf("import into a file that is there: %v; want %s", err, parley.EConflict)
	}
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the file that was there changed (%v)", err)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"new.db"}) {
		t.Errorf("folder after the refused import: %v, want only new.db", names)
	}
}

// dirNames lists a folder's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
