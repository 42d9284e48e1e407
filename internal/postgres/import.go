package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

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
	// One connection for the transaction and the COPYs of a bulk import,
	// which go through pgx itself on that connection, inside the
	// transaction.
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(writeLock)); err != nil {
		return nil, domainError(err, "import")
	}
	trace := newImportTrace()
	if trace.on {
		var pid int
		if err := tx.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err == nil {
			trace.attach(pid)
		}
	}
	var empty bool
	if err := tx.QueryRowContext(ctx, "SELECT NOT EXISTS (SELECT 1 FROM nodes)").Scan(&empty); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	lookup := &txLookup{ctx: ctx, tx: tx}
	var existing parley.Lookup
	if !empty {
		existing = lookup
	}
	checker := parley.NewChecker(existing)
	w := &writer{ctx: ctx, tx: tx, conn: conn, now: db.Now().UTC().Format(time.RFC3339), res: &parley.ImportResult{}, trace: trace}
	author := parley.AuthorFrom(ctx)
	// An import's history names what it created or replaced, with the
	// record it replaced; the new record is the node itself, so it is not
	// copied (a bulk import would store everything twice).
	w.onChange = func(id string, t parley.NodeType, before, after string, version int) error {
		return w.exec("INSERT INTO changes (node_id, node_type, op, author, at, before, after, version) VALUES (?, ?, 'IMPORT', ?, ?, ?, NULL, ?)",
			id, string(t), author, w.now, null(before), version)
	}
	// The side ends after the transaction (whose locks its cleanup may
	// wait for), which ends after the bulk import's writing goroutine
	// (deferred calls run last first).
	committed := false
	defer func() {
		if w.side != nil {
			tx.Rollback()
			w.side.close(committed)
		}
	}()
	defer func() { w.pipe.stop() }()
	finish := func() error { return nil }
	started := false
	batch := make([]parley.Item, 0, importBatch)
	flush := func() error {
		if !started {
			started = true
			if empty && len(batch) >= bulkThreshold {
				if finish, err = db.bulkStart(ctx, tx, w, author); err != nil {
					return err
				}
			}
		}
		if existing != nil {
			ids := make([]string, 0, len(batch))
			for _, it := range batch {
				if _, id := parley.Describe(it.Node); id != "" {
					ids = append(ids, id)
				}
			}
			if err := lookup.preload(ids); err != nil {
				return err
			}
		}
		for _, it := range batch {
			checker.Declare(it)
		}
		for _, it := range batch {
			if checker.Check(it) && !checker.HasProblems() && it.Path != "defaultSource" {
				if err := w.node(it.Node); err != nil {
					return err
				}
			}
		}
		if lookup.err != nil {
			return lookup.err
		}
		clear(batch)
		batch = batch[:0]
		return nil
	}
	readProblems, err := read(func(it parley.Item) error {
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
		return nil, domainError(err, "import")
	}
	for _, it := range checker.Finish() {
		if !checker.HasProblems() {
			if err := w.node(it.Node); err != nil {
				return nil, domainError(err, "import")
			}
		}
	}
	if lookup.err != nil {
		return nil, fmt.Errorf("import: %w", lookup.err)
	}
	if problems := append(readProblems, checker.Problems()...); len(problems) > 0 {
		return nil, InvalidError(problems)
	}
	if w.search != nil {
		if err := w.search.flushWaiting(); err != nil {
			return nil, domainError(err, "import")
		}
	}
	if err := w.flush(); err != nil {
		return nil, domainError(err, "import")
	}
	if w.pipe != nil {
		if err := w.pipe.wait(); err != nil {
			return nil, domainError(err, "import")
		}
	}
	trace.note("COPY: %d rows in %.2fs of wall time (within the load)", w.copied, w.copyWall.Seconds())
	trace.step("load (read, check, write rows)")
	if err := finish(); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, domainError(err, "import")
	}
	committed = true
	trace.step("commit")
	return w.res, nil
}

