package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
	"github.com/parley-graph/parley/internal/store/sqlcommon/walktest"
)

// TestNeighboursUpToCutsLikeOneSortedUnion checks the walker's link reads
// on SQLite (links packed in one text) against one plain sorted statement:
// NeighboursUpTo, cut per half in SQL and merged, gives the first max
// links of the union; Neighbours and LinksBetween every live link once,
// in order (walktest).
func TestNeighboursUpToCutsLikeOneSortedUnion(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "walk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds := walktest.Graph()
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	walktest.NeighboursCutLikeOneSortedUnion(t, walk(db), db.query, ds)
	walktest.NeighbourhoodFindsItsNode(t, walk(db), ds)
}

// walk is db's walker, addressable.
func walk(db *DB) *sqlcommon.Walker {
	w := db.walker()
	return &w
}
