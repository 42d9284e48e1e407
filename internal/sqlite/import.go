package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// txLookup answers parley.Lookup from inside a transaction. The interface
// has no room for errors, so the first one is kept and checked after.
type txLookup struct {
	ctx context.Context
	tx  *sql.Tx
	err error
	// known holds the answers for ids looked up in advance: the type, or
	// "" for an id the store does not have.
	known map[string]parley.NodeType
}

// preload looks up many ids at once (a statement per thousand), so that
// validating a large import does not ask the store once per node.
func (l *txLookup) preload(ids []string) error {
	if l.known == nil {
		l.known = make(map[string]parley.NodeType, len(ids))
	}
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		b, err := json.Marshal(chunk)
		if err != nil {
			return err
		}
		for _, id := range chunk {
			l.known[id] = ""
		}
		rows, err := l.tx.QueryContext(l.ctx, "SELECT id, type FROM nodes WHERE id IN (SELECT value FROM json_each(?))", string(b))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, t string
			if err := rows.Scan(&id, &t); err != nil {
				rows.Close()
				return err
			}
			l.known[id] = parley.NodeType(t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (l *txLookup) NodeType(id string) (parley.NodeType, bool) {
	if t, ok := l.known[id]; ok {
		return t, t != ""
	}
	if l.known == nil {
		l.known = map[string]parley.NodeType{}
	}
	var t string
	err := l.tx.QueryRowContext(l.ctx, "SELECT type FROM nodes WHERE id = ?", id).Scan(&t)
	if err != nil {
		if !errors.Is(err, sql.ErrNoRows) && l.err == nil {
			l.err = err
		}
		if errors.Is(err, sql.ErrNoRows) {
			l.known[id] = ""
		}
		return "", false
	}
	l.known[id] = parley.NodeType(t)
	return parley.NodeType(t), true
}

func (l *txLookup) SourceText(id string) (string, bool) {
	var s string
	err := l.tx.QueryRowContext(l.ctx, "SELECT text FROM sources WHERE id = ?", id).Scan(&s)
	if err != nil {
		if !errors.Is(err, sql.ErrNoRows) && l.err == nil {
			l.err = err
		}
		return "", false
	}
	return s, true
}

// Import implements parley.Store.
func (db *DB) Import(ctx context.Context, files []*parley.Dataset) (*parley.ImportResult, error) {
	return db.ImportFrom(ctx, func(yield func(parley.Item) error) ([]parley.Problem, error) {
		for _, ds := range files {
			if err := yield(parley.Item{File: ds.Name, Path: "defaultSource", Node: ds.DefaultSource}); err != nil {
				return nil, err
			}
			var err error
			ds.Each(func(it parley.Item) {
				if err == nil {
					err = yield(it)
				}
			})
			if err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
}

// ImportNew imports into a database file that is not there yet, building
// it under a temporary name in the same folder and renaming it into place
// once the import has committed, so that a failed import leaves no file
// behind. Nothing else can see the file while it is built, so it is
// written without the write-ahead log (every page once, not once to the
// log and again to the file), without a sync at each commit (the file is
// synced once, before the rename), under an exclusive lock, and with a
// larger page cache. The file then opens as any other (Open puts it in
// WAL mode). If the file appears meanwhile, the import fails with
// EConflict and leaves it alone.
func ImportNew(ctx context.Context, path string, now func() time.Time,
	read func(yield func(parley.Item) error) ([]parley.Problem, error)) (*parley.ImportResult, error) {
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return nil, &parley.Error{Code: parley.EConflict, Message: fmt.Sprintf("import: %s is there already", path)}
	}
	if _, err := inspect(path); err != nil {
		return nil, err // as Open says it: no such folder, not writable
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".import-*")
	if err != nil {
		return nil, fmt.Errorf("import: cannot create the database %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	renamed := false
	defer func() {
		if !renamed {
			for _, p := range []string{tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"} {
				os.Remove(p)
			}
		}
	}()
	// The schema, as Open makes it (in a file of newFilePageSize pages);
	// then the handle is swapped for one with the settings of a private
	// build.
	db, err := Open(ctx, tmp)
	if err != nil {
		return nil, err
	}
	if now != nil {
		db.Now = now
	}
	db.db.Close()
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	// The rollback journal holds only the pages the file had before the
	// import (its empty schema): in memory, rolling back still works.
	q.Set("_journal_mode", "MEMORY")
	q.Set("_synchronous", "OFF")
	q.Set("_locking_mode", "EXCLUSIVE")
	q.Set("_cache_size", strconv.Itoa(-newFileCacheKiB))
	// The CHECK constraints are not evaluated while the file is built:
	// every row comes from a node the import has checked (each value a
	// CHECK limits is one the checks of parley.Checker limit too, and the
	// rest are the writer's own constants), and each node's record is
	// made by encoding/json. At 300k assertions, json_valid on every
	// record and the other CHECKs were 2.5 s of the load's 14 s of CPU.
	// The setting is the connection's: the schema keeps its constraints,
	// and every later write to the file is checked by them.
	// TestImportNew runs PRAGMA integrity_check, which checks every
	// CHECK constraint, on such a file.
	q.Set("_ignore_check_constraints", "1")
	sqldb, err := sql.Open("sqlite3", "file:"+tmp+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	sqldb.SetMaxOpenConns(1)
	db.db = sqldb
	// Nothing else uses the file: a bulk import may commit along the way
	// and build its full-text index in a file beside it (ftsSide).
	db.private = true
	res, err := db.ImportFrom(ctx, read)
	if cerr := sqldb.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("import: %w", cerr)
	}
	if err != nil {
		return nil, err
	}
	if err := syncFile(tmp); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	// A hard link does not replace a file that appeared meanwhile, as a
	// rename would.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, &parley.Error{Code: parley.EConflict, Message: fmt.Sprintf("import: %s appeared while importing; it is left as it was", path)}
		}
		return nil, fmt.Errorf("import: %w", err)
	}
	renamed = true
	os.Remove(tmp)
	if err := syncFile(dir); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return res, nil
}

// newFileCacheKiB is the page cache of an import into a new file, in KiB.
const newFileCacheKiB = 128 << 10

// importBatch is how many nodes an import reads, checks and writes at a
// time; it is also the size from which an import into an empty database
// builds its indexes after the rows.
const importBatch = bulkThreshold

// ImportFrom is Import for files read as they go, so that a large file is
// never held whole: read calls yield with every item of every file, in
// order (as dataset.File.Scan gives them), and returns the problems it
// found that did not stop it (reported with those of validation), or an
// error that did. Nodes are checked and written a batch at a time, all in
// one transaction: when there is any problem, nothing is written.
func (db *DB) ImportFrom(ctx context.Context, read func(yield func(parley.Item) error) ([]parley.Problem, error)) (*parley.ImportResult, error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer conn.Close()
	// Into an empty database, the rows are written with foreign keys off
	// (validation has checked every reference, and no row is replaced, so
	// nothing cascades), and every foreign key is checked once at the end,
	// before the commit: a lookup per reference in one pass instead of one
	// inside every INSERT. The pragma is a no-op inside a transaction, so
	// it goes first, and the connection gets its setting back before it
	// returns to the pool.
	var emptyBefore bool
	if err := conn.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM nodes)").Scan(&emptyBefore); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if emptyBefore {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer tx.Rollback()
	var empty bool
	if err := tx.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM nodes)").Scan(&empty); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if emptyBefore && !empty {
		// Another writer came first: start again with foreign keys on.
		tx.Rollback()
		conn.ExecContext(ctx, "PRAGMA foreign_keys = ON")
		conn.Close()
		return db.ImportFrom(ctx, read)
	}
	lookup := &txLookup{ctx: ctx, tx: tx}
	var existing parley.Lookup
	if !empty {
		existing = lookup
	}
	checker := parley.NewChecker(existing)
	w := &writer{ctx: ctx, tx: tx, now: db.Now().UTC().Format(time.RFC3339), res: &parley.ImportResult{}, gather: true,
		trace: newImportTrace()}
	// A bulk import into a private file commits along the way (bulkStart):
	// w.tx is then the transaction of the moment, and the full-text index
	// may be under way in a file beside it.
	defer func() {
		w.tx.Rollback()
		if w.side != nil {
			w.side.discard()
		}
		w.trace.done()
	}()
	author := parley.AuthorFrom(ctx)
	// An import's history names what it created or replaced, with the
	// record it replaced; the new record is the node itself, so it is not
	// copied (a bulk import would store everything twice).
	w.onChange = func(id string, t parley.NodeType, before, after string, version int) error {
		return w.exec("INSERT INTO changes (node_id, node_type, op, author, at, before, after, version) VALUES (?, ?, 'IMPORT', ?, ?, ?, NULL, ?)",
			id, string(t), author, w.now, null(before), version)
	}
	// check checks a batch and returns the nodes ready to write: none once
	// there is a problem, as nothing will be written then.
	check := func(batch []parley.Item) ([]record, error) {
		if existing != nil {
			ids := make([]string, 0, len(batch))
			for _, it := range batch {
				if _, id := parley.Describe(it.Node); id != "" {
					ids = append(ids, id)
				}
			}
			if err := lookup.preload(ids); err != nil {
				return nil, err
			}
		}
		for _, it := range batch {
			checker.Declare(it)
		}
		var nodes []record
		for _, it := range batch {
			if checker.Check(it) && !checker.HasProblems() && it.Path != "defaultSource" {
				r, err := newRecord(it.Node)
				if err != nil {
					return nil, err
				}
				nodes = append(nodes, r)
			}
		}
		return nodes, lookup.err
	}
	finish := func() error { return nil }
	started := false
	// write writes checked nodes; the first batch, if full, makes a bulk
	// import of an import into an empty database.
	write := func(nodes []record, full bool) error {
		if !started {
			started = true
			if empty && full {
				var err error
				if finish, err = db.bulkStart(ctx, conn, tx, w, author); err != nil {
					return err
				}
			}
		}
		for _, r := range nodes {
			if err := w.record(r); err != nil {
				return err
			}
		}
		return nil
	}
	var readProblems []parley.Problem
	if empty {
		// Nothing to look up in the store: reading and checking go on
		// beside the writing, a batch ahead.
		readProblems, err = pipeline(check, write, checker, read, w.trace)
	} else {
		readProblems, err = inTurn(check, write, checker, read)
	}
	if err != nil {
		return nil, domainError(err, "import")
	}
	if lookup.err != nil {
		return nil, fmt.Errorf("import: %w", lookup.err)
	}
	if problems := append(readProblems, checker.Problems()...); len(problems) > 0 {
		return nil, InvalidError(problems)
	}
	if err := w.flush(); err != nil {
		return nil, domainError(err, "import")
	}
	w.trace.step("load")
	if w.bulk {
		// What the reading and checking held (the ids seen, the entries'
		// places) is garbage now; given back to the system before SQLite
		// builds the indexes with its page cache full, the peak memory of
		// a 1M import is that of the load (0.67 GB) rather than the load's
		// heap plus the cache (0.79 GB).
		debug.FreeOSMemory()
	}
	w.trace.step("free")
	if err := finish(); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if emptyBefore {
		// After a bulk load, the search rows and the edges are derived in
		// SQL from rows whose own references are checked here (the search
		// rows from the typed rows, the evidence and the sources; the
		// edges from the typed rows' references and ids): they refer to
		// nothing those rows do not, and are not checked again: they are
		// half the check's work (at 300k assertions, 1.2 s of CPU became
		// 0.6 s; 1M has 3.3M search rows, and 0.65M edges of three
		// references each).
		// Beside a private bulk import, the connection that builds the
		// full-text index checks them (ftsSide.build), on the rows the
		// load committed.
		if w.side == nil {
			var derived []string
			if w.bulk {
				derived = bulkDerived
			}
			if err := foreignKeyCheck(ctx, w.tx, "main", derived...); err != nil {
				return nil, fmt.Errorf("import: %w", err)
			}
			w.trace.step("foreign keys")
		}
	}
	if err := w.tx.Commit(); err != nil {
		return nil, domainError(err, "import")
	}
	w.trace.step("commit")
	if w.afterCommit != nil {
		if err := w.afterCommit(); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		w.trace.step("back to a rollback journal")
	}
	return w.res, nil
}

// bulkDerived is the tables a bulk import derives after the load from
// rows whose references are checked (see ImportFrom).
var bulkDerived = []string{"search_docs", "edges"}

// querier is a transaction or a connection.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// foreignKeyCheck fails if any reference points nowhere, in every table
// of the database schema ("main", or the name it is attached by) but
// those named in skip.
func foreignKeyCheck(ctx context.Context, tx querier, schema string, skip ...string) error {
	if len(skip) == 0 {
		return foreignKeyCheckOf(ctx, tx, "PRAGMA "+quoteIdent(schema)+".foreign_key_check")
	}
	var tables []string
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_list WHERE schema = ? AND type = 'table' ORDER BY name", schema)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		if !slices.Contains(skip, name) {
			tables = append(tables, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		if err := foreignKeyCheckOf(ctx, tx, "PRAGMA "+quoteIdent(schema)+".foreign_key_check("+quoteIdent(t)+")"); err != nil {
			return err
		}
	}
	return nil
}

func foreignKeyCheckOf(ctx context.Context, tx querier, pragma string) error {
	rows, err := tx.QueryContext(ctx, pragma)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return err
		}
		return fmt.Errorf("a row of %s refers to a row of %s that is not there", table, parent)
	}
	return rows.Err()
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// A batch of checked nodes to write; full if the batch read was full.
type checkedBatch struct {
	nodes []record
	full  bool
}

