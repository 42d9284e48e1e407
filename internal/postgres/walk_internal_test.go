package postgres

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/gen"
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
	walktest.NeighbourhoodFindsItsNode(t, &w, ds)
}

// TestWalksWhileDatabaseSQLHoldsThePool walks with every connection of
// the pool held idle by database/sql, as a busy server's are: the links
// must be read on one of those, not by waiting on the pool beside it
// (which waited forever; the deadline only ends such a wait).
func TestWalksWhileDatabaseSQLHoldsThePool(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	db, err := Open(ctx, pgtest.Database(t), Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds := gen.Generate(gen.Config{Actors: 20, Statements: 200, Seed: 3})
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	var held []*sql.Conn
	for range 2 {
		c, err := db.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		c.Close()
	}
	if idle := db.db.Stats().Idle; idle != 2 {
		t.Fatalf("database/sql holds %d idle connections, want the pool's 2", idle)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	busy, quiet := ds.Actors[0].ID, ds.Actors[len(ds.Actors)-1].ID
	if _, err := db.Path(ctx, busy, quiet, 4, nil); err != nil {
		t.Fatalf("path: %v", err)
	}
	g, err := db.Neighbourhood(ctx, quiet, 2, 100, nil)
	if err != nil {
		t.Fatalf("neighbourhood: %v", err)
	}
	if len(g.Links) == 0 {
		t.Error("the neighbourhood has no links: nothing was read")
	}
}
