// Package sqlite implements parley.Store on SQLite (mattn/go-sqlite3).
// Build with the tag sqlite_fts5.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a Parley graph in one SQLite file.
type DB struct {
	db      *sql.DB
	path    string
	queries atomic.Int64
	// referrers are the columns through which nodes refer to others.
	referrers []referrer
	// trace, when set (by tests), sees every read before it runs.
	trace func(query string, args []any)
	// Now returns the time recorded with each write; tests replace it.
	Now func() time.Time
	// readOnly says why the file was opened read-only; "" if it was not.
	readOnly string
	// corrupt is set once the file is found damaged; fullAt is when a
	// write last failed for want of space (Unix ns). Ping reports them.
	corrupt atomic.Pointer[parley.Error]
	fullAt  atomic.Int64
	// writing holds a token while one of this process's write
	// transactions runs (see write).
	writing chan struct{}
	// private is set by ImportNew: the file is being built, and nothing
	// else uses it.
	private bool
}

var _ parley.Store = (*DB)(nil)

// DSN returns the data source name for path: foreign keys on, WAL, a busy
// timeout, and immediate write transactions, so that settings reach every
// pooled connection and writers queue instead of failing with SQLITE_BUSY.
func DSN(path string) string {
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	// 8 MiB of page cache a connection (SQLite's default is 2 MiB).
	// Measured on a 100k-assertion import: 8 MiB took 8-10 s, 2 MiB 11 s,
	// and 64 MiB or more 21-27 s (a large cache full of dirty pages slows
	// every insert of a big transaction).
	q.Set("_cache_size", "-8000")
	// Prepared statements kept by each connection, so that a read sent
	// again (every list and node fetch is one of a few dozen statements)
	// is bound and run, not parsed and planned anew: preparing was a
	// fifth of the store's CPU in a profile query.
	q.Set("_stmt_cache_size", "64")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if absent) the database at path and brings its
// schema up to date. A file that cannot be written (a read-only file or
// filesystem) is opened read-only if its schema is current: reads work,
// writes fail with EStorageReadOnly. Errors say plainly what is wrong
// with the file: not readable, not SQLite's, damaged.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, parley.Errorf(parley.EInvalid, "no database path given")
	}
	acc, err := inspect(path)
	if err != nil {
		return nil, err
	}
	dsn := DSN(path)
	if acc.readOnly != "" {
		dsn = readOnlyDSN(path, acc.immutable)
	} else if acc.empty {
		if err := createFile(ctx, path, newFilePageSize); err != nil {
			return nil, err
		}
	}
	sqldb, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Keep connections open: each new one starts with a cold page cache
	// and runs the DSN's settings again. (database/sql keeps only two
	// idle by default, so under concurrent load it opened and closed
	// connections all the time.)
	sqldb.SetMaxOpenConns(16)
	sqldb.SetMaxIdleConns(16)
	sqldb.SetConnMaxIdleTime(10 * time.Minute)
	db := &DB{db: sqldb, path: path, Now: time.Now, readOnly: acc.readOnly, writing: make(chan struct{}, 1)}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, startupError(path, "migrate", err)
	}
	if err := db.loadReferrers(ctx); err != nil {
		sqldb.Close()
		return nil, startupError(path, "read schema of", err)
	}
	return db, nil
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

// Queries returns how many reads the store has sent to SQLite, for tests
// that guard against a query per row (N+1).
func (db *DB) Queries() int64 { return db.queries.Load() }

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// SQL returns the underlying handle, for tests and diagnostics.
func (db *DB) SQL() *sql.DB { return db.db }

// FTS5 reports whether the linked SQLite has the FTS5 extension, which
// this binary gets only when built with the tag sqlite_fts5.
func FTS5(ctx context.Context, db *DB) bool {
	var n int
	err := db.db.QueryRowContext(ctx, "SELECT sqlite_compileoption_used('ENABLE_FTS5')").Scan(&n)
	return err == nil && n == 1
}

// loadMigrations reads the store's embedded migrations, in order.
func loadMigrations() ([]sqlcommon.Migration, error) {
	return sqlcommon.LoadMigrations(migrations, "migrations")
}

