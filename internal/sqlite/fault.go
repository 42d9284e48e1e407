package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/parley-graph/parley/internal/parley"
)

// Faults of the storage. A database that cannot be written, a full disk
// and a damaged file are told apart by SQLite's result codes (and, for
// I/O errors, the system's errno), never by message text, and reported
// with the domain's EStorage* codes: at start-up with the file's path, to
// API clients without it, and by Ping (so /readyz) while they last.

// lowSpace is the free space below which Ping reports the disk full.
const lowSpace = 1 << 20

// fullFor is how long Ping reports the disk full after a write failed
// for want of space, even if some space has come back since.
const fullFor = 30 * time.Second

// fileAccess is what inspect learnt of the database file.
type fileAccess struct {
	// readOnly says why the database cannot be written; "" if it can.
	readOnly string
	// immutable is set when SQLite cannot create its -shm file beside
	// the database either, so it must read the file as it is.
	immutable bool
	// empty is set when there is no database yet: no file, or an empty
	// one (and no log beside it).
	empty bool
}

// inspect looks at path before SQLite opens it, so that start-up can say
// plainly what is wrong: no such folder, a folder given for a file, a
// file that cannot be read or is not SQLite's, or one that can only be
// read (a read-only file or filesystem), which is then opened read-only.
func inspect(path string) (fileAccess, error) {
	dir := filepath.Dir(path)
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if _, err := os.Stat(dir); err != nil {
			return fileAccess{}, fmt.Errorf("cannot create the database %s: the folder %s does not exist", path, dir)
		}
		if why := notWritable(dir); why != "" {
			return fileAccess{}, fmt.Errorf("cannot create the database %s: %s", path, why)
		}
		return fileAccess{empty: !exists(path + "-wal")}, nil
	case err != nil:
		return fileAccess{}, fmt.Errorf("cannot read the database %s: %w", path, err)
	case st.IsDir():
		return fileAccess{}, fmt.Errorf("%s is a folder, not a database file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fileAccess{}, fmt.Errorf("cannot read the database %s: %w", path, unwrapPathError(err))
	}
	header := make([]byte, 16)
	n, err := io.ReadFull(f, header)
	f.Close()
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fileAccess{}, fmt.Errorf("cannot read the database %s: %w", path, unwrapPathError(err))
	}
	if n > 0 && string(header[:n]) != "SQLite format 3\x00" {
		return fileAccess{}, &parley.Error{Code: parley.EStorageCorrupt,
			Message: fmt.Sprintf("%s is not a SQLite database: it does not begin with SQLite's header", path)}
	}
	acc := fileAccess{empty: n == 0 && !exists(path+"-wal")}
	if why := notWritable(path); why != "" {
		acc.readOnly = why
	} else if why := notWritable(dir); why != "" && !exists(path+"-wal") {
		acc.readOnly = "SQLite cannot create its -wal file beside it: " + why
	}
	if acc.readOnly != "" && notWritable(dir) != "" && !exists(path+"-shm") {
		acc.immutable = true
	}
	return acc, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// notWritable says why path cannot be written, or "" if it can.
func notWritable(path string) string {
	switch err := writeAccess(path); {
	case err == nil:
		return ""
	case errors.Is(err, syscall.EROFS):
		return "its filesystem is mounted read-only"
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		if st, e := os.Stat(path); e == nil && st.IsDir() {
			return "the folder " + path + " may not be written"
		}
		return "the file may not be written"
	default:
		return err.Error()
	}
}

// readOnlyDSN opens path for reading only: SQLite then answers every
// write with SQLITE_READONLY, which StorageFault reports.
func readOnlyDSN(path string, immutable bool) string {
	dsn := DSN(path)
	// Drop what would write: WAL mode is recorded in the file already if
	// it is in use, and a read-only connection takes no write lock.
	dsn = strings.Replace(dsn, "_journal_mode=WAL&", "", 1)
	dsn = strings.Replace(dsn, "&_txlock=immediate", "", 1)
	dsn += "&mode=ro"
	if immutable {
		dsn += "&immutable=1"
	}
	return dsn
}