// bulkSearchTriggers are the search triggers that work row by row (the
// reference to the row holding the same text; statements' speakers' names
// as context), off while a bulk import loads (bulkSearch does their work
// as it writes the rows), as table and name.
var bulkSearchTriggers = [][2]string{
	// Each search row would look for the row holding its text, in an
	// index just dropped.
	{"search_docs", "search_docs_text"},
	{"search_docs", "search_docs_context"},
	{"statements", "statements_context"},
	{"actor_names", "actor_names_context"},
}

// bulkKeptKeys are the tables whose primary keys a bulk import keeps
// during the load: their rows are written with ON CONFLICT (an actor's
// alias that repeats its name; the edges derived from the rows; the
// edges' counts, by the edges' trigger), which needs the key.
var bulkKeptKeys = []string{"actor_names", "edges", "edge_degrees"}

// btreeMemory is the least maintenance_work_mem (bytes) a bulk import's
// B-tree indexes are built with, for their transaction only.
const btreeMemory = 256 << 20

// bulkThreshold is the size of an import into an empty database from which
// indexes are built after the rows rather than row by row.
const bulkThreshold = 5000

// bulkStart prepares a large import into an empty database (the caller
// checks both): it drops the
// secondary indexes and the search trigger inside the transaction, and
// returns the function that builds them again over all the rows at once
// (sorting once beats updating a B-tree a million times). A failed import
// rolls all of it back. Other imports return a no-op.
func (db *DB) bulkStart(ctx context.Context, tx *sql.Tx, w *writer, author string) (func() error, error) {
	// The secondary indexes of this schema go, to be built again after the
	// rows: the full-text GIN index above all, which otherwise takes every
	// search row's words one at a time. The triggers that keep statements'
	// search rows' context are off until the load is written: bulkSearch
	// does their work as it writes the search rows. DROP INDEX and ALTER
	// TABLE lock their table until the commit: reads of the empty
	// database wait for the import.
	// The foreign keys go too, and come back after the rows: adding one
	// checks every row in one query, where a deferred key queues a check
	// for each row inserted and runs them one by one at the commit.
	// Validation has checked every reference already; this is the check
	// behind it.
	// The primary keys go too (after the foreign keys that need them),
	// but for the tables written with ON CONFLICT, which needs them
	// (bulkKeptKeys): a B-tree built by one sort costs a fraction of one
	// kept up row by row (search_docs at 100k: 0.2 s of the server's CPU
	// against 1.7 s, its rows written in the order of their texts). A
	// duplicate that validation let through fails the import when its key
	// is made again, with nothing written, as it would have failed the
	// COPY.
	// The side first: it reads search_docs, which the drops below lock.
	side, err := openSide(ctx, db, searchColumns)
	if err != nil {
		return nil, fmt.Errorf("search rows: %w", err)
	}
	w.side = side
	type constraint struct{ table, name, def string }
	constraints := func(kind string, kept []string) ([]constraint, error) {
		rows, err := tx.QueryContext(ctx, `SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
			FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = current_schema() AND c.contype = ? AND NOT t.relname::text = ANY (string_to_array(?, ','))
			ORDER BY t.relname, c.conname`, kind, strings.Join(kept, ","))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []constraint
		for rows.Next() {
			var k constraint
			if err := rows.Scan(&k.table, &k.name, &k.def); err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		return out, rows.Err()
	}
	var keys, primary []constraint
	for _, c := range []struct {
		kind string
		kept []string
		to   *[]constraint
	}{{"f", nil, &keys}, {"p", bulkKeptKeys, &primary}} {
		if *c.to, err = constraints(c.kind, c.kept); err != nil {
			return nil, err
		}
		for _, k := range *c.to {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE "`+k.table+`" DROP CONSTRAINT "`+k.name+`"`); err != nil {
				return nil, err
			}
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.relname, pg_get_indexdef(i.indexrelid), t.relname
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND NOT i.indisunique AND NOT i.indisprimary
		ORDER BY c.relname`)
	if err != nil {
		return nil, err
	}
	type index struct{ name, def, table string }
	var indexes []index
	for rows.Next() {
		var x index
		if err := rows.Scan(&x.name, &x.def, &x.table); err != nil {
			rows.Close()
			return nil, err
		}
		indexes = append(indexes, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, x := range indexes {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+x.name+`"`); err != nil {
			return nil, err
		}
	}
	for _, t := range bulkSearchTriggers {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE "`+t[0]+`" DISABLE TRIGGER "`+t[1]+`"`); err != nil {
			return nil, err
		}
	}
	if w.search, err = startBulkSearch(ctx, tx, side); err != nil {
		return nil, err
	}
	w.bulk = true
	w.startPipe()
	// The GIN index first, with the server's maintenance_work_mem (at 1M
	// a larger one made it slower: 38.5 s of CPU with 1 GB against 26.8 s
	// with 64 MB); then the B-trees, whose sorts are faster in memory
	// (nodes_type at 1M: 1.3 s with 1 GB, 2.4 s with 64 MB), with at least
	// btreeMemory (for their transaction only).
	sort.SliceStable(indexes, func(i, j int) bool {
		return strings.Contains(indexes[i].def, "USING gin") && !strings.Contains(indexes[j].def, "USING gin")
	})
	const raiseMemory = `SELECT set_config('maintenance_work_mem', greatest(setting::bigint, ` +
		"%d" + `)::text, true) FROM pg_settings WHERE name = 'maintenance_work_mem'`
	// What the side builds on its table, under side names: search_docs'
	// indexes, its primary key and its reference to itself; the
	// import's transaction the rest, and search_docs' other keys after
	// the swap.
	var sideBuild, sideIndexes, sideKeys []string
	var mainIndexes []index
	sideRaised := false
	for _, x := range indexes {
		if x.table != "search_docs" {
			mainIndexes = append(mainIndexes, x)
			continue
		}
		if !sideRaised && !strings.Contains(x.def, "USING gin") {
			sideRaised = true
			sideBuild = append(sideBuild, fmt.Sprintf(raiseMemory, btreeMemory>>10))
		}
		q, err := sideIndex(x.name, x.def)
		if err != nil {
			return nil, err
		}
		sideBuild, sideIndexes = append(sideBuild, q), append(sideIndexes, x.name)
	}
	var mainPrimary, mainKeys []constraint
	for _, k := range primary {
		if k.table == "search_docs" {
			sideBuild = append(sideBuild, `ALTER TABLE `+sideTable+` ADD CONSTRAINT "`+sideName(k.name)+`" `+k.def)
			sideKeys = append(sideKeys, k.name)
		} else {
			mainPrimary = append(mainPrimary, k)
		}
	}
	for _, k := range keys {
		if def, self := strings.CutPrefix(k.def, "FOREIGN KEY (text_id) REFERENCES search_docs("); k.table == "search_docs" && self {
			sideBuild = append(sideBuild, `ALTER TABLE `+sideTable+` ADD CONSTRAINT "`+sideName(k.name)+
				`" FOREIGN KEY (text_id) REFERENCES `+sideTable+`(`+def)
			sideKeys = append(sideKeys, k.name)
		} else {
			mainKeys = append(mainKeys, k)
		}
	}
	return func() error {
		// The search rows were sent to the side with the load
		// (bulkSearch); it builds their table while this transaction
		// builds the rest.
		side.finish(sideBuild)
		if err := w.search.setSequence(ctx, tx); err != nil {
			return fmt.Errorf("search rows: %w", err)
		}
		for _, t := range bulkSearchTriggers {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE "`+t[0]+`" ENABLE TRIGGER "`+t[1]+`"`); err != nil {
				return err
			}
		}
		// The edges, from the typed rows, sorted in their key's order.
		if _, err := tx.ExecContext(ctx, "INSERT INTO edges (src, dst, kind, via) "+sqlcommon.EdgeRows+onConflict); err != nil {
			return fmt.Errorf("edges: %w", err)
		}
		w.trace.step("edges")
		if _, err := tx.ExecContext(ctx, "INSERT INTO changes (node_id, node_type, op, author, at, version) SELECT id, type, 'IMPORT', ?, ?, version FROM nodes ORDER BY id",
			author, w.now); err != nil {
			return err
		}
		w.trace.step("history")
		raised := false
		for _, x := range mainIndexes {
			if !raised && !strings.Contains(x.def, "USING gin") {
				raised = true
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(raiseMemory, btreeMemory>>10)); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, x.def); err != nil {
				return fmt.Errorf("index %s: %w", x.name, err)
			}
			w.trace.step("index " + x.name)
		}
		for _, k := range mainPrimary {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE "`+k.table+`" ADD CONSTRAINT "`+k.name+`" `+k.def); err != nil {
				return fmt.Errorf("primary key %s of %s: %w", k.name, k.table, err)
			}
			w.trace.step("primary key " + k.name)
		}
		// The foreign keys, those of search_docs once the side's table
		// has taken its place.
		addKeys := func(search bool) error {
			for _, k := range mainKeys {
				if (k.table == "search_docs") != search {
					continue
				}
				if _, err := tx.ExecContext(ctx, `ALTER TABLE "`+k.table+`" ADD CONSTRAINT "`+k.name+`" `+k.def); err != nil {
					return fmt.Errorf("foreign key %s of %s: %w", k.name, k.table, err)
				}
				w.trace.step("foreign key " + k.name)
			}
			return nil
		}
		if err := addKeys(false); err != nil {
			return err
		}
		if err := side.wait(); err != nil {
			return err
		}
		w.trace.step("search rows beside (waited for)")
		w.trace.note("search rows beside: the side's backend %s of CPU in all", side.cpu())
		if err := side.swap(ctx, tx, sideIndexes, sideKeys); err != nil {
			return fmt.Errorf("search rows: %w", err)
		}
		w.trace.step("search rows swapped in")
		return addKeys(true)
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
	// search derives a bulk import's search rows (nil otherwise), which
	// side writes; cur is the node being written, whose rows they are.
	search *bulkSearch
	side   *searchSide
	cur    searchNode
	// conn is the transaction's connection, for the COPYs of a bulk
	// import.
	conn *sql.Conn
	// pipe, in a bulk import, writes the rows gathered while the reading
	// goroutine goes on.
	pipe *pipe
	// trace reports the steps (PARLEY_IMPORT_TRACE); copied and copyWall
	// count the rows sent by COPY and the time spent sending them (by the
	// pipe's goroutine).
	trace    *importTrace
	copied   int
	copyWall time.Duration
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
	if w.bulk {
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
		if w.pipe != nil {
			if err := w.pipe.wait(); err != nil {
				return err
			}
		}
	}
	s, err := w.stmt(query)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(w.ctx, args...)
	return err
}

// A bulk import gathers the rows of each INSERT and writes them many to a
// statement (a statement has a fixed cost of its own, and a million of
// them add up). batchRows is how many rows are gathered, over all tables,
// before they are written; rowsPerInsert how many go in one statement.
// The rows of a plain INSERT go by COPY instead (pgx's CopyFrom, in the
// binary format), a statement for all the rows of a table.
const (
	batchRows     = 50000
	rowsPerInsert = 64
)

const onConflict = " ON CONFLICT DO NOTHING"

// batcher gathers the rows of one INSERT … VALUES (?, …).
type batcher struct {
	head  string // INSERT … VALUES
	tuple string // (?, …)
	tail  string // after the rows: onConflict or ""
	width int    // values per row
	args  []any
	// table and columns, for COPY: set if the INSERT can be one (every
	// value a parameter, no ON CONFLICT).
	table   string
	columns []string
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
	// INSERT … ON CONFLICT DO NOTHING (SQLite's INSERT OR IGNORE) is
	// gathered too, the clause after all the rows.
	tuple, tail := strings.CutSuffix(tuple, onConflict)
	if !ok || !strings.HasPrefix(head, "INSERT") || strings.Contains(tuple, ")") != strings.HasSuffix(tuple, ")") ||
		strings.Count(tuple, "(") != 1 || !strings.HasPrefix(tuple, "(") {
		w.batchers[query] = nil
		return nil
	}
	b := &batcher{head: head + "VALUES ", tuple: tuple, width: strings.Count(tuple, "?")}
	if tail {
		b.tail = onConflict
	}
	if into, list, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(head), "INSERT INTO "), "("); ok && !tail &&
		strings.ReplaceAll(strings.ReplaceAll(tuple, " ", ""), "?,", "") == "(?)" {
		b.table = strings.TrimSpace(into)
		for _, c := range strings.Split(strings.TrimSuffix(strings.TrimSpace(list), ")"), ",") {
			b.columns = append(b.columns, strings.TrimSpace(c))
		}
		if len(b.columns) != b.width {
			b.table, b.columns = "", nil
		}
	}
	w.batchers[query] = b
	// Rows are written in the order the tables were first written to, so
	// that a row is written after the row it refers to (a node's typed row
	// after the node).
	w.order = append(w.order, b)
	return b
}

