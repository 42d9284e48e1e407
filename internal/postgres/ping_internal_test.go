package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// TestPingAfterBurst: after a burst of requests has opened every
// connection of the pool (database/sql keeps them, idle, acquired from
// pgxpool), the reachability check (/readyz) still answers at once
// instead of waiting for a connection of pgxpool that never comes back.
func TestPingAfterBurst(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	const size = 2
	db, err := Open(ctx, pgtest.Database(t), Options{MaxConns: size})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The burst: size connections in use at once, then given back to
	// database/sql, which keeps them idle.
	var conns []interface{ Close() error }
	for range size {
		c, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if got := db.pool.Stat().AcquiredConns(); got != size {
		t.Fatalf("pgxpool: %d connections acquired after the burst, want %d (database/sql keeps its idle ones)", got, size)
	}
	// Not a timing assertion: the deadline only ends a ping that would
	// otherwise wait for ever.
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		t.Fatalf("ping after a burst: %v", err)
	}
	if _, err := db.Version(ctx); err != nil {
		t.Fatalf("read after the ping: %v", err)
	}
}
