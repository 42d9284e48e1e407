package postgres

import (
	"context"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
	"github.com/parley-graph/parley/internal/store/sqlcommon/walktest"
)

// TestNeighboursUpToCutsLikeOneSortedUnion is SQLite's check of the
// walker's link reads on PostgreSQL, whose statements pass the frontier
// as an array (= ANY) and leave out the deprecated by NOT EXISTS: the same
// links, in the same order, as one plain sorted statement (walktest).
func TestNeighboursUpToCutsLikeOneSortedUnion(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	db, err := Open(ctx, pgtest.Database(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds := walktest.Graph()
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	w := db.walker()
	if !w.Arrays {
		t.Fatal("the PostgreSQL walker does not pass its lists as arrays")
	}
	walktest.NeighboursCutLikeOneSortedUnion(t, &w, db.query, ds)
}
