package postgres

import (
	"context"
	"database/sql"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// The write path's transactions are internal/store/sqlcommon's (Writes),
// shared with the other SQL store; here are PostgreSQL's hooks.

// referrer is one column through which a row refers to a node.
type referrer = sqlcommon.Referrer

// loadReferrers reads the schema's foreign keys (see
// sqlcommon.LoadReferrers).
func (db *DB) loadReferrers(ctx context.Context) (err error) {
	db.referrers, err = sqlcommon.LoadReferrers(ctx, db.db, `SELECT c.conrelid::regclass::text, a.attname,
			CASE c.confdeltype WHEN 'c' THEN 'CASCADE' ELSE 'NO ACTION' END
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
			AND c.confrelid <> c.conrelid -- a search row's reference to the row holding its text (0009) names no node
		ORDER BY 1, c.conname`)
	return err
}

// writeLock is the advisory lock every write transaction holds.
const writeLock = 0x7061726c6577 // "parlew"

// writes is the write path on this database. Each transaction first
// takes the advisory lock writeLock, SQLite's BEGIN IMMEDIATE: one
// writer at a time over the whole database, across every process, taken
// before the first read, so that a read-modify-write never works on a
// state another writer is changing.
func (db *DB) writes() *sqlcommon.Writes {
	return &sqlcommon.Writes{
		DB:  db.db,
		Now: db.Now,
		Lock: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", int64(writeLock))
			return err
		},
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

// Apply implements parley.Writer.
func (db *DB) Apply(ctx context.Context, muts []parley.Mutation) ([]parley.Change, error) {
	return db.writes().Apply(ctx, muts)
}

// Update implements parley.Writer: the node is read inside the write
// transaction, after it took the advisory lock, so no other writer, in
// this process or another, comes between the read and the write.
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