// migrate runs, in order, each migration not yet applied, each in its own
// transaction together with the row that records it. A read-only database
// must have them all already.
func (db *DB) migrate(ctx context.Context) error {
	if db.readOnly != "" {
		return db.migrated(ctx)
	}
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	) STRICT`); err != nil {
		return err
	}
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

// foreignKeysOff marks a migration that rebuilds a table others refer to:
// it runs on a connection with foreign keys off (dropping the old table
// must cascade nothing), and every foreign key is checked before it
// commits, as SQLite's documented procedure for schema changes has it.
const foreignKeysOff = "-- parley: foreign_keys off"

func (db *DB) apply(ctx context.Context, m sqlcommon.Migration) error {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	fkOff := strings.HasPrefix(m.SQL, foreignKeysOff)
	if fkOff {
		// The pragma is a no-op inside a transaction, so it goes first;
		// the connection gets its setting back before it returns to the
		// pool.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if fkOff {
		rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return err
		}
		broken := rows.Next()
		rows.Close()
		if broken {
			return fmt.Errorf("the migration leaves references that point nowhere")
		}
	}
	if step := migrationSteps[m.Name]; step != nil {
		if err := step(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.Version, m.Name, db.Now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}

// migrated checks, without writing, that every migration is applied.
func (db *DB) migrated(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	have, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	if missing := sqlcommon.NotApplied(ms, have); len(missing) > 0 {
		return &parley.Error{Code: parley.EStorageReadOnly, Message: fmt.Sprintf(
			"the database cannot be written (%s) and its schema is not current (%s not applied): open it once where it can be written",
			db.readOnly, strings.Join(missing, ", "))}
	}
	return nil
}

// Pending lists, without writing to the database (read-only, and without
// locks or a -shm file when no -wal holds writes), the migrations that Open
// would apply to the existing database at path: nil when its schema is
// current. Tools that
// share a database file with older binaries (the benchmarks' generated
// graphs) ask before opening it, since Open migrates in place.
func Pending(ctx context.Context, path string) ([]string, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("cannot read the database %s: %w", path, unwrapPathError(err))
	}
	// immutable: no locks and no -shm; right only when no -wal holds
	// writes not yet in the file.
	immutable := true
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		immutable = false
	}
	sqldb, err := sql.Open("sqlite3", readOnlyDSN(path, immutable))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer sqldb.Close()
	var table int
	if err := sqldb.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").Scan(&table); err != nil {
		return nil, startupError(path, "read", err)
	}
	var applied []int
	if table > 0 {
		if applied, err = sqlcommon.AppliedVersions(ctx, sqldb); err != nil {
			return nil, startupError(path, "read", err)
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

// domainError maps a driver error to the domain's vocabulary by its typed
// extended code; anything else stays an internal error.
func domainError(err error, what string) error {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.ExtendedCode {
	case sqlite3.ErrConstraintForeignKey:
		return &parley.Error{Code: parley.ENotFound, Message: what + ": a reference points to a node that does not exist"}
	case sqlite3.ErrConstraintPrimaryKey, sqlite3.ErrConstraintUnique:
		return &parley.Error{Code: parley.EConflict, Message: what + ": the id is already taken"}
	case sqlite3.ErrConstraintCheck, sqlite3.ErrConstraintNotNull:
		return &parley.Error{Code: parley.EInvalid, Message: what + ": a value is missing or not allowed"}
	}
	if se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked {
		return fmt.Errorf("%s: database busy: %w", what, err)
	}
	if f := storageFault(err, ""); f != nil {
		return f
	}
	return err
}

// migrationSteps are the parts of migrations that SQL alone cannot do,
// run after the migration's SQL in its transaction.
var migrationSteps = map[string]func(context.Context, *sql.Tx) error{
	"0009_search_stemmed.sql":         indexSources,
	"0010_sentences_across_lines.sql": indexSources,
	"0011_search_quotes_once.sql":     quotesOnce,
}

// indexSources adds the sentences of each source stored before the search
// reached them, or before they were split as they are now (SQL alone
// cannot split a text into sentences).
func indexSources(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, text FROM sources")
	if err != nil {
		return err
	}
	todo := map[string]string{}
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			rows.Close()
			return err
		}
		todo[id] = text
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	for id, text := range todo {
		if err := indexSentences(exec, id, text); err != nil {
			return err
		}
	}
	return nil
}

// newFilePageSize is the page size of the files Open and ImportNew create
// (SQLite's default is 4 KiB). Measured at 1M assertions (BENCHMARKS.md,
// "Eighth round"): an import into a new file with 8 KiB pages took 35 s
// where 4 KiB took 44-59 s, half the system time gone (a page read or
// written is one pread or pwrite, and half as many of them); 16 KiB was
// as fast to import but doubled the p50 of a conflicts query (each page
// a point look-up misses in the page cache is four times as many bytes
// to copy), where 8 KiB left the read queries as they were or faster
// (within the noise of a shared machine). A file keeps the page size it
// was made with.
const newFilePageSize = 8192

// createFile makes the database at path, which is not there yet or is an
// empty file, with pages of size bytes (SQLite fixes the page size when
// it first writes the file), in WAL mode as Open puts it.
func createFile(ctx context.Context, path string, size int) error {
	sqldb, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return err
	}
	defer sqldb.Close()
	conn, err := sqldb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{"PRAGMA page_size = " + strconv.Itoa(size), "PRAGMA journal_mode = WAL"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create the database %s: %s: %w", path, q, err)
		}
	}
	return nil
}