// flush writes every row gathered. In a bulk import the rows go to the
// writing goroutine (w.pipe), which sends them while this one reads and
// checks the next batch: the client's work and the server's overlap.
func (w *writer) flush() error {
	var job []gathered
	for _, b := range w.order {
		if len(b.args) > 0 {
			job = append(job, gathered{b: b, args: b.args})
		}
	}
	w.rows = 0
	if w.pipe != nil {
		// The slices go with the job; the next rows get new ones.
		for _, g := range job {
			g.b.args = make([]any, 0, cap(g.args))
		}
		return w.pipe.send(job)
	}
	err := w.write(job)
	for _, g := range job {
		clear(g.b.args)
		g.b.args = g.b.args[:0]
	}
	return err
}

// gathered is the rows of one statement gathered for a flush.
type gathered struct {
	b    *batcher
	args []any
}

// write sends rows gathered: by COPY for a plain INSERT, many rows to a
// statement for the others; in the order the tables were first written to.
func (w *writer) write(job []gathered) error {
	for _, g := range job {
		b := g.b
		if b.table != "" {
			if err := w.copy(b, g.args); err != nil {
				return err
			}
			continue
		}
		for rest := g.args; len(rest) > 0; {
			n := min(len(rest)/b.width, rowsPerInsert)
			query := b.head + strings.TrimSuffix(strings.Repeat(b.tuple+", ", n), ", ") + b.tail
			s, err := w.stmt(query)
			if err != nil {
				return err
			}
			if _, err := s.ExecContext(w.ctx, rest[:n*b.width]...); err != nil {
				return err
			}
			rest = rest[n*b.width:]
		}
	}
	return nil
}