// readBatches reads the items a batch at a time, checks each batch and
// hands on what is ready to write; then what waited for the end.
func readBatches(check func([]parley.Item) ([]record, error), checker *parley.Checker,
	read func(yield func(parley.Item) error) ([]parley.Problem, error), out func(checkedBatch) error) ([]parley.Problem, error) {
	batch := make([]parley.Item, 0, importBatch)
	flush := func() error {
		nodes, err := check(batch)
		if err != nil {
			return err
		}
		full := len(batch) == importBatch
		clear(batch)
		batch = batch[:0]
		return out(checkedBatch{nodes, full})
	}
	problems, err := read(func(it parley.Item) error {
		batch = append(batch, it)
		if len(batch) == importBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, err
	}
	var nodes []record
	for _, it := range checker.Finish() {
		if !checker.HasProblems() {
			r, err := newRecord(it.Node)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, r)
		}
	}
	return problems, out(checkedBatch{nodes, false})
}

// inTurn reads, checks and writes each batch in turn.
func inTurn(check func([]parley.Item) ([]record, error), write func([]record, bool) error, checker *parley.Checker,
	read func(yield func(parley.Item) error) ([]parley.Problem, error)) ([]parley.Problem, error) {
	return readBatches(check, checker, read, func(b checkedBatch) error { return write(b.nodes, b.full) })
}

