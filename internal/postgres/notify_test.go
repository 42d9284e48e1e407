package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// TestWatchChanges opens two stores on one database, as two server
// processes would, and watches the first: each committed write by either
// reaches its channel; a refused write and an import that changes nothing
// send nothing; the channel closes when the watch's context ends, when
// the listening connection is lost (and watching again connects anew),
// and when the store closes.
func TestWatchChanges(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	// Short waits between checks of the connection, so that the test
	// goes through them (a wait that times out must leave the connection
	// listening).
	defer func(d time.Duration) { notifyKeepalive = d }(notifyKeepalive)
	notifyKeepalive = 100 * time.Millisecond
	ctx := context.Background()
	url := pgtest.Database(t)
	open := func() *DB {
		db, err := Open(ctx, url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	// notice waits for a value on ch; none checks that none comes.
	notice := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case _, ok := <-ch:
			if !ok {
				t.Fatalf("%s: the channel closed", what)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no notice within 10 s", what)
		}
	}
	none := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case _, ok := <-ch:
			t.Fatalf("%s: a notice (open %v), want none", what, ok)
		case <-time.After(500 * time.Millisecond):
		}
	}
	closes := func(ch <-chan struct{}, what string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case _, ok := <-ch:
				if !ok {
					return
				}
			case <-deadline:
				t.Fatalf("%s: the channel is still open after 10 s", what)
			}
		}
	}
	rename := func(db *DB, id, name string) {
		t.Helper()
		n, err := db.Node(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		actor := n.(*parley.Actor)
		actor.Name = name
		if _, err := db.Apply(ctx, []parley.Mutation{{Op: parley.OpUpdate, Put: actor}}); err != nil {
			t.Fatal(err)
		}
	}

	watch, stop := context.WithCancel(ctx)
	ch, err := a.WatchChanges(watch)
	if err != nil {
		t.Fatal(err)
	}
	none(ch, "before any write")
	if _, err := b.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
		t.Fatal(err)
	}
	notice(ch, "an import by the other store")
	none(ch, "after the import's notice (one transaction, one notice)")
	time.Sleep(3 * notifyKeepalive) // quiet: the connection is checked
	rename(b, "ukraine", "Ukraine (renamed by b)")
	notice(ch, "an update by the other store")
	rename(a, "ukraine", "Ukraine (renamed by a)")
	notice(ch, "an update by the watching store")
	if _, err := b.Apply(ctx, []parley.Mutation{{Op: parley.OpUpdate, Put: &parley.Actor{ID: "no-such-actor", Kind: "PERSON", Name: "Nobody"}}}); err == nil {
		t.Fatal("an update of a node that does not exist was accepted")
	}
	none(ch, "a refused write")
	if res, err := b.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil || res.Created+res.Updated != 1 {
		// Ukraine's name goes back; the rest is unchanged.
		t.Fatalf("import again: %+v, %v", res, err)
	}
	notice(ch, "an import that changed one node")
	if res, err := b.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil || res.Created+res.Updated != 0 {
		t.Fatalf("import a third time: %+v, %v", res, err)
	}
	none(ch, "an import that changed nothing")
	stop()
	closes(ch, "after the watch's context ended")

	// The listening connection is lost: the channel closes; watching
	// again connects anew.
	ch, err = a.WatchChanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * notifyKeepalive)
	var killed int
	if err := b.SQL().QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = '`+listenerName+`'`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminate the listening connection: %d, %v", killed, err)
	}
	closes(ch, "after the connection was lost")
	ch, err = a.WatchChanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rename(b, "russia", "Russia (renamed by b)")
	notice(ch, "an update after watching again")
	// Two watchers share the connection; both are told.
	ch2, err := a.WatchChanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rename(b, "russia", "Russia (renamed again)")
	notice(ch, "the first of two watchers")
	notice(ch2, "the second of two watchers")
	a.Close()
	closes(ch, "after the store closed")
	closes(ch2, "after the store closed")
	if _, err := a.WatchChanges(ctx); err == nil {
		t.Error("a closed store accepts a watcher")
	}
}
