package sqlcommon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parley-graph/parley/internal/parley"
)

// Writes is the transactional half of a SQL store's write path (Apply,
// Update, CreateToken, RevokeToken), written once for both stores: the
// same transactions, statements and errors. What an engine does its own
// way (holding the write lock, telling a lost race, mapping constraint
// violations, writing a node's rows) comes in as hooks.
type Writes struct {
	// DB is the store's database.
	DB *sql.DB
	// Now is the store's clock.
	Now func() time.Time
	// Queue, if set, holds one token while a write transaction of this
	// process runs: its writers take turns here, in order, before they
	// begin (SQLite, whose busy handler would poll with sleeps instead).
	Queue chan struct{}
	// Lock, if set, is the first statement of every write transaction:
	// it takes a lock that keeps every other writer, in any process, out
	// until the transaction ends (PostgreSQL's advisory lock; SQLite's
	// BEGIN IMMEDIATE takes it in BeginTx).
	Lock func(ctx context.Context, tx *sql.Tx) error
	// Busy reports whether err says the transaction lost a race for the
	// database and may be tried again.
	Busy func(err error) bool
	// DomainError maps a driver error to the domain's vocabulary by its
	// typed code (constraint violations), naming what failed; anything
	// else it returns as it is.
	DomainError func(err error, what string) error
	// Referrers are the columns through which nodes refer to others.
	Referrers []Referrer
	// Nodes begins writing nodes in tx (one writer a transaction), with
	// now as their recorded time.
	Nodes func(ctx context.Context, tx *sql.Tx, now string) PutNode
	// Lookup answers validation's questions from inside tx; err returns
	// the first error it met (parley.Lookup has no room for one).
	Lookup func(ctx context.Context, tx *sql.Tx) (l parley.Lookup, err func() error)
}

// PutNode writes one node (a pointer to a node type) with its typed and
// search rows, replacing the one stored; when that is created or replaced
// (not when stored unchanged), it calls changed with the node's record
// before (empty if new) and after, and its new version.
type PutNode func(node any, changed func(id string, t parley.NodeType, before, after string, version int) error) error

// WriteAttempts is how many times a write transaction is tried when the
// database stays locked.
const WriteAttempts = 3

// Write runs fn in one write transaction and commits it. The
// transaction holds the write lock before it reads (SQLite's BEGIN
// IMMEDIATE, or Lock), so two writers never read the same state and then
// both write, and a writer waits for another to finish rather than fail.
// Should the database stay locked past the engine's wait, or answer that
// the transaction lost a race, the whole transaction is tried again, up
// to WriteAttempts times while ctx lasts; then it fails with
// parley.EBusy and nothing written. fn may thus run more than once; it
// must have no effect outside tx.
func (w *Writes) Write(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := w.writeOnce(ctx, fn)
		if err == nil || !w.Busy(err) {
			return err
		}
		if attempt == WriteAttempts || ctx.Err() != nil {
			return parley.Errorf(parley.EBusy, "%s: the database stayed locked by other writers (%d attempts); nothing was written, try again", what, attempt)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		}
	}
}

