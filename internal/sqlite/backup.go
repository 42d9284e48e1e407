package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"

	"github.com/parley-graph/parley/internal/parley"
)

// BackupResult describes a finished backup.
type BackupResult struct {
	Pages int   // pages copied
	Bytes int64 // size of the backup file
	Nodes int   // nodes in the backup, counted when checking it
}

// Backup copies the database, as it stands at one moment, to a new file
// at out, while other connections and processes go on reading and
// writing it. It uses SQLite's online backup API in one step: the copy
// is one read transaction on the source, so it is consistent, and in WAL
// mode it holds up no writer. The copy is written beside out, checked
// (SQLite's quick check, the node count) and only then renamed to out,
// so out is either a whole, checked backup or absent. EInvalid if out
// exists already.
func (db *DB) Backup(ctx context.Context, out string) (BackupResult, error) {
	var res BackupResult
	if _, err := os.Lstat(out); err == nil {
		return res, parley.Errorf(parley.EInvalid, "%s exists already: give the backup a new file name", out)
	}
	tmpf, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*.partial")
	if err != nil {
		return res, fmt.Errorf("backup: %w", err)
	}
	tmp := tmpf.Name()
	tmpf.Close()
	defer func() {
		// Gone after the rename; left over only on failure.
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(tmp + suffix)
		}
	}()
	if res.Pages, err = db.copyTo(ctx, tmp); err != nil {
		return res, err
	}
	check, err := Open(ctx, tmp)
	if err != nil {
		return res, fmt.Errorf("backup: the copy does not open: %w", err)
	}
	err = check.Check(ctx)
	if err == nil {
		err = check.queryRow(ctx, "SELECT count(*) FROM nodes").Scan(&res.Nodes)
	}
	if cerr := check.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, fmt.Errorf("backup: the copy does not check: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return res, fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Lstat(out); err == nil {
		return res, parley.Errorf(parley.EInvalid, "%s appeared while the backup ran: the backup is not written", out)
	}
	if err := os.Rename(tmp, out); err != nil {
		return res, fmt.Errorf("backup: %w", err)
	}
	syncFile(filepath.Dir(out))
	st, err := os.Stat(out)
	if err != nil {
		return res, fmt.Errorf("backup: %w", err)
	}
	res.Bytes = st.Size()
	return res, nil
}

// copyTo copies every page of the database into the file at path with
// SQLite's backup API, in one step.
func (db *DB) copyTo(ctx context.Context, path string) (int, error) {
	dst, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("backup: open %s: %w", path, err)
	}
	defer dconn.Close()
	sconn, err := db.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer sconn.Close()
	pages := 0
	err = dconn.Raw(func(d any) error {
		return sconn.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("backup: not SQLite connections")
			}
			b, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			// -1: all pages in one step, so in one read transaction.
			done, err := b.Step(-1)
			pages = b.PageCount()
			if ferr := b.Finish(); err == nil {
				err = ferr
			}
			if err == nil && !done {
				err = errors.New("the copy stopped before the last page")
			}
			return err
		})
	})
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return pages, nil
}

// syncFile flushes a file (or a folder's entries) to the disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