// storageFault maps a fault of the storage in err to its EStorage* code,
// with a message for API clients (no path); nil for any other error.
// readOnly gives the known reason when the database was opened read-only.
func storageFault(err error, readOnly string) *parley.Error {
	var pe *parley.Error
	if errors.As(err, &pe) && parley.IsStorageFault(pe.Code) {
		return pe
	}
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return nil
	}
	code := se.Code
	switch {
	case errors.Is(se.SystemErrno, syscall.EROFS):
		code = sqlite3.ErrReadonly
	case errors.Is(se.SystemErrno, syscall.ENOSPC):
		code = sqlite3.ErrFull
	}
	switch code {
	case sqlite3.ErrReadonly:
		why := readOnly
		if why == "" && errors.Is(se.SystemErrno, syscall.EROFS) {
			why = "its filesystem is mounted read-only"
		}
		if why == "" {
			why = "SQLite says: " + se.Error()
		}
		return &parley.Error{Code: parley.EStorageReadOnly, Message: "the database cannot be written (" + why + "): writes are refused until it can be"}
	case sqlite3.ErrFull:
		return &parley.Error{Code: parley.EStorageFull, Message: "the disk holding the database is full: writes are refused until space is freed"}
	case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		return &parley.Error{Code: parley.EStorageCorrupt, Message: "the database file is damaged (SQLite says: " + se.Error() + "): restore it from a backup"}
	case sqlite3.ErrIoErr, sqlite3.ErrCantOpen:
		return &parley.Error{Code: parley.EStorageIO, Message: "the database file could not be read or written (SQLite says: " + se.Error() + ")"}
	}
	return nil
}

// StorageFault implements parley.StorageFaults. It also remembers a
// damaged file (it stays damaged) and a full disk, for Ping.
func (db *DB) StorageFault(err error) *parley.Error {
	f := storageFault(err, db.readOnly)
	if f == nil {
		return nil
	}
	switch f.Code {
	case parley.EStorageReadOnly:
		why := db.readOnly
		if why == "" {
			why = notWritable(db.path)
		}
		if why != "" {
			f = &parley.Error{Code: f.Code, Message: "the database cannot be written (" + why + "): writes are refused until it can be"}
		}
	case parley.EStorageCorrupt:
		db.corrupt.CompareAndSwap(nil, f)
	case parley.EStorageFull:
		db.fullAt.Store(time.Now().UnixNano())
	}
	return f
}

// startupError says what keeps the database at path from opening.
func startupError(path, step string, err error) error {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("%s %s: %w", step, path, err)
	}
	switch se.Code {
	case sqlite3.ErrNotADB:
		return &parley.Error{Code: parley.EStorageCorrupt, Message: fmt.Sprintf("%s is not a SQLite database, or is damaged beyond reading (SQLite says: %v)", path, se)}
	case sqlite3.ErrCorrupt:
		return &parley.Error{Code: parley.EStorageCorrupt, Message: fmt.Sprintf("%s is damaged (SQLite says: %v): restore it from a backup", path, se)}
	}
	if f := storageFault(err, ""); f != nil {
		return &parley.Error{Code: f.Code, Message: fmt.Sprintf("cannot open %s: %s", path, f.Message)}
	}
	return fmt.Errorf("%s %s: %w", step, path, err)
}

// Check runs SQLite's quick check of the whole file (every page and
// record, not the indexes' agreement with their tables): EStorageCorrupt
// naming the first problems if the file is damaged. Its time grows with
// the file (serve runs it at start-up unless told to skip it).
func (db *DB) Check(ctx context.Context) error {
	rows, err := db.db.QueryContext(ctx, "PRAGMA quick_check(10)")
	if err != nil {
		return startupError(db.path, "check", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return startupError(db.path, "check", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return startupError(db.path, "check", err)
	}
	if len(problems) > 0 {
		f := &parley.Error{Code: parley.EStorageCorrupt, Message: fmt.Sprintf("%s is damaged: SQLite's quick check found: %s: restore it from a backup",
			db.path, strings.Join(problems, "; "))}
		db.corrupt.CompareAndSwap(nil, &parley.Error{Code: parley.EStorageCorrupt, Message: "the database file is damaged: restore it from a backup"})
		return f
	}
	return nil
}

// Ping checks that the database answers and can take writes: nil when it
// is ready, else an error, with an EStorage* code when the storage is at
// fault (read-only, full, damaged).
func (db *DB) Ping(ctx context.Context) error {
	if f := db.corrupt.Load(); f != nil {
		return f
	}
	var n int
	if err := db.db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		if f := db.StorageFault(err); f != nil {
			return f
		}
		return err
	}
	why := db.readOnly
	if why == "" {
		why = notWritable(db.path)
	}
	if why != "" {
		return &parley.Error{Code: parley.EStorageReadOnly, Message: "the database cannot be written (" + why + ")"}
	}
	free, known := freeSpace(filepath.Dir(db.path))
	if known && free < lowSpace {
		return &parley.Error{Code: parley.EStorageFull, Message: fmt.Sprintf("the disk holding the database is full (%d KiB free)", free>>10)}
	}
	if at := db.fullAt.Load(); at != 0 && time.Since(time.Unix(0, at)) < fullFor {
		return &parley.Error{Code: parley.EStorageFull, Message: "a write failed for want of disk space less than 30 s ago"}
	}
	return nil
}

// ReadOnly says why the database was opened read-only; "" if it was not.
func (db *DB) ReadOnly() string { return db.readOnly }
