package postgres

import (
	"context"

	"github.com/parley-graph/parley/internal/parley"
)

// PathEveryLink is Path with every step reading all the links of its
// frontier, never first the links between it and the other side: the
// same path, found the long way.
func (db *DB) PathEveryLink(ctx context.Context, from, to string, maxHops int, kinds []string) (*parley.Path, error) {
	return db.path(ctx, from, to, maxHops, kinds, -1)
}
