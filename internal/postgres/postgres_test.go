package postgres_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

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
