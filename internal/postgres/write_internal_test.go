package postgres

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// TestWriteRetriesBusy: a transaction that loses a race (serialization
// failure, deadlock) is tried again, and after sqlcommon.WriteAttempts
// fails with BUSY; any other error is returned at once.
func TestWriteRetriesBusy(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	db, err := Open(ctx, pgtest.Database(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, code := range []string{"40001", "40P01"} {
		calls := 0
		err = db.writes().Write(ctx, "test", func(*sql.Tx) error {
			calls++
			return &pgconn.PgError{Code: code}
		})
		if parley.ErrorCode(err) != parley.EBusy || calls != sqlcommon.WriteAttempts {
			t.Errorf("always %s: %v after %d calls; want BUSY after %d", code, err, calls, sqlcommon.WriteAttempts)
		}
	}
	calls := 0
	err = db.writes().Write(ctx, "test", func(*sql.Tx) error {
		calls++
		if calls == 1 {
			return &pgconn.PgError{Code: "40001"}
		}
		return nil
	})
	if err != nil || calls != 2 {
		t.Errorf("busy once: %v after %d calls; want success after 2", err, calls)
	}
	calls = 0
	other := errors.New("other")
	if err := db.writes().Write(ctx, "test", func(*sql.Tx) error { calls++; return other }); err != other || calls != 1 {
		t.Errorf("other error: %v after %d calls", err, calls)
	}
}