// pipeline reads and checks batches in a goroutine of its own while this
// one writes them, so that an import into an empty database keeps two
// cores busy. A failed write stops the reading.
func pipeline(check func([]parley.Item) ([]record, error), write func([]record, bool) error, checker *parley.Checker,
	read func(yield func(parley.Item) error) ([]parley.Problem, error), trace *importTrace) ([]parley.Problem, error) {
	batches := make(chan checkedBatch, 1)
	stop := make(chan struct{})
	var problems []parley.Problem
	var readErr error
	// With a trace, how long each side waited for the other: the one that
	// waits less is the one that bounds the load.
	var readerWaited, writerWaited time.Duration
	go func() {
		defer close(batches)
		problems, readErr = readBatches(check, checker, read, func(b checkedBatch) error {
			var t time.Time
			if trace.on {
				t = time.Now()
				defer func() { readerWaited += time.Since(t) }()
			}
			select {
			case batches <- b:
				return nil
			case <-stop:
				return errStopped
			}
		})
	}()
	var writeErr error
	for {
		var t time.Time
		if trace.on {
			t = time.Now()
		}
		b, ok := <-batches
		if trace.on {
			writerWaited += time.Since(t)
		}
		if !ok {
			break
		}
		if writeErr == nil {
			if writeErr = write(b.nodes, b.full); writeErr != nil {
				close(stop)
			}
		}
	}
	trace.note(fmt.Sprintf("load: the reader waited %.2fs for the writer, the writer %.2fs for the reader",
		readerWaited.Seconds(), writerWaited.Seconds()))
	if writeErr != nil {
		return nil, writeErr
	}
	return problems, readErr
}

var errStopped = errors.New("import stopped")

// searchBackfill is the statements of the migrations that fill the search
// rows from what is stored (each after the line "-- What is stored
// already."), one for each kind of text, in the order of the migrations.
var searchBackfill = func() []string {
	ms, err := loadMigrations()
	if err != nil {
		panic(err)
	}
	var out []string
	for _, m := range ms {
		_, fill, ok := strings.Cut(m.SQL, "-- What is stored already.")
		if !ok {
			continue
		}
		for _, q := range strings.Split(fill, ";") {
			if q = strings.TrimSpace(q); q != "" {
				out = append(out, q)
			}
		}
	}
	if len(out) == 0 {
		panic("the search migration lost its backfill")
	}
	return out
}()

// The search rows of a bulk import are made by the migrations' statements
// (searchBackfill), but for two: a statement's rows (its words, and the
// quotes of its evidence) carry its speaker's names as their context,
// which the migrations set by an UPDATE of every such row afterwards
// (speakerContext); a bulk import writes them with their context instead
// (at 1M assertions the UPDATE took 2.7 s of CPU), each speaker's names
// gathered once, in the order of the index the UPDATE reads them by
// (actor_id, name). The rows come in the order the migrations' statements
// give them (ORDER BY the scanned table's rowid, as their plans scan), so
// that they get the same ids. TestImportPathsAgree compares the rows with
// those of an import that writes them one by one.
const (
	bulkNames = `WITH names AS MATERIALIZED (
	SELECT actor_id, group_concat(name, ' ' ORDER BY name) AS names FROM actor_names GROUP BY actor_id) `
	bulkStatementWords = bulkNames + `INSERT INTO search_docs (node_id, node_type, field, body, context)
	SELECT s.id, 'Statement', 'words', s.words, coalesce(n.names, '') FROM statements s LEFT JOIN names n ON n.actor_id = s.speaker_id
	ORDER BY s.rowid`
	bulkEvidence = bulkNames + `INSERT INTO search_docs (node_id, node_type, field, body, context, text_id)
	SELECT e.node_id, n.type, 'evidence', e.quote, CASE WHEN n.type = 'Statement' THEN coalesce((
		SELECT names.names FROM statements s JOIN names ON names.actor_id = s.speaker_id WHERE s.id = e.node_id), '') ELSE '' END,
		CASE WHEN n.type <> 'Statement' THEN (` + bulkQuotedSentence + `) END
	FROM evidence e JOIN nodes n ON n.id = e.node_id ORDER BY e.rowid`
	// bulkQuotedSentence is quotedSentence for the quote of the evidence
	// row e, which is about to be written: a bulk import sets each quote's
	// reference to its sentence as it writes the row, rather than by
	// searchQuotes over every row after (an UPDATE that rewrote half a
	// million rows at 1M assertions). The sentences are there already:
	// they are written with their sources, during the load.
	bulkQuotedSentence = `SELECT s.id FROM evidence q JOIN search_docs s
		ON s.node_id = q.source_id AND s.start_pos = q.start_pos AND s.end_pos = q.end_pos
	WHERE q.node_id = e.node_id AND q.quote = e.quote
		AND s.field = 'sentence' AND s.body = e.quote AND s.text_id IS NULL
	ORDER BY s.id LIMIT 1`
)