// pipe is the goroutine that writes a bulk import's rows while the reading
// goroutine goes on: at most one batch waits for it, so that the reader
// stays at most two batches ahead and the memory stays bounded. The
// transaction is the pipe's alone until wait returns.
type pipe struct {
	jobs chan []gathered
	done chan struct{}
	mu   sync.Mutex
	busy sync.WaitGroup
	err  error
}

func (w *writer) startPipe() {
	p := &pipe{jobs: make(chan []gathered, 1), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for job := range p.jobs {
			if p.failed() == nil {
				if err := w.write(job); err != nil {
					p.mu.Lock()
					p.err = err
					p.mu.Unlock()
				}
			}
			p.busy.Done()
		}
	}()
	w.pipe = p
}

func (p *pipe) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// send queues a job, or returns the error that stopped the pipe.
func (p *pipe) send(job []gathered) error {
	if err := p.failed(); err != nil {
		return err
	}
	p.busy.Add(1)
	p.jobs <- job
	return nil
}

// wait returns once every job sent is written, with the first error.
func (p *pipe) wait() error {
	p.busy.Wait()
	return p.failed()
}

// stop ends the goroutine (after the jobs sent) and waits for it.
func (p *pipe) stop() {
	if p == nil {
		return
	}
	close(p.jobs)
	<-p.done
}

