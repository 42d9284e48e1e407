// Package sqlcommon holds what the two SQL stores (internal/sqlite and
// internal/postgres) do alike, written once: statements both engines
// accept, run through each store's own read functions (which count and
// trace them).
package sqlcommon

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parley-graph/parley/internal/parley"
)

// QueryRow and Query are a store's one-row and many-row reads.
type (
	QueryRow func(ctx context.Context, q string, args ...any) *sql.Row
	Query    func(ctx context.Context, q string, args ...any) (*sql.Rows, error)
)

// Coverage implements parley.Coverer for a SQL store: the source's
// sentences that no evidence span of any node cites, and those it lists
// as left out.
func Coverage(ctx context.Context, queryRow QueryRow, query Query, source string) (*parley.Coverage, error) {
	var text, data string
	err := queryRow(ctx, "SELECT s.text, n.data FROM sources s JOIN nodes n ON n.id = s.id WHERE s.id = ?", source).Scan(&text, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.Errorf(parley.ENotFound, "no source with id %q", source)
	}
	if err != nil {
		return nil, fmt.Errorf("coverage of %s: %w", source, err)
	}
	var src parley.Source
	if err := json.Unmarshal([]byte(data), &src); err != nil {
		return nil, fmt.Errorf("decode %s: %w", parley.TypeSource, err)
	}
	rows, err := query(ctx, "SELECT start_pos, end_pos FROM evidence WHERE source_id = ? ORDER BY start_pos", source)
	if err != nil {
		return nil, fmt.Errorf("coverage of %s: %w", source, err)
	}
	defer rows.Close()
	var spans [][2]int
	for rows.Next() {
		var s [2]int
		if err := rows.Scan(&s[0], &s[1]); err != nil {
			return nil, err
		}
		spans = append(spans, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c := parley.Cover(text, spans, src.LeftOut)
	c.Source = source
	return &c, nil
}