// bulkSearchRows is the statements that make the search rows of a bulk
// import: searchBackfill, with the two above in place of the migrations'
// (the evidence's with each quote's reference to its sentence) and no
// UPDATE of the context.
var bulkSearchRows = func() []string {
	replace := map[string]string{}
	replace["INSERT INTO search_docs (node_id, node_type, field, body)\n    SELECT id, 'Statement', 'words', words FROM statements"] = bulkStatementWords
	replace["INSERT INTO search_docs (node_id, node_type, field, body)\n    SELECT e.node_id, n.type, 'evidence', e.quote FROM evidence e JOIN nodes n ON n.id = e.node_id"] = bulkEvidence
	var out []string
	updates := 0
	for _, q := range searchBackfill {
		if r, ok := replace[q]; ok {
			delete(replace, q)
			q = r
		}
		if strings.Contains(q, "UPDATE search_docs SET context") {
			updates++
			continue
		}
		out = append(out, q)
	}
	if len(replace) > 0 || updates != 1 {
		panic("the search migrations' statements are not those bulkSearchRows replaces")
	}
	return out
}()

// bulkEdges derives the edges table from the typed rows after a bulk
// load (sqlcommon.EdgeRows).
const bulkEdges = "INSERT OR IGNORE INTO edges (src, dst, kind, via) " + sqlcommon.EdgeRows

// bulkThreshold is the size of an import into an empty database from which
// indexes are built after the rows rather than row by row.
const bulkThreshold = 5000

