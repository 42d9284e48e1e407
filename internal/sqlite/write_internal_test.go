package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// TestWriteRetriesBusy: a transaction that meets SQLITE_BUSY is tried
// again, and after sqlcommon.WriteAttempts fails with BUSY; any other
// error is returned at once.
func TestWriteRetriesBusy(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "busy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	calls := 0
	err = db.write(context.Background(), "test", func(*sql.Tx) error {
		calls++
		return sqlite3.Error{Code: sqlite3.ErrBusy}
	})
	if parley.ErrorCode(err) != parley.EBusy || calls != sqlcommon.WriteAttempts {
		t.Errorf("always busy: %v after %d calls; want BUSY after %d", err, calls, sqlcommon.WriteAttempts)
	}
	calls = 0
	err = db.write(context.Background(), "test", func(*sql.Tx) error {
		calls++
		if calls == 1 {
			return sqlite3.Error{Code: sqlite3.ErrBusy}
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Errorf("busy once: %v after %d calls; want success after 2", err, calls)
	}
	calls = 0
	other := errors.New("other")
	if err := db.write(context.Background(), "test", func(*sql.Tx) error { calls++; return other }); err != other || calls != 1 {
		t.Errorf("other error: %v after %d calls", err, calls)
	}
}
