package postgres

import (
	"context"
	"runtime"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// TestVersionReadsShared: requests that ask for the version while a read
// is in flight share the next read, never the one in flight: with the
// first read held after it answered, another process writes, and the
// requests that ask after the write returned all see it, from one more
// statement.
func TestVersionReadsShared(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	url := pgtest.Database(t)
	db, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	before, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}

	held, release := make(chan struct{}), make(chan struct{})
	first := true
	db.versions.afterRead = func() { // runs in one sender at a time
		if first {
			first = false
			close(held)
			<-release
		}
	}
	queries := db.Queries()
	type answer struct {
		v   int64
		err error
	}
	inFlight := make(chan answer, 1)
	go func() {
		v, err := db.Version(ctx)
		inFlight <- answer{v, err}
	}()
	<-held // the first statement has read the version, not yet told it

	if _, err := other.Apply(ctx, []parley.Mutation{{Put: &parley.Actor{ID: "anna-berg", Kind: "PERSON", Name: "Anna Berg"}, New: true}}); err != nil {
		t.Fatal(err)
	}
	after, err := other.Version(ctx)
	if err != nil || after <= before {
		t.Fatalf("version after the write %d (%v), before %d", after, err, before)
	}
	const n = 8
	later := make(chan answer, n)
	for range n {
		go func() {
			v, err := db.Version(ctx)
			later <- answer{v, err}
		}()
	}
	for joined := 0; joined < n; runtime.Gosched() { // until all n wait
		db.versions.mu.Lock()
		if c := db.versions.next; c != nil {
			joined = c.asked
		}
		db.versions.mu.Unlock()
	}
	close(release)

	if a := <-inFlight; a.err != nil || a.v != before {
		t.Errorf("the read in flight: %d (%v), want %d", a.v, a.err, before)
	}
	for range n {
		if a := <-later; a.err != nil || a.v != after {
			t.Errorf("a read asked after the write: %d (%v), want %d", a.v, a.err, after)
		}
	}
	if got := db.Queries() - queries; got != 2 {
		t.Errorf("%d statements for 1+%d reads, want 2", got, n)
	}
}

// BenchmarkVersion compares ways of reading the version from 16
// goroutines at once: one statement each (as before), and shared
// (Version). It reports the statements sent per read.
func BenchmarkVersion(b *testing.B) {
	if pgtest.Server() == "" {
		b.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	db, err := Open(ctx, pgtest.Database(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		name string
		read func() error
	}{
		{"each", func() error { _, err := db.readVersion(ctx); return err }},
		{"shared", func() error { _, err := db.Version(ctx); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(8)
			q := db.Queries()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.read(); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(db.Queries()-q)/float64(b.N), "statements/op")
		})
	}
}
