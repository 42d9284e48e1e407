package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mattn/go-sqlite3"
)

// A bulk import into a new file (ImportNew) builds its full-text index
// beside the rest of the work: the FTS5 index is built in a file of its
// own, by a connection of its own (SQLite runs one statement at a time on
// a connection, and writes one transaction at a time on a file), and its
// tables are copied into the new file at the end. It starts with the load:
// the sources' sentences, the search rows the load writes (a third of the
// rows, and most of the text), are handed to it as they are written
// (sentenceFeed), so that it indexes them on the core the reading leaves
// idle; once the load is over and the other search rows are derived and
// committed, it indexes those, reading them from the new file, while the
// first connection goes on with the edges, the history and the indexes.
// The index is the same as the one built in place (ftsBuild): the same
// rows inserted in the same order, by the same statements, with the same
// settings (TestImportNew compares the tables).

// privateCheckpoint commits what a private import has written so far and
// puts the file in WAL mode, so that another connection can read it while
// this one writes; it returns the transaction that goes on, which is also
// w.tx from then on.
func (db *DB) privateCheckpoint(ctx context.Context, conn *sql.Conn, w *writer) (*sql.Tx, error) {
	for _, s := range w.stmts {
		s.Close()
	}
	w.stmts = nil
	if err := w.tx.Commit(); err != nil {
		return nil, err
	}
	// The exclusive lock is let go at the next access after the locking
	// mode changes: the SELECT.
	for _, q := range []string{"PRAGMA locking_mode = NORMAL", "SELECT count(*) FROM sqlite_master", "PRAGMA journal_mode = WAL",
		"PRAGMA wal_autocheckpoint = 0"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	w.tx = tx
	return tx, nil
}

// ftsTables are the tables FTS5 keeps the index named search in (the
// content is the view search_texts, over search_docs), copied from the
// side file.
var ftsTables = []string{"search_config", "search_data", "search_docsize", "search_idx"}

// ftsBuild is the statements that build the full-text index of a bulk
// import from the search rows in table (search_texts, or m.search_texts
// from beside), the rows up to ?1 (those the load wrote) in one and the
// others in another, in id order; the first two statements are for the
// rows up to ?1, the last two for the others (ftsSide runs them apart).
// FTS5 gathers the terms in memory and writes a segment each time they
// reach its hashsize (1 MiB by default), and merges the segments as they
// pile up: with 16 MiB it writes and merges a sixteenth as often
// (measured: the rebuild of the 100k graph took 0.7-0.8 s of CPU instead
// of 1.0-1.4 s). The setting is stored with the index, so it is put back
// to the default after.
func ftsBuild(table string) []string {
	return []string{
		"INSERT INTO search (search, rank) VALUES ('hashsize', 16777216)",
		"INSERT INTO search (rowid, body, context) SELECT id, body, context FROM " + table + " WHERE id <= ?1 ORDER BY id",
		"INSERT INTO search (rowid, body, context) SELECT id, body, context FROM " + table + " WHERE id > ?1 ORDER BY id",
		"INSERT INTO search (search, rank) VALUES ('hashsize', 1048576)",
	}
}

// ftsArgs is the arguments of a statement of ftsBuild.
func ftsArgs(q string, split int64) []any {
	if strings.Contains(q, "?1") {
		return []any{split}
	}
	return nil
}

// ftsSide builds the index in a file beside the import's.
type ftsSide struct {
	path   string
	create string
	feed   *sentenceFeed
	split  int64
	rest   chan struct{}
	done   chan error
	cancel context.CancelFunc
	err    error
	waited bool
}

// startFTSSide starts building the full-text index (whose definition is
// create) of a private bulk import into the file at mainPath, in a new
// file beside it: the sentences handed to its feed first, then, once
// derived is called, the other search rows, read from the file. The
// caller calls discard once it is done with it, whatever happened.
func startFTSSide(ctx context.Context, mainPath, create string) (*ftsSide, error) {
	f, err := os.CreateTemp(dirOf(mainPath), "."+filepath.Base(mainPath)+".search-*")
	if err != nil {
		return nil, err
	}
	f.Close()
	ctx, cancel := context.WithCancel(ctx)
	s := &ftsSide{path: f.Name(), create: create, feed: newSentenceFeed(ctx), rest: make(chan struct{}),
		done: make(chan error, 1), cancel: cancel}
	go func() {
		trace := newImportTrace()
		defer trace.done()
		s.done <- s.build(ctx, mainPath, trace)
	}()
	return s, nil
}

// derived tells the building that the load wrote the search rows up to
// split (the sentences, all fed), and that the others are committed.
func (s *ftsSide) derived(split int64) {
	s.split = split
	close(s.rest)
}

// wait waits for the index to be built.
func (s *ftsSide) wait() error {
	if !s.waited {
		s.waited = true
		s.err = <-s.done
	}
	return s.err
}

// discard stops the building if it is still going on, and removes the
// file.
func (s *ftsSide) discard() {
	s.cancel()
	s.wait()
	for _, p := range []string{s.path, s.path + "-journal", s.path + "-wal", s.path + "-shm"} {
		os.Remove(p)
	}
}

func dirOf(path string) string {
	if d := filepath.Dir(path); d != "" {
		return d
	}
	return "."
}

// sentenceFeed hands the sentences the load writes, in the order it
// writes them (the order of their ids), to the connection that indexes
// them, which takes them one by one through the SQL function
// parley_sentence (NULL once the load is over). It holds what the index
// has not taken yet: most sentences are pieces of their source's text,
// which the import holds anyway.
type sentenceFeed struct {
	mu      sync.Mutex
	more    *sync.Cond
	queue   []string
	next    int
	closed  bool
	stopped bool
	// taken counts the sentences taken.
	taken int64
}

func newSentenceFeed(ctx context.Context) *sentenceFeed {
	f := &sentenceFeed{}
	f.more = sync.NewCond(&f.mu)
	context.AfterFunc(ctx, func() {
		f.mu.Lock()
		f.stopped = true
		f.mu.Unlock()
		f.more.Broadcast()
	})
	return f
}

// add hands on a sentence.
func (f *sentenceFeed) add(s string) {
	f.mu.Lock()
	f.queue = append(f.queue, s)
	f.mu.Unlock()
	f.more.Signal()
}

// close says that the load is over.
func (f *sentenceFeed) close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.more.Broadcast()
}