// bulkStart prepares a large import into an empty database (the caller
// checks both): it drops the
// secondary indexes and the search trigger inside the transaction, and
// returns the function that builds them again over all the rows at once
// (sorting once beats updating a B-tree a million times). A failed import
// rolls all of it back. Other imports return a no-op.
func (db *DB) bulkStart(ctx context.Context, conn *sql.Conn, tx *sql.Tx, w *writer, author string) (func() error, error) {
	rows, err := tx.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE sql IS NOT NULL AND ((type = 'index' AND sql NOT LIKE '%UNIQUE%') OR (type = 'trigger' AND name = 'search_docs_insert'))`)
	if err != nil {
		return nil, err
	}
	type object struct{ kind, name, sql string }
	var objs []object
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.sql); err != nil {
			rows.Close()
			return nil, err
		}
		objs = append(objs, o)
	}
	rows.Close()
	for _, o := range objs {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("DROP %s %s", strings.ToUpper(o.kind), o.name)); err != nil {
			return nil, err
		}
	}
	w.bulk = true
	var side *ftsSide
	if db.private {
		// The full-text index is built beside, from the load on (see
		// import_fts.go): the sentences as they are written.
		var create string
		if err := tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search'").Scan(&create); err != nil {
			return nil, fmt.Errorf("the full-text index's definition: %w", err)
		}
		var err error
		if side, err = startFTSSide(ctx, db.path, create); err != nil {
			return nil, err
		}
		w.side = side
		w.afterCommit = func() error { return side.copyIn(ctx, conn, w.trace) }
	}
	return func() error {
		// The search rows the load wrote (the sources' sentences: the
		// other rows are derived below) end at split. The full-text index
		// takes them first, then the rows derived, in two statements
		// (FTS5 writes what it gathered at the end of each), so that the
		// index built beside and the one built in place are the same.
		if side != nil {
			side.feed.close()
		}
		var split int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM search_docs").Scan(&split); err != nil {
			return fmt.Errorf("search rows: %w", err)
		}
		// The search rows, as the migration that made the index fills it
		// from what is stored; then the history, a row per node.
		for _, q := range bulkSearchRows {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("search rows: %w", err)
			}
		}
		w.trace.step("search rows")
		if err := faultAt("search rows"); err != nil {
			return err
		}
		if side != nil {
			// The other search rows are committed, and the file goes to
			// WAL mode, so that the connection beside indexes them while
			// this one goes on with the edges, the history and the
			// indexes: they are the two halves of the work after the load,
			// and each keeps a core busy.
			if importTamper != nil {
				if err := importTamper(ctx, tx); err != nil {
					return err
				}
			}
			var err error
			if tx, err = db.privateCheckpoint(ctx, conn, w); err != nil {
				return err
			}
			side.derived(split)
		}
		if _, err := tx.ExecContext(ctx, bulkEdges); err != nil {
			return fmt.Errorf("edges: %w", err)
		}
		w.trace.step("edges")
		if err := faultAt("edges"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO changes (node_id, node_type, op, author, at, version) SELECT id, type, 'IMPORT', ?, ?, version FROM nodes ORDER BY id",
			author, w.now); err != nil {
			return err
		}
		w.trace.step("changes")
		for _, o := range objs {
			if _, err := tx.ExecContext(ctx, o.sql); err != nil {
				return err
			}
			w.trace.step("index " + o.name)
		}
		if side != nil {
			return nil
		}
		// The full-text index, built over every row at once (ftsBuild).
		for _, q := range ftsBuild("search_texts") {
			if _, err := tx.ExecContext(ctx, q, ftsArgs(q, split)...); err != nil {
				return err
			}
		}
		w.trace.step("full-text index")
		return nil
	}, nil
}

// InvalidError wraps validation problems as one domain error. Its code is
// the code of the first problem, so that a lone dangling reference reads
// NOT_FOUND and a lone duplicate CONFLICT.
func InvalidError(problems []parley.Problem) *parley.Error {
	msg := "1 problem"
	if len(problems) != 1 {
		msg = fmt.Sprintf("%d problems", len(problems))
	}
	return &parley.Error{Code: problems[0].Code, Message: msg, Problems: problems}
}

type writer struct {
	ctx context.Context
	tx  *sql.Tx
	now string
	res *parley.ImportResult
	// onChange, if set, is told of each node created or replaced, with its
	// record before (empty if new) and after, and its new version.
	onChange func(id string, t parley.NodeType, before, after string, version int) error
	// stmts caches prepared statements: a bulk import runs the same few
	// statements a million times.
	stmts map[string]*sql.Stmt
	// bulk is set for a large import into an empty database: every node
	// is new, and the search rows and history are written at the end, in a
	// statement each.
	bulk bool
	// batchers gathers the rows of a bulk import by statement (nil for a
	// statement that cannot be gathered), in order; rows counts them.
	batchers map[string]*batcher
	order    []*batcher
	rows     int
	// gather is set for an import: its rows are gathered and written many
	// to a statement (see exec). curType is the type of the node being
	// written.
	gather  bool
	curType parley.NodeType
	// rec, if set, is the record of the node being written, made
	// beforehand (see record).
	rec *record
	// trace reports each step's time if asked to (PARLEY_IMPORT_TRACE).
	trace *importTrace
	// afterCommit, if set, is run by ImportFrom once the import has
	// committed (see bulkStart); side is the full-text index built beside.
	afterCommit func() error
	side        *ftsSide
}

// A record is a node with its stored form: its JSON and the hash of that.
// An import makes them as it reads and checks, beside the writing (see
// pipeline), so that the goroutine that writes only writes.
type record struct {
	node any
	data string
	hash string
}

func newRecord(x any) (record, error) {
	bp := recordBufs.Get().(*[]byte)
	defer recordBufs.Put(bp)
	// The bytes of json.Marshal, written without reflection.
	data, err := parley.AppendRecord((*bp)[:0], x)
	if err != nil {
		return record{}, err
	}
	*bp = data
	sum := sha256.Sum256(data)
	return record{x, string(data), hex.EncodeToString(sum[:])}, nil
}

// recordBufs holds the buffers newRecord writes records in.
var recordBufs = sync.Pool{New: func() any { return new([]byte) }}

// record writes a node whose record is made.
func (w *writer) record(r record) error {
	w.rec = &r
	defer func() { w.rec = nil }()
	return w.node(r.node)
}

func (w *writer) stmt(query string) (*sql.Stmt, error) {
	if s, ok := w.stmts[query]; ok {
		return s, nil
	}
	if w.stmts == nil {
		w.stmts = map[string]*sql.Stmt{}
	}
	s, err := w.tx.PrepareContext(w.ctx, query)
	if err != nil {
		return nil, err
	}
	w.stmts[query] = s
	return s, nil
}

func (w *writer) exec(query string, args ...any) error {
	if w.gather {
		if b := w.batch(query); b != nil {
			b.args = append(b.args, args...)
			if w.rows++; w.rows >= batchRows {
				return w.flush()
			}
			return nil
		}
		if err := w.flush(); err != nil {
			return err
		}
	}
	s, err := w.stmt(query)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(w.ctx, args...)
	return err
}

// An import gathers the rows of each INSERT and writes them many to a
// statement (a statement has a fixed cost of its own, and a million of
// them add up). batchRows is how many rows are gathered, over all tables,
// before they are written; rowsPerInsert how many go in one statement.
const (
	batchRows     = 4096
	rowsPerInsert = 64
)

// batcher gathers the rows of one INSERT … VALUES (?, …).
type batcher struct {
	head  string // INSERT … VALUES
	tuple string // (?, …)
	width int    // values per row
	args  []any
}

// batch returns the batcher of query, or nil if query is not a plain
// INSERT … VALUES of one row.
func (w *writer) batch(query string) *batcher {
	if b, ok := w.batchers[query]; ok {
		return b
	}
	if w.batchers == nil {
		w.batchers = map[string]*batcher{}
	}
	head, tuple, ok := strings.Cut(query, "VALUES")
	tuple = strings.TrimSpace(tuple)
	if !ok || !strings.HasPrefix(head, "INSERT") || strings.Contains(tuple, ")") != strings.HasSuffix(tuple, ")") ||
		strings.Count(tuple, "(") != 1 || !strings.HasPrefix(tuple, "(") {
		w.batchers[query] = nil
		return nil
	}
	b := &batcher{head: head + "VALUES ", tuple: tuple, width: strings.Count(tuple, "?")}
	w.batchers[query] = b
	// Rows are written in the order the tables were first written to, so
	// that a row is written after the row it refers to (a node's typed row
	// after the node).
	w.order = append(w.order, b)
	return b
}

// flush writes every row gathered.
func (w *writer) flush() error {
	for _, b := range w.order {
		for rest := b.args; len(rest) > 0; {
			n := min(len(rest)/b.width, rowsPerInsert)
			query := b.head + strings.TrimSuffix(strings.Repeat(b.tuple+", ", n), ", ")
			s, err := w.stmt(query)
			if err != nil {
				return err
			}
			if _, err := s.ExecContext(w.ctx, rest[:n*b.width]...); err != nil {
				return err
			}
			rest = rest[n*b.width:]
		}
		clear(b.args)
		b.args = b.args[:0]
	}
	w.rows = 0
	return nil
}

// index adds a searchable text of a node.
func (w *writer) index(id string, t parley.NodeType, field, body string) error {
	if body == "" || w.bulk {
		return nil
	}
	return w.exec("INSERT INTO search_docs (node_id, node_type, field, body) VALUES (?, ?, ?, ?)", id, string(t), field, body)
}

// null turns "" into SQL NULL.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// put stores a node's record, replacing an older one with other content
// (and one version up). It reports whether the typed rows need writing
// (false when the node is stored unchanged).
func (w *writer) put(id string, t parley.NodeType, v any) (bool, error) {
	w.curType = t
	var r record
	if w.rec != nil && w.rec.node == v {
		r = *w.rec
	} else {
		var err error
		if r, err = newRecord(v); err != nil {
			return false, err
		}
	}
	data, hash := r.data, r.hash
	var old, before string
	if w.bulk {
		// Into an empty database, validated free of duplicates: all new.
		w.res.Created++
		return true, w.exec("INSERT INTO nodes (id, type, data, hash, recorded_at) VALUES (?, ?, ?, ?, ?)",
			id, string(t), data, hash, w.now)
	}
	q, err := w.stmt("SELECT hash, data, version FROM nodes WHERE id = ?")
	if err != nil {
		return false, err
	}
	version := 1
	err = q.QueryRowContext(w.ctx, id).Scan(&old, &before, &version)
	switch {
	case err == nil && old == hash:
		w.res.Unchanged++
		return false, nil
	case err == nil:
		// Owned rows go by cascade; references to the node from others are
		// deferred and hold again once it is inserted anew.
		if err := w.exec("DELETE FROM nodes WHERE id = ?", id); err != nil {
			return false, err
		}
		w.res.Updated++
		version++
	case errors.Is(err, sql.ErrNoRows):
		w.res.Created++
		// An id deleted and created anew goes on from its last version,
		// so that a version read of the old node never matches the new.
		last, err := w.stmt("SELECT coalesce(max(version), 0) FROM changes WHERE node_id = ?")
		if err != nil {
			return false, err
		}
		if err := last.QueryRowContext(w.ctx, id).Scan(&version); err != nil {
			return false, err
		}
		version++
	default:
		return false, err
	}
	if err := w.exec("INSERT INTO nodes (id, type, data, hash, recorded_at, version) VALUES (?, ?, ?, ?, ?, ?)",
		id, string(t), data, hash, w.now, version); err != nil {
		return false, err
	}
	if w.onChange != nil {
		if err := w.onChange(id, t, before, data, version); err != nil {
			return false, err
		}
	}
	return true, nil
}

func (w *writer) evidence(id, part string, evs []*parley.Evidence) error {
	for i, ev := range evs {
		if err := w.exec("INSERT INTO evidence (node_id, part, seq, source_id, start_pos, end_pos, quote) VALUES (?, ?, ?, ?, ?, ?, ?)",
			id, part, i, ev.Source, *ev.Start, *ev.End, ev.Quote); err != nil {
			return err
		}
		if w.bulk {
			continue
		}
		if err := w.exec("INSERT INTO search_docs (node_id, node_type, field, body) VALUES (?, ?, 'evidence', ?)", id, string(w.curType), ev.Quote); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) assertion(id string, a *parley.Assertion) error {
	var basis, by, via string
	if a.Attribution != nil {
		basis, by, via = a.Attribution.Basis, a.Attribution.By, a.Attribution.Via
	}
	if err := w.exec(`INSERT INTO assertions (id, attribution_basis, attributed_to, reported_via, valid_from, valid_to,
		asserted_at, rank, rank_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, null(basis), null(by), null(via), null(string(a.ValidFrom)), null(string(a.ValidTo)),
		null(string(a.AssertedAt)), a.Rank, null(a.RankReason)); err != nil {
		return err
	}
	return w.evidence(id, "", a.Evidence)
}

