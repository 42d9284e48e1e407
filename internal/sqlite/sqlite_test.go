package sqlite_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// open opens a new database file in a temporary folder.
func open(t *testing.T) (*sqlite.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "parley.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	db.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	t.Cleanup(func() { db.Close() })
	return db, path
}

// parse parses YAML as the file name, resolving textFile in testdata.
func parse(t testing.TB, name, yaml string) *dataset.File {
	t.Helper()
	f, err := dataset.Parse(name, []byte(yaml), os.DirFS("testdata"))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return f
}

func talks(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/talks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dump returns every row of every table, so tests can tell that nothing
// changed.
func dump(t *testing.T, db *sqlite.DB) string {
	t.Helper()
	return dumpExcept(t, db)
}

// dumpExcept is dump without some tables.
func dumpExcept(t *testing.T, db *sqlite.DB, skip ...string) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.SQL().QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		if slices.Contains(skip, table) {
			continue
		}
		fmt.Fprintf(&b, "== %s\n", table)
		rs, err := db.SQL().QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY 1, 2, 3")
		if err != nil {
			// Tables of fewer than three columns.
			rs, err = db.SQL().QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY 1")
			if err != nil {
				t.Fatal(err)
			}
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rs.Close()
	}
	return b.String()
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	got, err := db.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, got); diff != "" {
		t.Fatalf("migrations on a new database (-want +got):\n%s", diff)
	}
	f := parse(t, "talks.yaml", talks(t))
	if _, err := db.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, db)
	db.Close()

	// Opening an already-migrated database runs nothing again and keeps
	// the data.
	db2, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db2.Close()
	got, err = db2.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, got); diff != "" {
		t.Fatalf("migrations after reopening (-want +got):\n%s", diff)
	}
	if after := dump(t, db2); after != before {
		t.Fatalf("reopening changed the database:\n%s", cmp.Diff(before, after))
	}
}