// take returns the next sentence, waiting for it, or nil once the load is
// over (or the import stopped: the statement then fails on its context).
func (f *sentenceFeed) take() any {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.next == len(f.queue) && !f.closed && !f.stopped {
		f.more.Wait()
	}
	if f.next == len(f.queue) || f.stopped {
		return nil
	}
	s := f.queue[f.next]
	f.queue[f.next] = ""
	if f.next++; f.next == len(f.queue) {
		f.queue, f.next = f.queue[:0], 0
	}
	f.taken++
	return s
}

// feedSentences is the statement that indexes the sentences fed, the k-th
// as the row k: the first statement of ftsBuild, on the rows as the load
// writes them (search_docs is empty when it starts: its ids count from 1).
const feedSentences = `WITH RECURSIVE fed (id, body) AS (
		SELECT 1, parley_sentence() UNION ALL SELECT id + 1, parley_sentence() FROM fed WHERE body IS NOT NULL)
	INSERT INTO search (rowid, body, context) SELECT id, body, '' FROM fed WHERE body IS NOT NULL`

func (s *ftsSide) build(ctx context.Context, mainPath string, trace *importTrace) (err error) {
	q := url.Values{}
	q.Set("_journal_mode", "OFF")
	q.Set("_synchronous", "OFF")
	// Not an exclusive lock: the connection's locking mode would hold
	// for the import's file too, once attached.
	q.Set("_busy_timeout", "10000")
	q.Set("_cache_size", strconv.Itoa(-32<<10))
	sqldb, err := sql.Open("sqlite3", "file:"+s.path+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer func() {
		if cerr := sqldb.Close(); err == nil {
			err = cerr
		}
	}()
	sqldb.SetMaxOpenConns(1)
	conn, err := sqldb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.Raw(func(dc any) error {
		return dc.(*sqlite3.SQLiteConn).RegisterFunc("parley_sentence", s.feed.take, false)
	}); err != nil {
		return err
	}
	// The side file has the pages of the new file (newFilePageSize):
	// with 8 KiB rather than SQLite's 4 KiB, copying its tables in took
	// 0.65-0.68 s of the main connection's CPU at 1M instead of 0.93-1.17.
	if _, err := conn.ExecContext(ctx, "PRAGMA page_size = "+strconv.Itoa(newFilePageSize)); err != nil {
		return err
	}
	build := ftsBuild("m.search_texts")
	// The sentences, as the load writes them.
	if err := s.run(ctx, conn, s.create, build[0], feedSentences); err != nil {
		return err
	}
	trace.step("full-text index: sentences (beside)")
	select {
	case <-s.rest:
	case <-ctx.Done():
		return ctx.Err()
	}
	if s.feed.taken != s.split {
		return fmt.Errorf("full-text index: %d sentences fed, but the load wrote %d search rows", s.feed.taken, s.split)
	}
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS m", mainPath); err != nil {
		return err
	}
	// The foreign keys of the rows the load wrote, as ImportFrom checks
	// them after a bulk load in place (the rows derived after the load
	// are left out there too).
	if err := foreignKeyCheck(ctx, conn, "m", bulkDerived...); err != nil {
		return err
	}
	trace.step("foreign keys (beside)")
	// Then the other search rows.
	if err := s.run(ctx, conn, build[2:]...); err != nil {
		return err
	}
	trace.step("full-text index: the rest (beside)")
	_, err = conn.ExecContext(ctx, "DETACH DATABASE m")
	return err
}

