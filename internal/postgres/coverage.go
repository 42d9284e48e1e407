package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/parley-graph/parley/internal/parley"
)

var _ parley.Coverer = (*DB)(nil)

// Coverage implements parley.Coverer: the source's sentences that no
// evidence span of any node cites, and those it lists as left out.
func (db *DB) Coverage(ctx context.Context, source string) (*parley.Coverage, error) {
	var text, data string
	err := db.queryRow(ctx, "SELECT s.text, n.data FROM sources s JOIN nodes n ON n.id = s.id WHERE s.id = ?", source).Scan(&text, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.Errorf(parley.ENotFound, "no source with id %q", source)
	}
	if err != nil {
		return nil, fmt.Errorf("coverage of %s: %w", source, err)
	}
	v, err := decode(parley.TypeSource, []byte(data))
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT start_pos, end_pos FROM evidence WHERE source_id = ? ORDER BY start_pos", source)
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
	c := parley.Cover(text, spans, v.(*parley.Source).LeftOut)
	c.Source = source
	return &c, nil
}
