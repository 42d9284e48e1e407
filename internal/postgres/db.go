// Package postgres implements parley.Store on PostgreSQL, with pgx
// (jackc/pgx/v5, its pgxpool pool under database/sql). The schema and the
// statements mirror internal/sqlite's, so that both give the same answers;
// see driver.go for how the statements reach PostgreSQL.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a Parley graph in a PostgreSQL database.
type DB struct {
	db      *sql.DB
	pool    *pgxpool.Pool
	queries atomic.Int64
	// referrers are the columns through which nodes refer to others.
	referrers []referrer
	// trace, when set (by tests), sees every read before it runs.
	trace func(query string, args []any)
	// Now returns the time recorded with each write; tests replace it.
	Now func() time.Time
	// listen is the connection that LISTENs for change notices, while
	// anyone watches (notify.go).
	listen listener
	// versions shares the reads of the version (version.go).
	versions versionReads
}

var _ parley.Store = (*DB)(nil)

// Options tune the connection to the server.
type Options struct {
	// MaxConns is the pool's size (0: pgxpool's default, 4 or the number
	// of CPUs if more).
	MaxConns int
	// StatementTimeout ends any statement running longer (0: none).
	StatementTimeout time.Duration
}

// IsURL reports whether s names a PostgreSQL database rather than a file.
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url (postgres://…) and brings its
// schema up to date.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, parley.Errorf(parley.EInvalid, "database URL: %v", err)
	}
	if opt.MaxConns > 0 {
		cfg.MaxConns = int32(opt.MaxConns)
	}
	if opt.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opt.StatementTimeout.Milliseconds(), 10)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, &parley.Error{Code: parley.EStorageIO, Message: fmt.Sprintf("cannot reach PostgreSQL at %s: %v", redact(cfg), err)}
	}
	sqldb := sql.OpenDB(connector{stdlib.GetPoolConnector(pool)})
	sqldb.SetMaxOpenConns(int(cfg.MaxConns))
	sqldb.SetMaxIdleConns(int(cfg.MaxConns))
	db := &DB{db: sqldb, pool: pool, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate PostgreSQL database: %w", err)
	}
	if err := db.loadReferrers(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("read schema: %w", err)
	}
	return db, nil
}

// redact names the server without the password.
func redact(cfg *pgxpool.Config) string {
	return fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
}

// query runs a read and counts it.
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	db.queries.Add(1)
	if db.trace != nil {
		db.trace(q, args)
	}
	return db.db.QueryContext(ctx, q, args...)
}

// queryRow runs a one-row read and counts it.
func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	db.queries.Add(1)
	if db.trace != nil {
		db.trace(q, args)
	}
	return db.db.QueryRowContext(ctx, q, args...)
}

// Queries returns how many reads the store has sent, for tests that guard
// against a query per row (N+1).
func (db *DB) Queries() int64 { return db.queries.Load() }

// Close closes the pool, and the connection that listens for change
// notices (closing its watchers' channels).
func (db *DB) Close() error {
	db.closeListener()
	err := db.db.Close()
	db.pool.Close()
	return err
}

// SQL returns the underlying handle, for tests and diagnostics.
func (db *DB) SQL() *sql.DB { return db.db }

// Ping implements parley.StorageFaults' reachability check: whether the
// server answers. It goes through database/sql, as the reads and writes
// do: database/sql keeps the connections it has opened (up to the pool's
// size) acquired from pgxpool while idle, so a ping of pgxpool itself
// waits for a connection that may never come back after a burst of
// requests (TestPingAfterBurst).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return &parley.Error{Code: parley.EStorageIO, Message: fmt.Sprintf("PostgreSQL does not answer: %v", err)}
	}
	return nil
}

// loadMigrations reads the store's embedded migrations, in order.
func loadMigrations() ([]sqlcommon.Migration, error) {
	return sqlcommon.LoadMigrations(migrations, "migrations")
}

