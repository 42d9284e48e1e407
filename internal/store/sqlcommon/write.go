package sqlcommon

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parley-graph/parley/internal/parley"
)

// Changes implements parley.Writer.
func Changes(ctx context.Context, query Query, q parley.ChangeQuery) ([]parley.Change, bool, error) {
	var where []string
	var args []any
	if q.NodeID != nil {
		where = append(where, "node_id = ?")
		args = append(args, *q.NodeID)
	}
	order := "DESC"
	switch {
	case q.Since != nil:
		where = append(where, "seq > ?")
		args = append(args, *q.Since)
		order = "ASC"
	case q.Before != nil:
		where = append(where, "seq < ?")
		args = append(args, *q.Before)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := query(ctx, `SELECT seq, node_id, node_type, op, author, at, coalesce(before, ''), coalesce(after, ''), coalesce(version, 0)
		FROM changes`+cond+" ORDER BY seq "+order+" LIMIT ?", append(args, q.First+1)...)
	if err != nil {
		return nil, false, fmt.Errorf("changes: %w", err)
	}
	defer rows.Close()
	var out []parley.Change
	for rows.Next() {
		var c parley.Change
		var t, op string
		if err := rows.Scan(&c.Seq, &c.NodeID, &t, &op, &c.Author, &c.At, &c.Before, &c.After, &c.Version); err != nil {
			return nil, false, err
		}
		c.NodeType, c.Op = parley.NodeType(t), parley.Op(op)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) > q.First {
		return out[:q.First], true, nil
	}
	return out, false, nil
}

// CountChanges implements parley.Writer.
func CountChanges(ctx context.Context, queryRow QueryRow, q parley.ChangeQuery) (int, error) {
	var where []string
	var args []any
	if q.NodeID != nil {
		where = append(where, "node_id = ?")
		args = append(args, *q.NodeID)
	}
	if q.Since != nil {
		where = append(where, "seq > ?")
		args = append(args, *q.Since)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var n int
	if err := queryRow(ctx, "SELECT count(*) FROM changes"+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count changes: %w", err)
	}
	return n, nil
}

// TokenPrefix marks Parley's tokens, so that a leaked one is recognisable.
const TokenPrefix = "pk_"

// HashToken is what a store keeps of a token: its SHA-256, in hex.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ListTokens implements parley.Tokens.
func ListTokens(ctx context.Context, db *sql.DB) ([]parley.Token, error) {
	rows, err := db.QueryContext(ctx, "SELECT name, role, created_at, coalesce(revoked_at, '') FROM tokens ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parley.Token
	for rows.Next() {
		var t parley.Token
		if err := rows.Scan(&t.Name, &t.Role, &t.CreatedAt, &t.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// CreateToken implements parley.Tokens.
func (w *Writes) CreateToken(ctx context.Context, name, role string) (string, error) {
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
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	_, err := w.DB.ExecContext(ctx, "INSERT INTO tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)",
		name, role, HashToken(token), w.Now().UTC().Format(time.RFC3339))
	if err != nil {
		if e := w.DomainError(err, "token"); parley.ErrorCode(e) == parley.EConflict {
			return "", parley.Errorf(parley.EConflict, "a token named %q exists already", name)
		}
		return "", err
	}
	return token, nil
}

// RevokeToken implements parley.Tokens.
func (w *Writes) RevokeToken(ctx context.Context, name string) error {
	res, err := w.DB.ExecContext(ctx, "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
		w.Now().UTC().Format(time.RFC3339), name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return parley.Errorf(parley.ENotFound, "no live token named %q", name)
	}
	return nil
}

// Authenticate implements parley.Tokens.
func Authenticate(ctx context.Context, queryRow QueryRow, token string) (*parley.Principal, error) {
	var p parley.Principal
	var revoked sql.NullString
	err := queryRow(ctx, "SELECT name, role, revoked_at FROM tokens WHERE hash = ?", HashToken(token)).Scan(&p.Name, &p.Role, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.Errorf(parley.EUnauthenticated, "the token is not valid")
	}
	if err != nil {
		return nil, err
	}
	if revoked.Valid {
		return nil, parley.Errorf(parley.EUnauthenticated, "the token has been revoked")
	}
	return &p, nil
}