func TestDSNSettings(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	// Each pooled connection gets the settings: check several at once.
	conns := make([]interface{ Close() error }, 0, 3)
	for i := 0; i < 3; i++ {
		c, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var fk, timeout int
		var mode string
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout); err != nil {
			t.Fatal(err)
		}
		if fk != 1 || mode != "wal" || timeout < 1000 {
			t.Errorf("connection %d: foreign_keys=%d journal_mode=%s busy_timeout=%d; want 1, wal, >= 1000", i, fk, mode, timeout)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

// TestNewFilePageSize: a file Open creates (no file, or an empty one) has
// pages of 8 KiB; a file made with other pages keeps its own.
func TestNewFilePageSize(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.db")
	if _, err := sqlOpen(t, old).Exec("CREATE TABLE t (x); DROP TABLE t"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want int
	}{{filepath.Join(dir, "new.db"), 8192}, {empty, 8192}, {old, 4096}} {
		db, err := sqlite.Open(ctx, c.path)
		if err != nil {
			t.Fatal(err)
		}
		var size int
		var mode string
		if err := db.SQL().QueryRow("SELECT page_size, journal_mode FROM pragma_page_size, pragma_journal_mode").Scan(&size, &mode); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if size != c.want || mode != "wal" {
			t.Errorf("%s: page size %d, journal mode %s; want %d, wal", filepath.Base(c.path), size, mode, c.want)
		}
	}
}

// sqlOpen opens path with SQLite's defaults (4 KiB pages), closed at the
// end of the test.
func sqlOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestFTS5(t *testing.T) {
	db, _ := open(t)
	if !sqlite.FTS5(context.Background(), db) {
		t.Fatal("SQLite was built without FTS5: build and test with -tags sqlite_fts5")
	}
	if _, err := db.SQL().Exec("CREATE VIRTUAL TABLE t USING fts5(body); INSERT INTO t VALUES ('Donbas territory'); DROP TABLE t"); err != nil {
		t.Fatalf("fts5 table: %v", err)
	}
}

func TestImportAndRead(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	f := parse(t, "talks.yaml", talks(t))
	res, err := db.Import(ctx, []*parley.Dataset{f.Dataset})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if diff := cmp.Diff(&parley.ImportResult{Created: 15}, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	counts, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[parley.NodeType]int{
		parley.TypeSource: 1, parley.TypeActor: 4, parley.TypeEvent: 1, parley.TypeIssue: 1, parley.TypeProposition: 1,
		parley.TypeRole: 1, parley.TypeRelation: 1, parley.TypeParticipation: 1, parley.TypePosition: 2,
		parley.TypeCommitment: 1, parley.TypeStatement: 1,
	}
	if diff := cmp.Diff(wantCounts, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}

	// The stored record has the offsets and the source's own words.
	n, err := db.Node(ctx, "rel-berg-cousin-moss")
	if err != nil {
		t.Fatal(err)
	}
	rel := n.(*parley.Relation)
	ev := rel.Evidence[0]
	if ev.Source != "talks" || ev.Quote != "Berg is Moss’s cousin." || *ev.Start != 254 || *ev.End != 276 {
		t.Errorf("evidence = %+v (start %d, end %d); want the source's words with curly apostrophe at 254..276", ev, *ev.Start, *ev.End)
	}
	src, _ := db.Node(ctx, "talks")
	if got := parley.Slice(src.(*parley.Source).Text, *ev.Start, *ev.End); got != ev.Quote {
		t.Errorf("source text at the offsets = %q, want %q", got, ev.Quote)
	}

	if _, err := db.Node(ctx, "nobody"); parley.ErrorCode(err) != parley.ENotFound {
		t.Errorf("Node(nobody) error = %v, want NOT_FOUND", err)
	}

	kind := string(parley.State)
	states, err := db.List(ctx, parley.ListRequest{Of: parley.TypeActor, Filter: parley.Filter{Kind: &kind}, First: 10, Count: true})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range states.Items[""] {
		ids = append(ids, a.(*parley.Actor).ID)
	}
	if diff := cmp.Diff([]string{"freedonia", "ruritania"}, ids); diff != "" || states.Total[""] != 2 || states.More[""] {
		t.Errorf("states (-want +got):\n%s (total %d)", diff, states.Total[""])
	}

	// The edges table links what each assertion connects, for graph walks.
	var edges []string
	rows, err := db.SQL().Query("SELECT src, kind, dst, via FROM edges ORDER BY via, src, dst")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s, k, d, v string
		rows.Scan(&s, &k, &d, &v)
		edges = append(edges, s+" "+k+" "+d+" ("+v+")")
	}
	rows.Close()
	wantEdges := []string{
		"ruritania COMMITS_TO freedonia (com-ceasefire-first)",
		"anna-berg TOOK_PART_IN geneva-talks (part-berg-geneva)",
		"anna-berg ACTS_FOR ruritania (part-berg-geneva)",
		"freedonia HOLDS_POSITION_ON ruritania-withdraws (pos-freedonia-demands-withdrawal)",
		"ruritania HOLDS_POSITION_ON ruritania-withdraws (pos-ruritania-refuses)",
		"anna-berg FAMILY carl-moss (rel-berg-cousin-moss)",
		"anna-berg HOLDS_POST_IN ruritania (role-berg-minister)",
		"ruritania-withdraws IN_ISSUE valley (ruritania-withdraws)",
		"anna-berg SPOKE_AT geneva-talks (st-berg-ceasefire)",
	}
	if diff := cmp.Diff(wantEdges, edges); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}

func TestImportIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	f := parse(t, "talks.yaml", talks(t))
	if _, err := db.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, db)
	// A later clock: an import that rewrote anything would show it.
	db.Now = func() time.Time { return time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) }
	f2 := parse(t, "talks.yaml", talks(t))
	res, err := db.Import(ctx, []*parley.Dataset{f2.Dataset})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&parley.ImportResult{Unchanged: 15}, res); diff != "" {
		t.Errorf("second import (-want +got):\n%s", diff)
	}
	if after := dump(t, db); after != before {
		t.Fatalf("importing the same file twice changed the database:\n%s", cmp.Diff(before, after))
	}
}

