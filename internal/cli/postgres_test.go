package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// TestPostgresExportSameAsSQLite imports the same files into a SQLite
// file and a PostgreSQL database with parley import (the Berlin graph,
// and a generated graph large enough for the bulk path), and checks that
// parley export gives the same bytes from both.
func TestPostgresExportSameAsSQLite(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	dir := t.TempDir()
	code, gen, errOut := run(t, nil, "gen", "--actors", "100", "--statements", "3000", "--seed", "7")
	if code != 0 {
		t.Fatalf("gen: %d %s", code, errOut)
	}
	genFile := writeFile(t, dir, "gen.yaml", gen)
	lite := filepath.Join(dir, "p.db")
	pg := pgtest.Database(t)
	var exports []string
	for _, db := range []string{lite, pg} {
		for _, f := range []string{genFile, berlinFile} {
			if code, _, errOut := run(t, nil, "import", "--db", db, f); code != 0 {
				t.Fatalf("import %s into %s: %d %s", f, db, code, errOut)
			}
		}
		code, out, errOut := run(t, nil, "export", "--db", db)
		if code != 0 {
			t.Fatalf("export %s: %d %s", db, code, errOut)
		}
		exports = append(exports, out)
	}
	if len(exports[0]) < 100000 {
		t.Fatalf("export of %d bytes: too small to tell", len(exports[0]))
	}
	if exports[0] != exports[1] {
		t.Errorf("exports differ: SQLite %d bytes, PostgreSQL %d bytes", len(exports[0]), len(exports[1]))
	}
	// The same with the environment's PARLEY_DB, and the token commands.
	env := map[string]string{"PARLEY_DB": pg, "PARLEY_DB_MAX_CONNS": "3", "PARLEY_DB_STATEMENT_TIMEOUT": "30s"}
	if code, out, errOut := run(t, env, "token", "create", "--name", "ci", "--role", "editor"); code != 0 || out == "" {
		t.Fatalf("token create: %d %q %s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "backup", filepath.Join(dir, "b.db")); code == 0 {
		t.Errorf("backup of a PostgreSQL database succeeded; want a pointer to pg_dump: %s", errOut)
	}
}

// TestCopyBetweenBackends copies a graph from a SQLite file to
// PostgreSQL and back to a new file, and checks each copy's export.
func TestCopyBetweenBackends(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	dir := t.TempDir()
	src, back := filepath.Join(dir, "src.db"), filepath.Join(dir, "back.db")
	if code, _, errOut := run(t, nil, "import", "--db", src, berlinFile); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	pg := pgtest.Database(t)
	for _, c := range [][2]string{{src, pg}, {pg, back}} {
		code, out, errOut := run(t, nil, "copy", "--from", c[0], "--to", c[1])
		if code != 0 || !strings.Contains(out, "exports identical") {
			t.Fatalf("copy %s to %s: %d %q %s", c[0], c[1], code, out, errOut)
		}
	}
	var exports []string
	for _, db := range []string{src, pg, back} {
		code, out, errOut := run(t, nil, "export", "--db", db)
		if code != 0 {
			t.Fatalf("export %s: %d %s", db, code, errOut)
		}
		exports = append(exports, out)
	}
	if exports[0] != exports[1] || exports[0] != exports[2] {
		t.Errorf("exports differ: %d, %d, %d bytes", len(exports[0]), len(exports[1]), len(exports[2]))
	}
	// Into a database holding another graph: refused, as the exports
	// would differ.
	other := filepath.Join(dir, "other.db")
	if code, _, errOut := run(t, nil, "import", "--db", other, "../sqlite/testdata/talks.yaml"); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, nil, "copy", "--from", pg, "--to", other); code == 0 || !strings.Contains(errOut, "differs") {
		t.Errorf("copy into a database with another graph: %d %s", code, errOut)
	}
}
