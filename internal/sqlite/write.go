package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/mattn/go-sqlite3"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// The write path's transactions are internal/store/sqlcommon's (Writes),
// shared with the other SQL store; here are SQLite's hooks.

// referrer is one column through which a row refers to a node.
type referrer = sqlcommon.Referrer

// loadReferrers reads the schema's foreign keys (see
// sqlcommon.LoadReferrers).
func (db *DB) loadReferrers(ctx context.Context) (err error) {
	db.referrers, err = sqlcommon.LoadReferrers(ctx, db.db, `SELECT m.name, f."from", f.on_delete FROM sqlite_master m
		JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id`)
	return err
}

// writes is the write path on this database. Its transactions begin
// IMMEDIATE (see DSN): each takes SQLite's write lock before it reads,
// and waits for it up to the busy timeout. Writers of this process queue
// on db.writing first, in order, rather than in SQLite's busy handler,
// which polls with sleeps of up to 100 ms; the busy handler is left to
// wait for writers of other processes.
func (db *DB) writes() *sqlcommon.Writes {
	return &sqlcommon.Writes{
		DB:          db.db,
		Now:         db.Now,
		Queue:       db.writing,
		Busy:        isBusy,
		DomainError: domainError,
		Referrers:   db.referrers,
		Nodes: func(ctx context.Context, tx *sql.Tx, now string) sqlcommon.PutNode {
			w := &writer{ctx: ctx, tx: tx, now: now, res: &parley.ImportResult{}}
			return func(node any, changed func(string, parley.NodeType, string, string, int) error) error {
				w.onChange = changed
				return w.node(node)
			}
		},
		Lookup: func(ctx context.Context, tx *sql.Tx) (parley.Lookup, func() error) {
			l := &txLookup{ctx: ctx, tx: tx}
			return l, func() error { return l.err }
		},
	}
}

// write runs fn in one write transaction (sqlcommon.Writes.Write).
func (db *DB) write(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	return db.writes().Write(ctx, what, fn)
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED.
func isBusy(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked)
}

// Apply implements parley.Writer.
func (db *DB) Apply(ctx context.Context, muts []parley.Mutation) ([]parley.Change, error) {
	return db.writes().Apply(ctx, muts)
}

// Update implements parley.Writer: the node is read inside the write
// transaction (BEGIN IMMEDIATE), so no other writer, in this process or
// another, comes between the read and the write.
func (db *DB) Update(ctx context.Context, id string, edit func(current any) ([]parley.Mutation, error)) ([]parley.Change, error) {
	return db.writes().Update(ctx, id, edit)
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
	return db.writes().CreateToken(ctx, name, role)
}

// ListTokens implements parley.Tokens.
func (db *DB) ListTokens(ctx context.Context) ([]parley.Token, error) {
	return sqlcommon.ListTokens(ctx, db.db)
}

// RevokeToken implements parley.Tokens.
func (db *DB) RevokeToken(ctx context.Context, name string) error {
	return db.writes().RevokeToken(ctx, name)
}

// Authenticate implements parley.Tokens.
func (db *DB) Authenticate(ctx context.Context, token string) (*parley.Principal, error) {
	return sqlcommon.Authenticate(ctx, db.queryRow, token)
}
