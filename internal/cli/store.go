package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/sqlite"
)

// store is what the subcommands need of a store, on either backend.
type store interface {
	parley.Store
	parley.Versioner
	parley.SearchCounter
	parley.StorageFaults
	ImportFrom(ctx context.Context, read func(yield func(parley.Item) error) ([]parley.Problem, error)) (*parley.ImportResult, error)
	Coverage(ctx context.Context, source string) (*parley.Coverage, error)
	Empty(ctx context.Context) (bool, error)
	Check(ctx context.Context) error
	ReadOnly() string
	Ping(ctx context.Context) error
	SQL() *sql.DB
	Close() error
}

var (
	_ store = (*sqlite.DB)(nil)
	_ store = (*postgres.DB)(nil)
)

// openStore opens the database named by --db: a postgres:// or
// postgresql:// URL is a PostgreSQL database (pool size and statement
// timeout from PARLEY_DB_MAX_CONNS and PARLEY_DB_STATEMENT_TIMEOUT), anything
// else a SQLite file. With mustExist, a file that is not there is an
// error rather than created.
func (a *App) openStore(ctx context.Context, db string, mustExist bool) (store, error) {
	if postgres.IsURL(db) {
		var opt postgres.Options
		if v := a.env("PARLEY_DB_MAX_CONNS", ""); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("PARLEY_DB_MAX_CONNS=%q: want a number of connections, at least 1", v)
			}
			opt.MaxConns = n
		}
		if v := a.env("PARLEY_DB_STATEMENT_TIMEOUT", ""); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return nil, fmt.Errorf("PARLEY_DB_STATEMENT_TIMEOUT=%q: want a duration such as 30s", v)
			}
			opt.StatementTimeout = d
		}
		return postgres.Open(ctx, db, opt)
	}
	if mustExist {
		if _, err := os.Stat(db); err != nil {
			return nil, fmt.Errorf("no database at %s", db)
		}
	}
	return sqlite.Open(ctx, db)
}

// importInto imports into the database named by --db. A SQLite file that
// is not there yet is built aside and renamed into place
// (sqlite.ImportNew): a failed import leaves no file.
func (a *App) importInto(ctx context.Context, db string, read func(yield func(parley.Item) error) ([]parley.Problem, error)) (*parley.ImportResult, error) {
	if _, err := os.Stat(db); !postgres.IsURL(db) && errors.Is(err, os.ErrNotExist) {
		return sqlite.ImportNew(ctx, db, nil, read)
	}
	store, err := a.openStore(ctx, db, false)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return store.ImportFrom(ctx, read)
}