func TestImportReplacesChangedNode(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	if _, err := db.Import(ctx, []*parley.Dataset{parse(t, "talks.yaml", talks(t)).Dataset}); err != nil {
		t.Fatal(err)
	}
	// Ruritania changes name; positions, roles and commitments that refer
	// to it keep their references.
	changed := strings.Replace(talks(t), "name: Ruritania", "name: Republic of Ruritania", 1)
	res, err := db.Import(ctx, []*parley.Dataset{parse(t, "talks.yaml", changed).Dataset})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if diff := cmp.Diff(&parley.ImportResult{Updated: 1, Unchanged: 14}, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	n, _ := db.Node(ctx, "ruritania")
	if got := n.(*parley.Actor).Name; got != "Republic of Ruritania" {
		t.Errorf("name = %q", got)
	}
	var refs int
	db.SQL().QueryRow("SELECT count(*) FROM positions WHERE holder_id = 'ruritania'").Scan(&refs)
	if refs != 1 {
		t.Errorf("positions held by ruritania = %d, want 1", refs)
	}
	var names []string
	rows, _ := db.SQL().Query("SELECT name FROM actor_names WHERE actor_id = 'ruritania'")
	for rows.Next() {
		var s string
		rows.Scan(&s)
		names = append(names, s)
	}
	rows.Close()
	if diff := cmp.Diff([]string{"Republic of Ruritania"}, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

func TestImportAcrossFilesAndImports(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	if _, err := db.Import(ctx, []*parley.Dataset{parse(t, "talks.yaml", talks(t)).Dataset}); err != nil {
		t.Fatal(err)
	}
	// A later file refers to nodes and a source stored by an earlier import.
	later := `
statements:
  - id: st-freedonia-demand
    speaker: freedonia
    mode: INDIRECT
    words: Ruritania withdraw from the valley
    expresses: [pos-freedonia-demands-withdrawal]
    evidence:
      - source: talks
        quote: Freedonia demands that Ruritania withdraw from the valley.
`
	res, err := db.Import(ctx, []*parley.Dataset{parse(t, "later.yaml", later).Dataset})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if res.Created != 1 {
		t.Errorf("created = %d, want 1", res.Created)
	}
}

func TestImportRefusals(t *testing.T) {
	base := talks(t)
	tests := []struct {
		name     string
		old, new string // replace old by new in the base file
		extra    string // or add a second file
		code     string
		path     string
		message  string
		also     int // further problems that follow from the first
	}{
		{
			name: "dangling reference",
			old:  "holder: freedonia", new: "holder: atlantis",
			code: parley.ENotFound, path: "positions[0].holder",
			message: `holder refers to "atlantis", which does not exist`,
		},
		{
			name: "reference of the wrong type",
			old:  "holder: freedonia", new: "holder: valley",
			code: parley.EInvalid, path: "positions[0].holder",
			message: `holder refers to "valley", which is an Issue, not an Actor`,
		},
		{
			name: "duplicate id",
			old:  "id: carl-moss", new: "id: anna-berg",
			code: parley.EConflict, path: "actors[1].id",
			message: `duplicate id "anna-berg" (already used by an Actor)`,
			also:    1, // and the relation's object carl-moss is now dangling
		},
		{
			name:  "duplicate id across files",
			extra: "actors:\n  - id: valley\n    kind: GROUP\n    name: Valley people\n",
			code:  parley.EConflict, path: "actors[0].id",
			message: `duplicate id "valley" (already used by an Issue)`,
		},
		{
			name: "unknown enum value",
			old:  "stance: OPPOSES", new: "stance: AGAINST",
			code: parley.EInvalid, path: "positions[1].stance",
			message: `unknown stance "AGAINST": use one of SUPPORTS, OPPOSES, CONDITIONALLY_SUPPORTS, OPEN_TO, UNDECIDED`,
		},
		{
			name: "evidence words not in the source",
			old:  "quote: Ruritania refuses to withdraw.", new: "quote: Ruritania agrees to withdraw.",
			code: parley.EInvalid, path: "positions[1].evidence[0].quote",
			message: `the words "Ruritania agrees to withdraw." are not in source "talks"`,
		},
		{
			name: "malformed date",
			old:  `validFrom: "2024"`, new: `validFrom: "2024-13"`,
			code: parley.EInvalid, path: "roles[0].validFrom",
			message: `validFrom: "2024-13" is not a date: use YYYY, YYYY-MM or YYYY-MM-DD`,
		},
		{
			name: "missing evidence",
			old:  "    evidence:\n      - quote: Ruritania refuses to withdraw.\n", new: "",
			code: parley.EInvalid, path: "positions[1].evidence",
			message: "evidence is required: at least one quote from a source",
		},
		{
			name: "statement words not the source's",
			old:  "words: a ceasefire must come first.", new: "words: a ceasefire is needed first.",
			code: parley.EInvalid, path: "statements[0].words",
			message: `a statement's words must be the source's own, within its evidence: "a ceasefire is needed first." is not in any of its quotes`,
		},
		{
			name: "bad id",
			old:  "id: carl-moss", new: "id: Carl Moss",
			code: parley.EInvalid, path: "actors[1].id",
			message: `id "Carl Moss" must be lower-case letters and digits in words joined by '-' (like "volodymyr-zelenskyy")`,
			also:    1, // and the relation's object carl-moss is now dangling
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := open(t)
			// Something stored already, which a refused import must not touch.
			seed := "actors:\n  - id: someone\n    kind: PERSON\n    name: Someone\n"
			if _, err := db.Import(ctx, []*parley.Dataset{parse(t, "seed.yaml", seed).Dataset}); err != nil {
				t.Fatal(err)
			}
			before := dump(t, db)

			text := base
			if tt.old != "" {
				if !strings.Contains(base, tt.old) {
					t.Fatalf("test data has no %q", tt.old)
				}
				text = strings.Replace(base, tt.old, tt.new, 1)
			}
			files := []*parley.Dataset{parse(t, "talks.yaml", text).Dataset}
			if tt.extra != "" {
				files = append(files, parse(t, "extra.yaml", tt.extra).Dataset)
			}
			_, err := db.Import(ctx, files)
			var de *parley.Error
			if !errors.As(err, &de) {
				t.Fatalf("Import error = %v, want a *parley.Error", err)
			}
			if de.Code != tt.code {
				t.Errorf("code = %s, want %s (%v)", de.Code, tt.code, err)
			}
			if len(de.Problems) != 1+tt.also {
				t.Fatalf("problems = %v, want %d", de.Problems, 1+tt.also)
			}
			p := de.Problems[0]
			if p.Path != tt.path || p.Message != tt.message || p.Code != tt.code {
				t.Errorf("problem = %s %q (%s)\nwant      %s %q (%s)", p.Path, p.Message, p.Code, tt.path, tt.message, tt.code)
			}
			if after := dump(t, db); after != before {
				t.Errorf("a refused import changed the database:\n%s", cmp.Diff(before, after))
			}
		})
	}
}

func TestImportRefusesChangedSourceText(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	if _, err := db.Import(ctx, []*parley.Dataset{parse(t, "talks.yaml", talks(t)).Dataset}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, db)
	other := "sources:\n  - id: talks\n    title: Talks in Geneva\n    text: Another text.\n"
	_, err := db.Import(ctx, []*parley.Dataset{parse(t, "other.yaml", other).Dataset})
	if parley.ErrorCode(err) != parley.EConflict || !strings.Contains(err.Error(), `source "talks" is stored with a different text`) {
		t.Fatalf("error = %v, want CONFLICT for a changed source text", err)
	}
	if after := dump(t, db); after != before {
		t.Errorf("database changed:\n%s", cmp.Diff(before, after))
	}
}

func TestExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	if _, err := db.Import(ctx, []*parley.Dataset{parse(t, "talks.yaml", talks(t)).Dataset}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []dataset.Format{dataset.YAML, dataset.JSON} {
		t.Run(string(format), func(t *testing.T) {
			ds, err := db.Export(ctx)
			if err != nil {
				t.Fatal(err)
			}
			first, err := dataset.Write(ds, format)
			if err != nil {
				t.Fatal(err)
			}
			// Into an empty database, and out again.
			db2, _ := open(t)
			f, err := dataset.Parse("export."+string(format), first, nil)
			if err != nil {
				t.Fatalf("parse the export: %v", err)
			}
			if _, err := db2.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
				t.Fatalf("import the export: %v", err)
			}
			ds2, err := db2.Export(ctx)
			if err != nil {
				t.Fatal(err)
			}
			second, err := dataset.Write(ds2, format)
			if err != nil {
				t.Fatal(err)
			}
			if string(first) != string(second) {
				t.Fatalf("export → import → export differs:\n%s", cmp.Diff(string(first), string(second)))
			}
			// The graph is the same; the history differs (it tells of
			// the import), and so does when each migration ran.
			// The search index is derived, its row ids in import order.
			skip := []string{"changes", "sqlite_sequence", "schema_migrations",
				"search_docs", "search", "search_data", "search_idx", "search_docsize", "search_config"}
			if a, b := dumpExcept(t, db, skip...), dumpExcept(t, db2, skip...); a != b {
				t.Errorf("the re-imported database differs from the original:\n%s", cmp.Diff(a, b))
			}
			// The source text survives byte for byte.
			want, _ := os.ReadFile("testdata/talks.txt")
			if got := ds2.Sources[0].Text; got != string(want) {
				t.Errorf("source text changed in the round trip:\n%s", cmp.Diff(string(want), got))
			}
		})
	}
}

// TestPending lists the migrations an existing file lacks without writing
// to it or beside it: none on a current file, the one whose row is gone,
// and every one on a SQLite file without Parley's schema.
func TestPending(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	db.Close()
	files := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		entries, err := os.ReadDir(filepath.Dir(path))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(filepath.Dir(path), e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = fmt.Sprintf("%x", sha256.Sum256(b))
		}
		return out
	}
	pending := func() []string {
		t.Helper()
		before := files()
		got, err := sqlite.Pending(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, files()); diff != "" {
			t.Fatalf("Pending wrote to the folder (-before +after):\n%s", diff)
		}
		return got
	}
	if got := pending(); got != nil {
		t.Fatalf("Pending on a current file: %v, want none", got)
	}
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("DELETE FROM schema_migrations WHERE version = 11"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if diff := cmp.Diff([]string{"0011_search_quotes_once.sql"}, pending()); diff != "" {
		t.Fatalf("Pending with migration 11 unrecorded (-want +got):\n%s", diff)
	}

	other := filepath.Join(t.TempDir(), "other.db")
	raw, err = sql.Open("sqlite3", "file:"+other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	got, err := sqlite.Pending(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 11 || got[0] != "0001_graph.sql" || !slices.Contains(got, "0011_search_quotes_once.sql") {
		t.Fatalf("Pending on a file without Parley's schema: %v, want every migration", got)
	}
	if _, err := sqlite.Pending(ctx, filepath.Join(t.TempDir(), "absent.db")); err == nil {
		t.Fatal("Pending on a missing file: no error")
	}
}
