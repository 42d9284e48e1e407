package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
)

// TestClaimsMigrationKeepsData brings a database that holds a graph
// through migration 7 (every other migration applied first, as today's
// writer needs them to import the graph), which rebuilds the nodes table with foreign keys off,
// and checks that nothing went (no cascade from the dropped table), that
// references still hold, and that foreign keys are on again for every
// connection.
func TestClaimsMigrationKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	sqldb, err := sql.Open("sqlite3", DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	sqldb.SetMaxOpenConns(4)
	db := &DB{db: sqldb, path: path, Now: time.Now}
	defer db.Close()
	if _, err := sqldb.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version != 7 {
			if err := db.apply(ctx, m); err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
		}
	}
	if err := db.loadReferrers(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/talks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := dataset.Parse("talks.yaml", b, os.DirFS("testdata"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
		t.Fatal(err)
	}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"nodes", "evidence", "edges", "assertions", "positions", "statement_expresses", "search_docs"} {
			var n int
			if err := sqldb.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[table] = n
		}
		return out
	}
	before := counts()
	if err := db.migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	after := counts()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %d rows before the migration, %d after", k, v, after[k])
		}
	}
	if before["nodes"] == 0 || before["edges"] == 0 {
		t.Fatalf("the graph was not imported: %v", before)
	}
	// Every pooled connection enforces foreign keys again.
	var conns []*sql.Conn
	for i := 0; i < 4; i++ {
		c, err := sqldb.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var fk int
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if fk != 1 {
			t.Errorf("connection %d has foreign keys off after the migration", i)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	// The rebuilt table is still what others refer to: deleting a node
	// cascades to its rows, and a claim can be stored.
	if err := db.loadReferrers(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := sqldb.ExecContext(ctx, "DELETE FROM nodes WHERE id = 'pos-ruritania-refuses'"); err != nil {
		t.Fatal(err)
	}
	var n int
	sqldb.QueryRowContext(ctx, "SELECT count(*) FROM positions WHERE id = 'pos-ruritania-refuses'").Scan(&n)
	if n != 0 {
		t.Error("deleting a node no longer cascades to its typed row")
	}
	claim := &parley.Dataset{Name: "claim", Claims: []*parley.Claim{{ID: "claim-refusal", Kind: "FACT", Text: "Ruritania refuses.",
		About:     []string{"ruritania"},
		Assertion: parley.Assertion{Attribution: &parley.Attribution{Basis: "JOURNALIST"}, Evidence: []*parley.Evidence{{Source: "talks", Quote: "Ruritania refuses to withdraw."}}}}}}
	if _, err := db.Import(ctx, []*parley.Dataset{claim}); err != nil {
		t.Fatalf("import a claim after the migration: %v", err)
	}
}