func (w *Writes) writeOnce(ctx context.Context, fn func(*sql.Tx) error) error {
	if w.Queue != nil {
		select {
		case w.Queue <- struct{}{}:
			defer func() { <-w.Queue }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	tx, err := w.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if w.Lock != nil {
		if err := w.Lock(ctx, tx); err != nil {
			return w.DomainError(err, "lock")
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return w.DomainError(err, "commit")
	}
	return nil
}

// Apply implements parley.Writer.
func (w *Writes) Apply(ctx context.Context, muts []parley.Mutation) ([]parley.Change, error) {
	var changes []parley.Change
	err := w.Write(ctx, "apply", func(tx *sql.Tx) (err error) {
		changes, err = w.applyIn(ctx, tx, muts)
		return err
	})
	return changes, err
}

// Update implements parley.Writer: the node is read inside the write
// transaction, after it holds the write lock, so no other writer, in
// this process or another, comes between the read and the write.
func (w *Writes) Update(ctx context.Context, id string, edit func(current any) ([]parley.Mutation, error)) ([]parley.Change, error) {
	var changes []parley.Change
	err := w.Write(ctx, "update", func(tx *sql.Tx) error {
		var t string
		var data []byte
		var version int
		err := tx.QueryRowContext(ctx, "SELECT type, data, version FROM nodes WHERE id = ?", id).Scan(&t, &data, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return parley.Errorf(parley.ENotFound, "no node with id %q", id)
		}
		if err != nil {
			return err
		}
		current, err := DecodeAt(parley.NodeType(t), data, version)
		if err != nil {
			return err
		}
		muts, err := edit(current)
		if err != nil {
			return err
		}
		changes, err = w.applyIn(ctx, tx, muts)
		return err
	})
	return changes, err
}

// place adds a node to ds and returns its type and id.
func place(ds *parley.Dataset, v any) (parley.NodeType, string, error) {
	t, id := ds.Add(v)
	if t == "" {
		return "", "", parley.Errorf(parley.EInternal, "cannot store a %T", v)
	}
	return t, id, nil
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

// applyIn validates and applies muts in tx, recording each change.
func (w *Writes) applyIn(ctx context.Context, tx *sql.Tx, muts []parley.Mutation) ([]parley.Change, error) {
	now := w.Now().UTC().Format(time.RFC3339Nano)
	put := w.Nodes(ctx, tx, now)
	author := parley.AuthorFrom(ctx)

	// Check the puts together, as one dataset, against the database.
	ds := &parley.Dataset{Name: "input"}
	type putMut struct {
		m  parley.Mutation
		t  parley.NodeType
		id string
	}
	var puts []putMut
	for _, m := range muts {
		if m.Put == nil {
			continue
		}
		t, id, err := place(ds, m.Put)
		if err != nil {
			return nil, err
		}
		puts = append(puts, putMut{m, t, id})
	}
	for _, p := range puts {
		have, version, err := nodeVersion(ctx, tx, p.id)
		if err != nil {
			return nil, err
		}
		switch {
		case p.m.New && have != "":
			return nil, parley.Errorf(parley.EConflict, "id %q is already taken (by %s)", p.id, have)
		case !p.m.New && have == "":
			return nil, parley.Errorf(parley.ENotFound, "no %s with id %q", strings.ToLower(string(p.t)), p.id)
		case !p.m.New && have != p.t:
			return nil, parley.Errorf(parley.EConflict, "%q is %s, not %s", p.id, have, p.t)
		case !p.m.New && p.m.IfVersion != 0 && p.m.IfVersion != version:
			return nil, parley.VersionConflict(p.id, p.m.IfVersion, version)
		}
	}
	if len(puts) > 0 {
		lookup, lookupErr := w.Lookup(ctx, tx)
		problems := parley.Validate([]*parley.Dataset{ds}, lookup)
		if err := lookupErr(); err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			return nil, InvalidError(problems)
		}
	}

	var changes []parley.Change
	record := func(id string, t parley.NodeType, op parley.Op, before, after string, version int) error {
		c := parley.Change{NodeID: id, NodeType: t, Op: op, Author: author, At: now, Before: before, After: after}
		var v any
		if after != "" {
			n, err := DecodeAt(t, []byte(after), version)
			if err != nil {
				return err
			}
			c.Node, c.Version, v = n, version, version
		}
		// RETURNING: PostgreSQL has no last insert id, and SQLite (3.35
		// on) answers it too.
		err := tx.QueryRowContext(ctx, "INSERT INTO changes (node_id, node_type, op, author, at, before, after, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
			id, string(t), string(op), author, now, null(before), null(after), v).Scan(&c.Seq)
		if err != nil {
			return err
		}
		changes = append(changes, c)
		return nil
	}

	// Deletes first, so that a set may replace what it deletes.
	for _, m := range muts {
		if m.Delete == "" {
			continue
		}
		var t, data string
		var version int
		err := tx.QueryRowContext(ctx, "SELECT type, data, version FROM nodes WHERE id = ?", m.Delete).Scan(&t, &data, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, parley.Errorf(parley.ENotFound, "no node with id %q", m.Delete)
		}
		if err != nil {
			return nil, err
		}
		if m.IfVersion != 0 && m.IfVersion != version {
			return nil, parley.VersionConflict(m.Delete, m.IfVersion, version)
		}
		refs, err := referring(ctx, tx, w.Referrers, m.Delete, 11)
		if err != nil {
			return nil, err
		}
		if len(refs) > 0 {
			more := ""
			if len(refs) > 10 {
				refs, more = refs[:10], " and more"
			}
			hint := ""
			if t != string(parley.TypeSource) && t != string(parley.TypeActor) && t != string(parley.TypeEvent) &&
				t != string(parley.TypeIssue) && t != string(parley.TypeProposition) && t != string(parley.TypeDocument) {
				hint = "; deprecate it instead"
			}
			return nil, parley.Errorf(parley.EConflict, "cannot delete %q: %s refer to it%s%s",
				m.Delete, strings.Join(refs, ", "), more, hint)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM nodes WHERE id = ?", m.Delete); err != nil {
			return nil, w.DomainError(err, "delete")
		}
		if err := record(m.Delete, parley.NodeType(t), parley.OpDelete, data, "", 0); err != nil {
			return nil, err
		}
	}
	for _, p := range puts {
		op := p.m.Op
		if op == "" {
			op = parley.OpUpdate
			if p.m.New {
				op = parley.OpCreate
			}
		}
		err := put(p.m.Put, func(id string, t parley.NodeType, before, after string, version int) error {
			return record(id, t, op, before, after, version)
		})
		if err != nil {
			return nil, w.DomainError(err, "write")
		}
	}
	return changes, nil
}

// null turns "" into SQL NULL.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nodeVersion returns the type and version of the node with the id; ""
// if there is none.
func nodeVersion(ctx context.Context, tx *sql.Tx, id string) (parley.NodeType, int, error) {
	var t string
	var v int
	err := tx.QueryRowContext(ctx, "SELECT type, version FROM nodes WHERE id = ?", id).Scan(&t, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, nil
	}
	return parley.NodeType(t), v, err
}

// Referrer is one column through which a row refers to a node: the
// table, the referring column, and the column naming the node the row
// belongs to (the referrer).
type Referrer struct {
	Table, Column, Owner string
}

// LoadReferrers reads the schema's foreign keys with catalog, a query of
// the engine's catalog that gives each foreign key's table, column and
// ON DELETE action ("CASCADE" or another), a table's in a fixed order.
// Each reference that does not cascade (the row is not owned by the node
// it points to) is a way for one node to refer to another. The owner of
// a row is its id, or for a join table the column that cascades.
func LoadReferrers(ctx context.Context, db *sql.DB, catalog string) ([]Referrer, error) {
	rows, err := db.QueryContext(ctx, catalog)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type fk struct{ column, onDelete string }
	tables := map[string][]fk{}
	var order []string
	for rows.Next() {
		var t, col, del string
		if err := rows.Scan(&t, &col, &del); err != nil {
			return nil, err
		}
		if _, ok := tables[t]; !ok {
			order = append(order, t)
		}
		tables[t] = append(tables[t], fk{col, del})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Referrer
	for _, t := range order {
		owner := ""
		for _, f := range tables[t] {
			if f.onDelete == "CASCADE" && owner == "" {
				owner = f.column
			}
		}
		if t == "edges" {
			owner = "via"
		}
		if owner == "" {
			continue
		}
		for _, f := range tables[t] {
			if f.onDelete != "CASCADE" {
				out = append(out, Referrer{Table: t, Column: f.column, Owner: owner})
			}
		}
	}
	return out, nil
}

// referring returns up to limit nodes other than id that refer to it.
func referring(ctx context.Context, tx *sql.Tx, referrers []Referrer, id string, limit int) ([]string, error) {
	var parts []string
	var args []any
	for _, r := range referrers {
		parts = append(parts, fmt.Sprintf("SELECT %s FROM %s WHERE %s = ? AND %s <> ?", r.Owner, r.Table, r.Column, r.Owner))
		args = append(args, id, id)
	}
	q := "SELECT DISTINCT * FROM (" + strings.Join(parts, " UNION ") + ") AS r ORDER BY 1 LIMIT ?"
	return Column[string](tx.QueryContext(ctx, q, append(args, limit)...))
}
