package postgres_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
	"github.com/parley-graph/parley/internal/sqlite"
)

// open opens a new PostgreSQL database, or skips when no server is named.
func open(t *testing.T) *postgres.DB {
	t.Helper()
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	db, err := postgres.Open(context.Background(), pgtest.Database(t), postgres.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestExportSameAsSQLite imports the Berlin graph into both stores and
// compares their exports byte for byte.
func TestExportSameAsSQLite(t *testing.T) {
	pg := open(t)
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []parley.Store{lite, pg} {
		res, err := s.Import(ctx, []*parley.Dataset{f.Dataset})
		if err != nil {
			t.Fatalf("%T import: %v", s, err)
		}
		if res.Created == 0 || res.Updated != 0 {
			t.Fatalf("%T import: %+v", s, res)
		}
		again, err := s.Import(ctx, []*parley.Dataset{f.Dataset})
		if err != nil || again.Created != 0 || again.Updated != 0 || again.Unchanged != res.Created {
			t.Fatalf("%T import again: %+v, %v", s, again, err)
		}
	}
	var outs [2][]byte
	for i, s := range []parley.Store{lite, pg} {
		ds, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if outs[i], err = dataset.Write(ds, dataset.YAML); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Errorf("exports differ: SQLite %d bytes, PostgreSQL %d bytes", len(outs[0]), len(outs[1]))
	}
	lc, _ := lite.Counts(ctx)
	pc, _ := pg.Counts(ctx)
	if len(lc) == 0 || len(lc) != len(pc) {
		t.Errorf("counts: SQLite %v, PostgreSQL %v", lc, pc)
	}
	for k, v := range lc {
		if pc[k] != v {
			t.Errorf("count of %s: SQLite %d, PostgreSQL %d", k, v, pc[k])
		}
	}
}

// TestCountChangesSameAsSQLite counts the import's changes in both
// stores, all, of one node and after a seq, each equal to the changes
// Changes lists.
func TestCountChangesSameAsSQLite(t *testing.T) {
	pg := open(t)
	ctx := context.Background()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	ukraine, since := "ukraine", int64(10)
	for _, s := range []parley.Store{lite, pg} {
		if _, err := s.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
			t.Fatalf("%T import: %v", s, err)
		}
		for _, q := range []parley.ChangeQuery{{}, {NodeID: &ukraine}, {Since: &since}} {
			n, err := s.CountChanges(ctx, q)
			if err != nil {
				t.Fatalf("%T: %v", s, err)
			}
			q.First = 100000
			list, _, err := s.Changes(ctx, q)
			if err != nil || n != len(list) || n == 0 {
				t.Errorf("%T %+v: CountChanges = %d, Changes lists %d (%v)", s, q, n, len(list), err)
			}
		}
	}
}

// TestPending lists the migrations a database lacks without writing to it:
// every one on an empty database (which it leaves without even the
// migrations table), none once Open has run, the one whose row is gone.
func TestPending(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	url := pgtest.Database(t)
	got, err := postgres.Pending(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 8 || got[0] != "0001_graph.sql" || !slices.Contains(got, "0008_edge_degrees_recount.sql") {
		t.Fatalf("Pending on an empty database: %v, want every migration", got)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var table bool
	err = conn.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&table)
	conn.Close(ctx)
	if err != nil || table {
		t.Fatalf("Pending on an empty database made schema_migrations (%v)", err)
	}
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got, err := postgres.Pending(ctx, url); err != nil || got != nil {
		t.Fatalf("Pending on a current database: %v, %v; want none", got, err)
	}
	if _, err := db.SQL().ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = 8"); err != nil {
		t.Fatal(err)
	}
	got, err = postgres.Pending(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"0008_edge_degrees_recount.sql"}, got); diff != "" {
		t.Fatalf("Pending with migration 8 unrecorded (-want +got):\n%s", diff)
	}
}