// migrationLock is the advisory lock that keeps two processes starting at
// once from running the same migration.
const migrationLock = 0x7061726c6579 // "parley"

// migrate runs, in order, each migration not yet applied, each in its own
// transaction together with the row that records it.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := db.apply(ctx, m); err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, m sqlcommon.Migration) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM schema_migrations WHERE version = $1", m.Version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	// No arguments: the simple protocol, which runs the file's many
	// statements.
	if _, err := tx.Exec(ctx, m.SQL); err != nil {
		return err
	}
	if step := migrationSteps[m.Name]; step != nil {
		if err := step(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
		m.Version, m.Name, db.Now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// migrationSteps are the parts of migrations that SQL alone cannot do,
// run after the migration's SQL in its transaction.
var migrationSteps = map[string]func(context.Context, pgx.Tx) error{
	"0002_search_stemmed.sql":         indexSources,
	"0004_sentences_across_lines.sql": indexSources,
	"0009_search_texts_once.sql":      searchTextsOnce,
}

// Pending lists, without writing anything, the migrations that Open would
// apply to the database at url: nil when its schema is current. Tools that
// share a database with older binaries (the benchmarks' generated graphs)
// ask before opening it, since Open migrates it.
func Pending(ctx context.Context, url string) ([]string, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var table bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&table); err != nil {
		return nil, err
	}
	var applied []int
	if table {
		rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return nil, err
		}
		if applied, err = pgx.CollectRows(rows, pgx.RowTo[int]); err != nil {
			return nil, err
		}
	}
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	return sqlcommon.NotApplied(ms, applied), nil
}

// Migrations returns the versions applied to the database, in order.
func (db *DB) Migrations(ctx context.Context) ([]int, error) {
	return sqlcommon.AppliedVersions(ctx, db.db)
}

// domainError maps a server error to the domain's vocabulary by its
// SQLSTATE; anything else stays an internal error.
func domainError(err error, what string) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23503": // foreign_key_violation
		return &parley.Error{Code: parley.ENotFound, Message: what + ": a reference points to a node that does not exist"}
	case "23505": // unique_violation
		return &parley.Error{Code: parley.EConflict, Message: what + ": the id is already taken"}
	case "23514", "23502": // check_violation, not_null_violation
		return &parley.Error{Code: parley.EInvalid, Message: what + ": a value is missing or not allowed"}
	case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
		return fmt.Errorf("%s: database busy: %w", what, err)
	case "57014": // query_canceled (statement_timeout)
		return fmt.Errorf("%s: the statement ran past its timeout: %w", what, err)
	}
	return err
}

// isBusy reports whether err says the transaction lost a race and may be
// tried again.
func isBusy(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03")
}

// StorageFault implements parley.StorageFaults: a server that cannot be
// reached, or that refuses connections, is a fault of the storage.
func (db *DB) StorageFault(err error) *parley.Error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return &parley.Error{Code: parley.EStorageFull, Message: "the PostgreSQL server's disk is full"}
		case pe.Code == "25006": // read_only_sql_transaction (a replica)
			return &parley.Error{Code: parley.EStorageReadOnly, Message: "the PostgreSQL server is read-only (a standby?)"}
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"): // connection exceptions, shutdown
			return &parley.Error{Code: parley.EStorageIO, Message: "PostgreSQL connection failed: " + pe.Message}
		}
		return nil
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return &parley.Error{Code: parley.EStorageIO, Message: "cannot reach PostgreSQL: " + ce.Error()}
	}
	return nil
}

// Empty reports whether the database holds no node.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var empty bool
	err := db.queryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM nodes)").Scan(&empty)
	return empty, err
}

// Check is serve's start-up check: on PostgreSQL, that the server answers
// (the server looks after its own files).
func (db *DB) Check(ctx context.Context) error { return db.Ping(ctx) }

// ReadOnly is "": a PostgreSQL store is opened for writing.
func (db *DB) ReadOnly() string { return "" }
