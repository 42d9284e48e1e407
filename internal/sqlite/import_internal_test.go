package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
)

// TestBulkImportForeignKeys: an import into an empty database writes its
// rows with foreign keys off, checks them all before the commit, and gives
// the connection its setting back. With one connection in the pool, the
// next statement runs on the import's connection: foreign keys must be on
// there again. And the check itself finds a row whose reference points
// nowhere, naming its table.
func TestBulkImportForeignKeys(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "fk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.db.SetMaxOpenConns(1)
	ds := gen.Generate(gen.Config{Actors: 50, Statements: 4000, Seed: 3})
	if n := len(ds.IDs()); n < bulkThreshold {
		t.Fatalf("only %d nodes: below the bulk threshold", n)
	}
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	var on int
	if err := db.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
		t.Fatalf("foreign_keys after a bulk import: %d, %v; want 1", on, err)
	}
	// The check, on a row written with foreign keys off.
	conn, err := db.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "PRAGMA foreign_keys = ON")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := foreignKeyCheck(ctx, tx, "main"); err != nil {
		t.Fatalf("the imported rows: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE positions SET holder_id = 'nobody' WHERE id = ?", ds.Positions[0].ID); err != nil {
		t.Fatal(err)
	}
	err = foreignKeyCheck(ctx, tx, "main")
	if err == nil || !strings.Contains(err.Error(), "positions") || !strings.Contains(err.Error(), "actors") {
		t.Errorf("a position whose holder is not there: %v; want an error naming positions and actors", err)
	}
	// Table by table, as after a bulk load (which leaves out the tables
	// it derives): the same.
	err = foreignKeyCheck(ctx, tx, "main", "search_docs", "edges")
	if err == nil || !strings.Contains(err.Error(), "positions") || !strings.Contains(err.Error(), "actors") {
		t.Errorf("a position whose holder is not there, checked table by table: %v; want an error naming positions and actors", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE positions SET holder_id = ? WHERE id = ?", ds.Positions[0].Holder, ds.Positions[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := foreignKeyCheck(ctx, tx, "main", "search_docs", "edges"); err != nil {
		t.Errorf("the imported rows, checked table by table: %v", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE statement_expresses SET node_id = 'nothing' WHERE rowid = (SELECT min(rowid) FROM statement_expresses)"); err != nil {
		t.Fatal(err)
	}
	err = foreignKeyCheck(ctx, tx, "main", "search_docs", "edges")
	if err == nil || !strings.Contains(err.Error(), "statement_expresses") || !strings.Contains(err.Error(), "nodes") {
		t.Errorf("a statement expressing nothing, checked table by table: %v; want an error naming statement_expresses and nodes", err)
	}
}

// TestImportNewSideFails: a bulk import into a new file builds its
// full-text index in a file beside it while it goes on with the rest;
// when either fails, the import fails with that error and leaves no file
// behind, neither its own nor the index's.
func TestImportNewSideFails(t *testing.T) {
	ctx := context.Background()
	ds := gen.Generate(gen.Config{Actors: 50, Statements: 4000, Seed: 3})
	if n := len(ds.IDs()); n < bulkThreshold {
		t.Fatalf("only %d nodes: below the bulk threshold", n)
	}
	read := datasetReader(ds)
	// ("search rows": the index beside has taken the load's rows and waits
	// for the others, which never come.)
	for _, step := range []string{"search rows", "edges", "full-text index"} {
		t.Run(step, func(t *testing.T) {
			failed := errors.New("failed at " + step)
			var asked []string
			var mu sync.Mutex
			importFault = func(s string) error {
				mu.Lock()
				defer mu.Unlock()
				asked = append(asked, s)
				if s == step {
					return failed
				}
				return nil
			}
			defer func() { importFault = nil }()
			dir := t.TempDir()
			_, err := ImportNew(ctx, filepath.Join(dir, "new.db"), nil, read)
			if !errors.Is(err, failed) {
				t.Errorf("import: %v; want %v", err, failed)
			}
			mu.Lock()
			if !slices.Contains(asked, step) {
				t.Errorf("the import never reached %q (asked at %v)", step, asked)
			}
			mu.Unlock()
			if es, err := os.ReadDir(dir); err != nil || len(es) != 0 {
				t.Errorf("the failed import left %v (%v)", es, err)
			}
		})
	}
}

// TestImportNewChecksKeysBeside: a bulk import into a new file checks its
// foreign keys on the connection that builds the full-text index beside;
// a reference that points nowhere (made here after the load, as no valid
// file can make one) fails the import, naming the table, and leaves no
// file behind.
func TestImportNewChecksKeysBeside(t *testing.T) {
	ctx := context.Background()
	ds := gen.Generate(gen.Config{Actors: 50, Statements: 4000, Seed: 3})
	read := datasetReader(ds)
	importTamper = func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE positions SET holder_id = 'nobody' WHERE rowid = (SELECT max(rowid) FROM positions)")
		return err
	}
	defer func() { importTamper = nil }()
	dir := t.TempDir()
	_, err := ImportNew(ctx, filepath.Join(dir, "new.db"), nil, read)
	if err == nil || !strings.Contains(err.Error(), "a row of positions refers to a row of actors") {
		t.Errorf("import with a position whose holder is not there: %v; want an error naming positions and actors", err)
	}
	if es, err := os.ReadDir(dir); err != nil || len(es) != 0 {
		t.Errorf("the failed import left %v (%v)", es, err)
	}
}

// datasetReader reads a generated dataset's items as an import reads a
// file's, stopping at the first error the import returns.
func datasetReader(ds *parley.Dataset) func(yield func(parley.Item) error) ([]parley.Problem, error) {
	return func(yield func(parley.Item) error) ([]parley.Problem, error) {
		var err error
		ds.Each(func(it parley.Item) {
			if err == nil {
				err = yield(it)
			}
		})
		return nil, err
	}
}