// copy writes rows of b (args, b.width a row) by COPY, on the
// transaction's connection.
func (w *writer) copy(b *batcher, args []any) error {
	if w.trace != nil && w.trace.on {
		start := time.Now()
		defer func() { w.copyWall += time.Since(start) }()
	}
	rows := make([][]any, len(args)/b.width)
	w.copied += len(rows)
	for i := range rows {
		row := args[i*b.width : (i+1)*b.width]
		for j, v := range row {
			row[j] = copyValue(v)
		}
		rows[i] = row
	}
	return w.conn.Raw(func(dc any) error {
		c, ok := dc.(*conn)
		if !ok {
			return fmt.Errorf("COPY: not a pgx connection: %T", dc)
		}
		sc, ok := c.Conn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY: not a pgx connection: %T", c.Conn)
		}
		n, err := sc.Conn().CopyFrom(w.ctx, pgx.Identifier{b.table}, b.columns, pgx.CopyFromRows(rows))
		if err != nil {
			return err
		}
		if int(n) != len(rows) {
			return fmt.Errorf("COPY %s: %d rows written of %d", b.table, n, len(rows))
		}
		return nil
	})
}

// copyValue gives a value as COPY's binary format takes it: a string
// for any string type (stance, kind, …), an integer for a bool (as the
// driver's statements store them).
func copyValue(v any) any {
	switch x := v.(type) {
	case nil, string, int, int64:
		return v
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return v
}

// index adds a searchable text of a node.
func (w *writer) index(id string, t parley.NodeType, field, body string) error {
	if body == "" {
		return nil
	}
	if w.bulk {
		return w.searchRow(id, field, body, nil, nil)
	}
	return w.exec("INSERT INTO search_docs (node_id, node_type, field, body) VALUES (?, ?, ?, ?)", id, string(t), field, body)
}

// searchRow, in a bulk import, writes a search row of the node being
// written (w.cur), with its speaker's names for context if it is a
// statement, as the triggers would.
func (w *writer) searchRow(id, field, body string, start, end any) error {
	speaker := ""
	if w.cur.nodeType == parley.TypeStatement {
		speaker = w.cur.speaker
	}
	return w.search.row(searchRow{node: id, nodeType: string(w.cur.nodeType), field: field, body: body,
		speaker: speaker, start: start, end: end})
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
	data, err := json.Marshal(v)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	var old, before string
	if w.bulk {
		// Into an empty database, validated free of duplicates: all new.
		w.res.Created++
		return true, w.exec("INSERT INTO nodes (id, type, data, hash, recorded_at) VALUES (?, ?, ?, ?, ?)",
			id, string(t), string(data), hash, w.now)
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
		id, string(t), string(data), hash, w.now, version); err != nil {
		return false, err
	}
	if w.onChange != nil {
		if err := w.onChange(id, t, before, string(data), version); err != nil {
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
			if err := w.searchRow(id, "evidence", ev.Quote, nil, nil); err != nil {
				return err
			}
			continue
		}
		if err := w.exec("INSERT INTO search_docs (node_id, node_type, field, body) SELECT id, type, 'evidence', ? FROM nodes WHERE id = ?", ev.Quote, id); err != nil {
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

// edge records a link src—dst backed by via; empty ends are skipped.
func (w *writer) edge(src, dst, kind, via string) error {
	if src == "" || dst == "" || src == dst || w.bulk {
		return nil // a bulk import derives them after the rows
	}
	return w.exec("INSERT INTO edges (src, dst, kind, via) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", src, dst, kind, via)
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
		w.cur = searchNode{nodeType: t}
		if s, ok := any(x).(*parley.Statement); ok {
			w.cur.speaker = s.Speaker
		}
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
		func() error {
			if !w.bulk {
				return indexSentences(w.exec, x.ID, x.Text)
			}
			for _, s := range parley.Sentences(x.Text) {
				if err := w.searchRow(x.ID, "sentence", s.Text, s.Start, s.End); err != nil {
					return err
				}
			}
			return nil
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
			aliases := x.Aliases
			if w.bulk {
				// A search row for each alias actor_names keeps.
				aliases = w.search.actorNames(x.ID, x.Name, x.Aliases)
			}
			for _, a := range aliases {
				if err := w.exec("INSERT INTO actor_names (actor_id, name, is_alias) VALUES (?, ?, 1) ON CONFLICT DO NOTHING", x.ID, a); err != nil {
					return err
				}
				if err := w.index(x.ID, parley.TypeActor, "alias", a); err != nil {
					return err
				}
			}
			return nil
		},
		func() error { return w.evidence(x.ID, "", x.Evidence) },
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