// edge records a link src—dst backed by via; empty ends are skipped. A
// bulk import derives the links from the typed rows after the load
// instead (bulkEdges).
func (w *writer) edge(src, dst, kind, via string) error {
	if src == "" || dst == "" || src == dst || w.bulk {
		return nil
	}
	return w.exec("INSERT OR IGNORE INTO edges (src, dst, kind, via) VALUES (?, ?, ?, ?)", src, dst, kind, via)
}

// each runs fn over the steps, stopping at the first error.
func each(steps ...func() error) error {
	for _, f := range steps {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// store writes each node of xs: its record, and when that is new or
// changed, its typed rows.
func store[T any](w *writer, xs []T, t parley.NodeType, id func(T) string, rows func(T) error) error {
	for _, x := range xs {
		changed, err := w.put(id(x), t, x)
		if err != nil {
			return err
		}
		if changed {
			if err := rows(x); err != nil {
				return fmt.Errorf("%s %s: %w", t, id(x), err)
			}
		}
	}
	return nil
}

// node writes one node: its record, and when that is new or changed, its
// typed rows.
func (w *writer) node(x any) error {
	switch x := x.(type) {
	case *parley.Source:
		return store(w, []*parley.Source{x}, parley.TypeSource, func(x *parley.Source) string { return x.ID }, w.source)
	case *parley.Actor:
		return store(w, []*parley.Actor{x}, parley.TypeActor, func(x *parley.Actor) string { return x.ID }, w.actor)
	case *parley.Event:
		return store(w, []*parley.Event{x}, parley.TypeEvent, func(x *parley.Event) string { return x.ID }, w.event)
	case *parley.Issue:
		return store(w, []*parley.Issue{x}, parley.TypeIssue, func(x *parley.Issue) string { return x.ID }, w.issue)
	case *parley.Proposition:
		return store(w, []*parley.Proposition{x}, parley.TypeProposition, func(x *parley.Proposition) string { return x.ID }, w.proposition)
	case *parley.Document:
		return store(w, []*parley.Document{x}, parley.TypeDocument, func(x *parley.Document) string { return x.ID }, w.document)
	case *parley.Role:
		return store(w, []*parley.Role{x}, parley.TypeRole, func(x *parley.Role) string { return x.ID }, w.role)
	case *parley.Relation:
		return store(w, []*parley.Relation{x}, parley.TypeRelation, func(x *parley.Relation) string { return x.ID }, w.relation)
	case *parley.Participation:
		return store(w, []*parley.Participation{x}, parley.TypeParticipation, func(x *parley.Participation) string { return x.ID }, w.participation)
	case *parley.Position:
		return store(w, []*parley.Position{x}, parley.TypePosition, func(x *parley.Position) string { return x.ID }, w.position)
	case *parley.Commitment:
		return store(w, []*parley.Commitment{x}, parley.TypeCommitment, func(x *parley.Commitment) string { return x.ID }, w.commitment)
	case *parley.Requirement:
		return store(w, []*parley.Requirement{x}, parley.TypeRequirement, func(x *parley.Requirement) string { return x.ID }, w.requirement)
	case *parley.Statement:
		return store(w, []*parley.Statement{x}, parley.TypeStatement, func(x *parley.Statement) string { return x.ID }, w.statement)
	case *parley.Claim:
		return store(w, []*parley.Claim{x}, parley.TypeClaim, func(x *parley.Claim) string { return x.ID }, w.claim)
	}
	return fmt.Errorf("not a node: %T", x)
}

func (w *writer) dataset(ds *parley.Dataset) error {
	return each(
		func() error {
			return store(w, ds.Sources, parley.TypeSource, func(x *parley.Source) string { return x.ID }, w.source)
		},
		func() error {
			return store(w, ds.Actors, parley.TypeActor, func(x *parley.Actor) string { return x.ID }, w.actor)
		},
		func() error {
			return store(w, ds.Events, parley.TypeEvent, func(x *parley.Event) string { return x.ID }, w.event)
		},
		func() error {
			return store(w, ds.Issues, parley.TypeIssue, func(x *parley.Issue) string { return x.ID }, w.issue)
		},
		func() error {
			return store(w, ds.Propositions, parley.TypeProposition, func(x *parley.Proposition) string { return x.ID }, w.proposition)
		},
		func() error {
			return store(w, ds.Documents, parley.TypeDocument, func(x *parley.Document) string { return x.ID }, w.document)
		},
		func() error {
			return store(w, ds.Roles, parley.TypeRole, func(x *parley.Role) string { return x.ID }, w.role)
		},
		func() error {
			return store(w, ds.Relations, parley.TypeRelation, func(x *parley.Relation) string { return x.ID }, w.relation)
		},
		func() error {
			return store(w, ds.Participations, parley.TypeParticipation, func(x *parley.Participation) string { return x.ID }, w.participation)
		},
		func() error {
			return store(w, ds.Positions, parley.TypePosition, func(x *parley.Position) string { return x.ID }, w.position)
		},
		func() error {
			return store(w, ds.Commitments, parley.TypeCommitment, func(x *parley.Commitment) string { return x.ID }, w.commitment)
		},
		func() error {
			return store(w, ds.Requirements, parley.TypeRequirement, func(x *parley.Requirement) string { return x.ID }, w.requirement)
		},
		func() error {
			return store(w, ds.Statements, parley.TypeStatement, func(x *parley.Statement) string { return x.ID }, w.statement)
		},
		func() error {
			return store(w, ds.Claims, parley.TypeClaim, func(x *parley.Claim) string { return x.ID }, w.claim)
		},
	)
}

func (w *writer) source(x *parley.Source) error {
	return each(
		func() error {
			return w.exec("INSERT INTO sources (id, title, text) VALUES (?, ?, ?)", x.ID, x.Title, x.Text)
		},
		func() error { return w.index(x.ID, parley.TypeSource, "title", x.Title) },
		// Even in bulk: the migrations' statements cannot split sentences.
		func() error {
			if w.side == nil {
				return indexSentences(w.exec, x.ID, x.Text)
			}
			// Each sentence is also handed to the full-text index beside
			// (sentenceFeed), in the order of the rows.
			return indexSentences(func(q string, args ...any) error {
				text, ok := args[1].(string)
				if !ok {
					return fmt.Errorf("a sentence's search row binds %T where its text was expected", args[1])
				}
				w.side.feed.add(text)
				return w.exec(q, args...)
			}, x.ID, x.Text)
		},
	)
}

// indexSentences adds each sentence of a source's text as a search row
// (internal/store/sqlcommon, shared with the other SQL store).
var indexSentences = sqlcommon.IndexSentences

// speakerContext is the search context of a statement's row: the names
// and aliases of its speaker.
const speakerContext = `coalesce((SELECT group_concat(an.name, ' ') FROM statements s
	JOIN actor_names an ON an.actor_id = s.speaker_id WHERE s.id = search_docs.node_id), '')`

// recontext sets the speaker's names as the context of the statements'
// search rows chosen by where, keeping the index in step (it is external
// content: the old row is taken out, the new one put in).
func (w *writer) recontext(where string, arg string) error {
	if w.bulk {
		return nil
	}
	return each(
		func() error {
			return w.exec("INSERT INTO search (search, rowid, body, context) SELECT 'delete', id, body, context FROM search_docs WHERE "+where, arg)
		},
		func() error { return w.exec("UPDATE search_docs SET context = "+speakerContext+" WHERE "+where, arg) },
		func() error {
			return w.exec("INSERT INTO search (rowid, body, context) SELECT id, body, context FROM search_docs WHERE "+where, arg)
		},
	)
}

func (w *writer) actor(x *parley.Actor) error {
	return each(
		func() error {
			return w.exec("INSERT INTO actors (id, kind, name) VALUES (?, ?, ?)", x.ID, x.Kind, x.Name)
		},
		func() error {
			return w.exec("INSERT INTO actor_names (actor_id, name, is_alias) VALUES (?, ?, 0)", x.ID, x.Name)
		},
		func() error { return w.index(x.ID, parley.TypeActor, "name", x.Name) },
		func() error {
			for _, a := range x.Aliases {
				if err := w.exec("INSERT OR IGNORE INTO actor_names (actor_id, name, is_alias) VALUES (?, ?, 1)", x.ID, a); err != nil {
					return err
				}
				if err := w.index(x.ID, parley.TypeActor, "alias", a); err != nil {
					return err
				}
			}
			return nil
		},
		func() error { return w.evidence(x.ID, "", x.Evidence) },
		// A renamed speaker's statements are found by the new names.
		func() error {
			return w.recontext("node_type = 'Statement' AND node_id IN (SELECT id FROM statements WHERE speaker_id = ?)", x.ID)
		},
	)
}

func (w *writer) event(x *parley.Event) error {
	return each(
		func() error {
			return w.exec("INSERT INTO events (id, name, kind, place, date, part_of_id) VALUES (?, ?, ?, ?, ?, ?)",
				x.ID, x.Name, x.Kind, null(x.Place), null(string(x.Date)), null(x.PartOf))
		},
		func() error { return w.edge(x.ID, x.PartOf, "PART_OF", x.ID) },
		func() error { return w.index(x.ID, parley.TypeEvent, "name", x.Name) },
		func() error { return w.evidence(x.ID, "", x.Evidence) },
	)
}

func (w *writer) issue(x *parley.Issue) error {
	return each(
		func() error {
			return w.exec("INSERT INTO issues (id, name, parent_id) VALUES (?, ?, ?)", x.ID, x.Name, null(x.Parent))
		},
		func() error { return w.edge(x.ID, x.Parent, "SUBISSUE_OF", x.ID) },
		func() error { return w.index(x.ID, parley.TypeIssue, "name", x.Name) },
		func() error { return w.evidence(x.ID, "", x.Evidence) },
	)
}

func (w *writer) proposition(x *parley.Proposition) error {
	return each(
		func() error {
			return w.exec("INSERT INTO propositions (id, issue_id, text) VALUES (?, ?, ?)", x.ID, x.Issue, x.Text)
		},
		func() error { return w.edge(x.ID, x.Issue, "IN_ISSUE", x.ID) },
		func() error { return w.index(x.ID, parley.TypeProposition, "text", x.Text) },
		func() error { return w.evidence(x.ID, "", x.Evidence) },
	)
}

func (w *writer) role(x *parley.Role) error {
	return each(
		func() error { return w.assertion(x.ID, &x.Assertion) },
		func() error {
			return w.exec("INSERT INTO roles (id, holder_id, post, organization_id, on_behalf_of_id) VALUES (?, ?, ?, ?, ?)",
				x.ID, x.Holder, x.Post, null(x.Organization), null(x.OnBehalfOf))
		},
		func() error { return w.edge(x.Holder, x.Organization, "HOLDS_POST_IN", x.ID) },
		func() error { return w.edge(x.Holder, x.OnBehalfOf, "ACTS_FOR", x.ID) },
	)
}

func (w *writer) relation(x *parley.Relation) error {
	return each(
		func() error { return w.assertion(x.ID, &x.Assertion) },
		func() error {
			return w.exec("INSERT INTO relations (id, kind, subject_id, object_id, label) VALUES (?, ?, ?, ?, ?)",
				x.ID, x.Kind, x.Subject, x.Object, null(x.Label))
		},
		func() error { return w.edge(x.Subject, x.Object, x.Kind, x.ID) },
	)
}

func (w *writer) participation(x *parley.Participation) error {
	return each(
		func() error { return w.assertion(x.ID, &x.Assertion) },
		func() error {
			return w.exec("INSERT INTO participations (id, event_id, actor_id, role, on_behalf_of_id) VALUES (?, ?, ?, ?, ?)",
				x.ID, x.Event, x.Actor, x.Role, null(x.OnBehalfOf))
		},
		func() error { return w.edge(x.Actor, x.Event, "TOOK_PART_IN", x.ID) },
		func() error { return w.edge(x.Actor, x.OnBehalfOf, "ACTS_FOR", x.ID) },
	)
}

func (w *writer) position(x *parley.Position) error {
	red := 0
	if x.RedLine {
		red = 1
	}
	return each(
		func() error { return w.assertion(x.ID, &x.Assertion) },
		func() error {
			return w.exec("INSERT INTO positions (id, holder_id, proposition_id, stance, speech_act, red_line) VALUES (?, ?, ?, ?, ?, ?)",
				x.ID, x.Holder, x.Proposition, x.Stance, x.SpeechAct, red)
		},
		func() error { return w.edge(x.Holder, x.Proposition, "HOLDS_POSITION_ON", x.ID) },
		func() error { return w.index(x.ID, parley.TypePosition, "summary", x.Summary) },
	)
}

func (w *writer) requirement(x *parley.Requirement) error {
	return each(
		func() error { return w.assertion(x.ID, &x.Assertion) },
		func() error {
			return w.exec("INSERT INTO requirements (id, subject_id, kind, actor_id, description) VALUES (?, ?, ?, ?, ?)",
				x.ID, x.Subject, x.Kind, null(x.Actor), x.Description)
		},
		func() error { return w.edge(x.Subject, x.Actor, "REQUIRES", x.ID) },
	)
}

func (w *writer) document(x *parley.Document) error {
	err := each(
		func() error {
			var size any
			if x.PackageSize != nil {
				size = *x.PackageSize
			}
			return w.exec("INSERT INTO documents (id, title, type, stage, status, package_id, package_size, refines_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				x.ID, x.Title, x.Type, null(x.Stage), null(x.Status), null(x.Package), size, null(x.Refines))
		},
		func() error { return w.edge(x.ID, x.Package, "IN_PACKAGE", x.ID) },
		func() error { return w.edge(x.ID, x.Refines, "REFINES", x.ID) },
		func() error { return w.index(x.ID, parley.TypeDocument, "title", x.Title) },
		func() error { return w.evidence(x.ID, "", x.Evidence) },
	)
	if err != nil {
		return err
	}
	for _, g := range []struct {
		role, edge string
		ids        []string
	}{{"DRAFTER", "DRAFTED", x.Drafters}, {"BACKER", "BACKS", x.Backers}, {"PARTY", "PARTY_TO", x.Parties}} {
		for _, a := range g.ids {
			if err := w.exec("INSERT INTO document_actors (document_id, actor_id, role) VALUES (?, ?, ?)", x.ID, a, g.role); err != nil {
				return err
			}
			if err := w.edge(a, x.ID, g.edge, x.ID); err != nil {
				return err
			}
		}
	}
	for _, is := range x.Issues {
		if err := w.exec("INSERT INTO document_issues (document_id, issue_id) VALUES (?, ?)", x.ID, is); err != nil {
			return err
		}
		if err := w.edge(x.ID, is, "COVERS", x.ID); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) commitment(x *parley.Commitment) error {
	current := x.Status[len(x.Status)-1].Status
	err := each(
		func() error { return w.assertion(x.ID, &x.Assertion) },
		func() error {
			return w.exec("INSERT INTO commitments (id, obligation, polarity, bindingness, document_id, issue_id, status) VALUES (?, ?, ?, ?, ?, ?, ?)",
				x.ID, x.Obligation, x.Polarity, null(x.Bindingness), null(x.Document), null(x.Issue), current)
		},
		func() error { return w.index(x.ID, parley.TypeCommitment, "obligation", x.Obligation) },
	)
	if err != nil {
		return err
	}
	for i, s := range x.Status {
		if err := w.exec("INSERT INTO commitment_status (commitment_id, seq, status, date, rated_by) VALUES (?, ?, ?, ?, ?)",
			x.ID, i, s.Status, null(string(s.Date)), null(s.RatedBy)); err != nil {
			return err
		}
		if err := w.evidence(x.ID, fmt.Sprintf("status[%d]", i), s.Evidence); err != nil {
			return err
		}
	}
	for _, p := range x.Promisors {
		if err := w.exec("INSERT INTO commitment_parties (commitment_id, actor_id, role) VALUES (?, ?, 'PROMISOR')", x.ID, p); err != nil {
			return err
		}
		if err := each(
			func() error { return w.edge(p, x.Document, "COMMITS_IN", x.ID) },
			func() error { return w.edge(p, x.Issue, "COMMITS_ON", x.ID) },
		); err != nil {
			return err
		}
		for _, b := range x.Beneficiaries {
			if err := w.edge(p, b, "COMMITS_TO", x.ID); err != nil {
				return err
			}
		}
	}
	for _, b := range x.Beneficiaries {
		if err := w.exec("INSERT INTO commitment_parties (commitment_id, actor_id, role) VALUES (?, ?, 'BENEFICIARY')", x.ID, b); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) statement(x *parley.Statement) error {
	err := each(
		func() error { return w.assertion(x.ID, &x.Assertion) },
		func() error {
			return w.exec("INSERT INTO statements (id, speaker_id, mode, words, cue_verb, event_id, venue) VALUES (?, ?, ?, ?, ?, ?, ?)",
				x.ID, x.Speaker, x.Mode, x.Words, null(x.CueVerb), null(x.Event), null(x.Venue))
		},
		func() error { return w.edge(x.Speaker, x.Event, "SPOKE_AT", x.ID) },
		func() error { return w.index(x.ID, parley.TypeStatement, "words", x.Words) },
		func() error { return w.recontext("node_id = ?", x.ID) },
	)
	if err != nil {
		return err
	}
	for _, a := range x.Audience {
		if err := w.exec("INSERT INTO statement_audience (statement_id, actor_id) VALUES (?, ?)", x.ID, a); err != nil {
			return err
		}
		if err := w.edge(x.Speaker, a, "ADDRESSED", x.ID); err != nil {
			return err
		}
	}
	for _, n := range x.Expresses {
		if err := w.exec("INSERT INTO statement_expresses (statement_id, node_id) VALUES (?, ?)", x.ID, n); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) claim(x *parley.Claim) error {
	by := ""
	if x.Attribution != nil {
		by = x.Attribution.By
	}
	err := each(
		func() error { return w.assertion(x.ID, &x.Assertion) },
		func() error {
			return w.exec("INSERT INTO claims (id, kind, text, claimant_id) VALUES (?, ?, ?, ?)", x.ID, x.Kind, x.Text, null(by))
		},
		func() error { return w.edge(by, x.ID, "CLAIMS", x.ID) },
		func() error { return w.index(x.ID, parley.TypeClaim, "text", x.Text) },
	)
	if err != nil {
		return err
	}
	for _, n := range x.About {
		if err := w.exec("INSERT INTO claim_about (claim_id, node_id) VALUES (?, ?)", x.ID, n); err != nil {
			return err
		}
		if err := w.edge(x.ID, n, "ABOUT", x.ID); err != nil {
			return err
		}
	}
	return nil
}
