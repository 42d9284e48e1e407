package postgres_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestBulkImport imports a generated graph above the bulk threshold, with
// the Berlin graph after it (every kind of node, claims and documents
// among them), into an empty PostgreSQL database, which takes the bulk
// path (rows by COPY, indexes and foreign keys dropped and made again
// after the rows), and compares it with the same import into SQLite and
// into a PostgreSQL database that holds the first source already (the
// path that writes row by row with every index and key up):
//   - the export is the same as SQLite's, byte for byte;
//   - every table's rows are the same as the row-by-row import's (the
//     search rows by node, field, text and context, as their ids differ);
//   - the same indexes and foreign keys are there after, the same
//     definitions;
//   - a search finds the same nodes.
func TestBulkImport(t *testing.T) {
	ctx := context.Background()
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	generated := gen.Generate(gen.Config{Actors: 60, Statements: 4000, Seed: 11})
	if n := len(generated.IDs()); n < 5000 {
		t.Fatalf("only %d nodes: below the bulk threshold", n)
	}
	files := []*parley.Dataset{generated, f.Dataset}
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

	// Privileges on the tables are kept (search_docs is rebuilt beside).
	const grant = "GRANT SELECT ON search_docs TO PUBLIC"
	bulk := open(t)
	bulk.Now = now
	if _, err := bulk.SQL().ExecContext(ctx, grant); err != nil {
		t.Fatal(err)
	}
	res, err := bulk.Import(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != len(generated.IDs())+len(f.Dataset.IDs()) || res.Updated != 0 || res.Unchanged != 0 {
		t.Errorf("bulk import: %+v", res)
	}

	inTurn := open(t)
	inTurn.Now = now
	if _, err := inTurn.SQL().ExecContext(ctx, grant); err != nil {
		t.Fatal(err)
	}
	first := &parley.Dataset{Name: "first", Sources: generated.Sources[:1]}
	if _, err := inTurn.Import(ctx, []*parley.Dataset{first}); err != nil {
		t.Fatal(err)
	}
	if _, err := inTurn.Import(ctx, files); err != nil {
		t.Fatal(err)
	}

	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if _, err := lite.Import(ctx, files); err != nil {
		t.Fatal(err)
	}
	var exports [2][]byte
	for i, s := range []parley.Store{lite, bulk} {
		ds, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if exports[i], err = dataset.Write(ds, dataset.YAML); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(exports[0], exports[1]) {
		t.Errorf("exports differ: SQLite %d bytes, PostgreSQL bulk %d bytes", len(exports[0]), len(exports[1]))
	}

	for _, table := range []string{"nodes", "sources", "actors", "actor_names", "assertions", "evidence", "events", "issues",
		"propositions", "documents", "document_actors", "document_issues", "roles", "relations", "participations",
		"positions", "commitments", "commitment_parties", "commitment_status", "requirements", "statements",
		"statement_audience", "statement_expresses", "claims", "claim_about", "edges"} {
		got, want := dump(t, bulk, "SELECT x::text FROM "+table+" x"), dump(t, inTurn, "SELECT x::text FROM "+table+" x")
		if len(want) == 0 {
			t.Errorf("%s: no rows", table)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: row-by-row (-) and bulk (+) imports differ:\n%s", table, diff)
		}
	}
	if diff := cmp.Diff(dump(t, inTurn, searchRows), dump(t, bulk, searchRows)); diff != "" {
		t.Errorf("search rows: row-by-row (-) and bulk (+) imports differ:\n%s", diff)
	}
	for _, q := range schemaQueries {
		want := dump(t, inTurn, q)
		if len(want) < 2 {
			t.Errorf("%s: only %d", q, len(want))
		}
		if diff := cmp.Diff(want, dump(t, bulk, q)); diff != "" {
			t.Errorf("schema: row-by-row (-) and bulk (+) imports differ:\n%s", diff)
		}
	}
	word := strings.Fields(generated.Positions[3].Evidence[0].Quote)[0]
	hits := func(db *postgres.DB) []string {
		hs, _, err := db.Search(ctx, parley.SearchQuery{Text: word, First: 50})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range hs {
			ids = append(ids, h.NodeID+" "+h.Field)
		}
		return ids
	}
	if want := hits(inTurn); len(want) == 0 || !cmp.Equal(want, hits(bulk)) {
		t.Errorf("search %q: row by row %v, bulk %v", word, want, hits(bulk))
	}
}

// schemaQueries list the schema: indexes, constraints, tables (their
// owners and privileges), columns (in their order, with their types,
// collations, defaults and generated expressions), triggers (and whether
// they are enabled), sequences' owners.
var schemaQueries = []string{
	"SELECT c.relname || ' ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()",
	"SELECT t.relname || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema()",
	"SELECT concat_ws(' ', relname, relkind, pg_get_userbyid(relowner), relacl, relpersistence, reloptions) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'S', 'v', 'm', 'p', 'f')",
	`SELECT concat_ws(' ', c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname, format_type(a.atttypid, a.atttypmod),
		co.collname, a.attnotnull, a.attgenerated, pg_get_expr(d.adbin, d.adrelid), a.attstorage, a.attstattarget)
		FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_collation co ON co.oid = a.attcollation
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
	"SELECT c.relname || ' ' || pg_get_triggerdef(g.oid) || ' ' || g.tgenabled::text FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE NOT g.tgisinternal AND c.relnamespace = current_schema()::regnamespace",
	"SELECT s.relname || ' ' || coalesce(t.relname || '.' || a.attname, '') FROM pg_class s LEFT JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a' AND d.refobjsubid > 0 LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace",
}

// TestBulkImportOneConnection makes a bulk import with a pool of one
// connection, which the import's transaction holds: the second
// connection, that builds the search rows beside, is one of its own.
func TestBulkImportOneConnection(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := postgres.Open(ctx, pgtest.Database(t), postgres.Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	generated := gen.Generate(gen.Config{Actors: 60, Statements: 4000, Seed: 11})
	if _, err := db.Import(ctx, []*parley.Dataset{generated}); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, db, "SELECT count(*)::text FROM search_docs"); got[0] == "0" {
		t.Error("no search rows")
	}
}

// searchRows is each search row with the words of its text (held by the
// first row with that body: which row is first differs between imports),
// and the number of rows that hold a text: one for each distinct body.
const searchRows = `SELECT concat_ws(' | ', d.node_id, d.node_type, d.field, d.body, d.context, d.start_pos, d.end_pos,
		coalesce(d.words, h.words), d.context_words, d.text_id IS NULL OR h.body = d.body AND h.text_id IS NULL AND h.id < d.id)
	FROM search_docs d LEFT JOIN search_docs h ON h.id = d.text_id
	UNION ALL SELECT 'texts ' || count(*) FILTER (WHERE text_id IS NULL) || ' of ' || count(DISTINCT body) FROM search_docs`

// TestBulkImportSpeakerAfterStatements gives a bulk import statements
// before the actors who spoke them (in the same batch, so that they are
// written first): their search rows, whose context is their speaker's
// names, wait for those names. The search rows are the same as those of
// the same graph in the usual order (sources, actors, …, statements), and
// the rows written after the import take ids after the import's.
func TestBulkImportSpeakerAfterStatements(t *testing.T) {
	ctx := context.Background()
	generated := gen.Generate(gen.Config{Actors: 60, Statements: 4000, Seed: 11})
	early := map[any]bool{}
	for _, s := range generated.Statements[:10] {
		early[s] = true
	}
	usual, reordered := open(t), open(t)
	if _, err := usual.Import(ctx, []*parley.Dataset{generated}); err != nil {
		t.Fatal(err)
	}
	_, err := reordered.ImportFrom(ctx, func(yield func(parley.Item) error) ([]parley.Problem, error) {
		var items []parley.Item
		generated.Each(func(it parley.Item) { items = append(items, it) })
		for _, pass := range []bool{true, false} {
			for _, it := range items {
				if early[it.Node] == pass {
					if err := yield(it); err != nil {
						return nil, err
					}
				}
			}
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := dump(t, usual, searchRows)
	if len(want) < 5000 {
		t.Fatalf("only %d search rows", len(want))
	}
	if diff := cmp.Diff(want, dump(t, reordered, searchRows)); diff != "" {
		t.Errorf("search rows: usual order (-) and statements first (+) differ:\n%s", diff)
	}
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reordered.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
		t.Fatalf("an import after the bulk import: %v", err)
	}
	if got := dump(t, reordered, "SELECT count(*)::text FROM search_docs WHERE node_id = '"+f.Dataset.Actors[0].ID+"'"); got[0] == "0" {
		t.Errorf("no search rows for %s, imported after", f.Dataset.Actors[0].ID)
	}
}

// dump returns the rows of a one-column query, sorted.
func dump(t *testing.T, db *postgres.DB, q string) []string {
	t.Helper()
	rows, err := db.SQL().Query(q + " ORDER BY 1")
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
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBulkImportFailureLeavesNothing makes the server refuse a row of a
// bulk import at each of its stages, which validation knows nothing of:
// a statement's row, sent by COPY from a goroutine of its own while the
// file is read; a search row, sent by COPY over the second connection
// into the table it builds beside; a node at the commit (a deferred
// constraint trigger), after that table was committed and swapped in.
// Each must fail the import with nothing written: no rows, the schema as
// before (indexes, keys, triggers, tables: no table left beside). And a
// table beside left by an import that died is no obstacle to the next.
func TestBulkImportFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	generated := gen.Generate(gen.Config{Actors: 60, Statements: 4000, Seed: 11})
	if n := len(generated.IDs()); n < 5000 {
		t.Fatalf("only %d nodes: below the bulk threshold", n)
	}
	last := generated.Statements[len(generated.Statements)-1].ID
	db := open(t)
	schema := func() []string {
		var out []string
		for _, q := range schemaQueries {
			out = append(out, dump(t, db, q)...)
		}
		return out
	}
	exec := func(q string) {
		t.Helper()
		if _, err := db.SQL().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ name, refuse, undo string }{
		{"load", "ALTER TABLE statements ADD CONSTRAINT refuse_last CHECK (id <> '" + last + "')",
			"ALTER TABLE statements DROP CONSTRAINT refuse_last"},
		{"search rows beside", "ALTER TABLE search_docs ADD CONSTRAINT refuse_last CHECK (node_id <> '" + last + "')",
			"ALTER TABLE search_docs DROP CONSTRAINT refuse_last"},
		{"commit", `CREATE FUNCTION refuse_last() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.id = '` + last + `' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NULL; END $$;
			CREATE CONSTRAINT TRIGGER refuse_last AFTER INSERT ON nodes DEFERRABLE INITIALLY DEFERRED
			FOR EACH ROW EXECUTE FUNCTION refuse_last()`,
			"DROP TRIGGER refuse_last ON nodes; DROP FUNCTION refuse_last()"},
	} {
		exec(c.refuse)
		before := schema()
		_, err := db.Import(ctx, []*parley.Dataset{generated})
		if err == nil {
			t.Fatalf("%s: import with a refused row: no error", c.name)
		}
		for _, table := range []string{"nodes", "statements", "search_docs", "edges", "changes"} {
			if rows := dump(t, db, "SELECT x::text FROM "+table+" x"); len(rows) != 0 {
				t.Errorf("%s: %s: %d rows after a failed import", c.name, table, len(rows))
			}
		}
		if diff := cmp.Diff(before, schema()); diff != "" {
			t.Errorf("%s: the failed import changed the schema (-before +after):\n%s", c.name, diff)
		}
		exec(c.undo)
	}
	// The table beside as an import that died would leave it; the
	// database takes the import once the refusals are gone.
	exec("CREATE TABLE parley_import_search (id bigint)")
	if _, err := db.Import(ctx, []*parley.Dataset{generated}); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, db, "SELECT count(*)::text FROM search_docs"); got[0] == "0" {
		t.Error("no search rows")
	}
}
