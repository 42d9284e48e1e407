package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// referrer is one column through which a row refers to a node: the table,
// the referring column, and the column naming the node the row belongs
// to (the referrer).
type referrer struct {
	table, column, owner string
}

// loadReferrers reads the schema's foreign keys: each reference that does
// not cascade (the row is not owned by the node it points to) is a way for
// one node to refer to another. The owner of a row is its id, or for a
// join table the column that cascades.
func (db *DB) loadReferrers(ctx context.Context) error {
	rows, err := db.db.QueryContext(ctx, `SELECT m.name, f."from", f.on_delete FROM sqlite_master m
		JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	type fk struct{ column, onDelete string }
	tables := map[string][]fk{}
	var order []string
	for rows.Next() {
		var t, col, del string
		if err := rows.Scan(&t, &col, &del); err != nil {
			return err
		}
		if _, ok := tables[t]; !ok {
			order = append(order, t)
		}
		tables[t] = append(tables[t], fk{col, del})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	db.referrers = nil
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
				db.referrers = append(db.referrers, referrer{table: t, column: f.column, owner: owner})
			}
		}
	}
	return nil
}

// referring returns up to limit nodes other than id that refer to it.
func (db *DB) referring(ctx context.Context, tx *sql.Tx, id string, limit int) ([]string, error) {
	var parts []string
	var args []any
	for _, r := range db.referrers {
		parts = append(parts, fmt.Sprintf("SELECT %s FROM %s WHERE %s = ? AND %s <> ?", r.owner, r.table, r.column, r.owner))
		args = append(args, id, id)
	}
	q := "SELECT DISTINCT * FROM (" + strings.Join(parts, " UNION ") + ") ORDER BY 1 LIMIT ?"
	rows, err := tx.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// place adds a node to ds and returns its type and id.
func place(ds *parley.Dataset, v any) (parley.NodeType, string, error) {
	t, id := ds.Add(v)
	if t == "" {
		return "", "", parley.Errorf(parley.EInternal, "cannot store a %T", v)
	}
	return t, id, nil
}

// Apply implements parley.Writer.
func (db *DB) Apply(ctx context.Context, muts []parley.Mutation) ([]parley.Change, error) {
	var changes []parley.Change
	err := db.write(ctx, "apply", func(tx *sql.Tx) (err error) {
		changes, err = db.applyIn(ctx, tx, muts)
		return err
	})
	return changes, err
}

// Update implements parley.Writer: the node is read inside the write
// transaction (BEGIN IMMEDIATE), so no other writer, in this process or
// another, comes between the read and the write.
func (db *DB) Update(ctx context.Context, id string, edit func(current any) ([]parley.Mutation, error)) ([]parley.Change, error) {
	var changes []parley.Change
	err := db.write(ctx, "update", func(tx *sql.Tx) error {
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
		current, err := sqlcommon.DecodeAt(parley.NodeType(t), data, version)
		if err != nil {
			return err
		}
		muts, err := edit(current)
		if err != nil {
			return err
		}
		changes, err = db.applyIn(ctx, tx, muts)
		return err
	})
	return changes, err
}

// writeAttempts is how many times a write transaction is tried when the
// database stays locked: each attempt waits up to the busy timeout.
const writeAttempts = 3

// write runs fn in one write transaction and commits it. The transaction
// begins IMMEDIATE (see DSN): it takes the write lock before it reads, so
// two writers never read the same state and then both write, and a writer
// waits (up to the busy timeout) for another to finish rather than fail.
// Should the database stay locked past that, or SQLite answer SQLITE_BUSY
// without waiting, the whole transaction is tried again, up to
// writeAttempts times while ctx lasts; then it fails with parley.EBusy and
// nothing written. fn may thus run more than once; it must have no effect
// outside tx.
func (db *DB) write(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.writeOnce(ctx, fn)
		if err == nil || !isBusy(err) {
			return err
		}
		if attempt == writeAttempts || ctx.Err() != nil {
			return parley.Errorf(parley.EBusy, "%s: the database stayed locked by other writers (%d attempts); nothing was written, try again", what, attempt)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		}
	}
}

func (db *DB) writeOnce(ctx context.Context, fn func(*sql.Tx) error) error {
	// Writers of this process queue here, in order, rather than in
	// SQLite's busy handler, which polls with sleeps of up to 100 ms; the
	// busy handler is left to wait for writers of other processes.
	select {
	case db.writing <- struct{}{}:
		defer func() { <-db.writing }()
	case <-ctx.Done():
		return ctx.Err()
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return domainError(err, "commit")
	}
	return nil
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// applyIn validates and applies muts in tx, recording each change.
func (db *DB) applyIn(ctx context.Context, tx *sql.Tx, muts []parley.Mutation) ([]parley.Change, error) {
	w := &writer{ctx: ctx, tx: tx, now: db.Now().UTC().Format(time.RFC3339Nano), res: &parley.ImportResult{}}
	author := parley.AuthorFrom(ctx)

	// Check the puts together, as one dataset, against the database.
	ds := &parley.Dataset{Name: "input"}
	type put struct {
		m  parley.Mutation
		t  parley.NodeType
		id string
	}
	var puts []put
	for _, m := range muts {
		if m.Put == nil {
			continue
		}
		t, id, err := place(ds, m.Put)
		if err != nil {
			return nil, err
		}
		puts = append(puts, put{m, t, id})
	}
	var problems []parley.Problem
	for _, p := range puts {
		have, version, err := db.nodeVersion(ctx, tx, p.id)
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
		lookup := &txLookup{ctx: ctx, tx: tx}
		problems = parley.Validate([]*parley.Dataset{ds}, lookup)
		if lookup.err != nil {
			return nil, lookup.err
		}
		if len(problems) > 0 {
			return nil, InvalidError(problems)
		}
	}

	var changes []parley.Change
	record := func(id string, t parley.NodeType, op parley.Op, before, after string, version int) error {
		c := parley.Change{NodeID: id, NodeType: t, Op: op, Author: author, At: w.now, Before: before, After: after}
		var v any
		if after != "" {
			n, err := sqlcommon.DecodeAt(t, []byte(after), version)
			if err != nil {
				return err
			}
			c.Node, c.Version, v = n, version, version
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO changes (node_id, node_type, op, author, at, before, after, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			id, string(t), string(op), author, w.now, null(before), null(after), v)
		if err != nil {
			return err
		}
		c.Seq, _ = res.LastInsertId()
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
		refs, err := db.referring(ctx, tx, m.Delete, 11)
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
		if err := w.exec("DELETE FROM nodes WHERE id = ?", m.Delete); err != nil {
			return nil, domainError(err, "delete")
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
		w.onChange = func(id string, t parley.NodeType, before, after string, version int) error {
			return record(id, t, op, before, after, version)
		}
		one := &parley.Dataset{}
		if _, _, err := place(one, p.m.Put); err != nil {
			return nil, err
		}
		if err := w.dataset(one); err != nil {
			return nil, domainError(err, "write")
		}
	}
	return changes, nil
}

// nodeVersion returns the type and version of the node with the id; ""
// if there is none.
func (db *DB) nodeVersion(ctx context.Context, tx *sql.Tx, id string) (parley.NodeType, int, error) {
	var t string
	var v int
	err := tx.QueryRowContext(ctx, "SELECT type, version FROM nodes WHERE id = ?", id).Scan(&t, &v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, nil
	}
	return parley.NodeType(t), v, err
}

// Changes implements parley.Writer (internal/store/sqlcommon, shared
// with the other SQL store).
func (db *DB) Changes(ctx context.Context, q parley.ChangeQuery) ([]parley.Change, bool, error) {
	return sqlcommon.Changes(ctx, db.query, q)
}

// CountChanges implements parley.Writer.
func (db *DB) CountChanges(ctx context.Context, q parley.ChangeQuery) (int, error) {
	return sqlcommon.CountChanges(ctx, db.queryRow, q)
}

// CreateToken implements parley.Tokens.
func (db *DB) CreateToken(ctx context.Context, name, role string) (string, error) {
	if strings.TrimSpace(name) == "" || len(name) > parley.MaxIDLength {
		return "", parley.Errorf(parley.EInvalid, "a token needs a name of 1 to %d characters", parley.MaxIDLength)
	}
	if !parley.ValidRole(role) {
		return "", parley.Errorf(parley.EInvalid, "unknown role %q: use reader, editor or admin", role)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := sqlcommon.TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	_, err := db.db.ExecContext(ctx, "INSERT INTO tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)",
		name, role, sqlcommon.HashToken(token), db.Now().UTC().Format(time.RFC3339))
	if err != nil {
		if e := domainError(err, "token"); parley.ErrorCode(e) == parley.EConflict {
			return "", parley.Errorf(parley.EConflict, "a token named %q exists already", name)
		}
		return "", err
	}
	return token, nil
}

// ListTokens implements parley.Tokens.
func (db *DB) ListTokens(ctx context.Context) ([]parley.Token, error) {
	return sqlcommon.ListTokens(ctx, db.db)
}

// RevokeToken implements parley.Tokens.
func (db *DB) RevokeToken(ctx context.Context, name string) error {
	res, err := db.db.ExecContext(ctx, "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
		db.Now().UTC().Format(time.RFC3339), name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.Errorf(parley.ENotFound, "no live token named %q", name)
	}
	return nil
}

// Authenticate implements parley.Tokens.
func (db *DB) Authenticate(ctx context.Context, token string) (*parley.Principal, error) {
	return sqlcommon.Authenticate(ctx, db.queryRow, token)
}