// run runs statements of ftsBuild in a transaction of their own.
func (s *ftsSide) run(ctx context.Context, conn *sql.Conn, qs ...string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q, ftsArgs(q, s.split)...); err != nil {
			return fmt.Errorf("full-text index: %.40s: %w", q, err)
		}
	}
	if err := faultAt("full-text index"); err != nil {
		return err
	}
	return tx.Commit()
}

// copyIn waits for the index and copies its tables into the database of
// conn, in place of the empty index there, in a transaction of its own;
// then it puts the file back in rollback-journal mode, which writes what
// the log holds into it.
func (s *ftsSide) copyIn(ctx context.Context, conn *sql.Conn, trace *importTrace) (err error) {
	if err := s.wait(); err != nil {
		return err
	}
	trace.step("full-text index waited for")
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS fts", s.path); err != nil {
		return err
	}
	defer func() {
		if _, derr := conn.ExecContext(context.WithoutCancel(ctx), "DETACH DATABASE fts"); err == nil {
			err = derr
		}
	}()
	var have []string
	rows, err := conn.QueryContext(ctx, "SELECT name FROM fts.sqlite_master WHERE type = 'table' AND name LIKE 'search%' ORDER BY name")
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		have = append(have, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if want := append([]string{"search"}, ftsTables...); !slices.Equal(have, want) {
		return fmt.Errorf("the full-text index built beside has the tables %v, not %v", have, want)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range ftsTables {
		for _, q := range []string{"DELETE FROM main." + t, "INSERT INTO main." + t + " SELECT * FROM fts." + t} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("full-text index: %s: %w", q, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	trace.step("full-text index copied")
	if _, err := conn.ExecContext(ctx, "PRAGMA journal_mode = DELETE"); err != nil {
		return err
	}
	return nil
}
