package sqlcommon

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parley-graph/parley/internal/parley"
)

// Decode turns a stored record into its domain type.
func Decode(t parley.NodeType, data []byte) (any, error) {
	v := parley.New(t)
	if v == nil {
		return nil, fmt.Errorf("unknown node type %q", t)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", t, err)
	}
	return v, nil
}

// DecodeAt decodes a stored record and sets its version.
func DecodeAt(t parley.NodeType, data []byte, version int) (any, error) {
	v, err := Decode(t, data)
	if err != nil {
		return nil, err
	}
	parley.SetRevision(v, version)
	return v, nil
}

// Export implements parley.Store: every node, in id order, read in one
// read-only transaction of db.
func Export(ctx context.Context, db *sql.DB) (*parley.Dataset, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT type, data FROM nodes ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	ds := &parley.Dataset{}
	for rows.Next() {
		var t string
		var data []byte
		if err := rows.Scan(&t, &data); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		v, err := Decode(parley.NodeType(t), data)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		ds.Add(v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return ds, nil
}

// Node implements parley.Store, by the store's read queryRow.
func Node(ctx context.Context, queryRow QueryRow, id string) (any, error) {
	var t string
	var data []byte
	var version int
	err := queryRow(ctx, "SELECT type, data, version FROM nodes WHERE id = ?", id).Scan(&t, &data, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.Errorf(parley.ENotFound, "no node with id %q", id)
	}
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	return DecodeAt(parley.NodeType(t), data, version)
}

// Nodes implements parley.Store, by the store's read query. The ids
// travel as one JSON array, so a batch of any size is one statement.
func Nodes(ctx context.Context, query Query, ids []string) (map[string]any, error) {
	keys, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := query(ctx, "SELECT id, type, data, version FROM nodes WHERE id IN (SELECT value FROM json_each(?))", string(keys))
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	defer rows.Close()
	out := make(map[string]any, len(ids))
	for rows.Next() {
		var id, t string
		var data []byte
		var version int
		if err := rows.Scan(&id, &t, &data, &version); err != nil {
			return nil, fmt.Errorf("nodes: %w", err)
		}
		v, err := DecodeAt(parley.NodeType(t), data, version)
		if err != nil {
			return nil, fmt.Errorf("nodes: %w", err)
		}
		out[id] = v
	}
	return out, rows.Err()
}

// Counts implements parley.Store, by the store's read query.
func Counts(ctx context.Context, query Query) (map[parley.NodeType]int, error) {
	rows, err := query(ctx, "SELECT type, count(*) FROM nodes GROUP BY type")
	if err != nil {
		return nil, fmt.Errorf("counts: %w", err)
	}
	defer rows.Close()
	out := map[parley.NodeType]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, fmt.Errorf("counts: %w", err)
		}
		out[parley.NodeType(t)] = n
	}
	return out, rows.Err()
}
