package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// TestUpdateWaitsForAnotherWriter has a second handle on the database
// (as another server process would have) hold the write lock in the
// middle of its read-modify-write while the first updates the same node:
// the first waits, then reads what the second wrote, so both changes are
// kept.
func TestUpdateWaitsForAnotherWriter(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	url := pgtest.Database(t)
	one, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	two, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer two.Close()
	if _, err := one.Apply(ctx, []parley.Mutation{{Put: &parley.Actor{ID: "anna-berg", Kind: "PERSON", Name: "Anna Berg"}, New: true}}); err != nil {
		t.Fatal(err)
	}
	describe := func(edit func(string) string) func(any) ([]parley.Mutation, error) {
		return func(n any) ([]parley.Mutation, error) {
			a := *n.(*parley.Actor)
			a.Description = edit(a.Description)
			return []parley.Mutation{{Put: &a}}, nil
		}
	}

	inside := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := two.Update(ctx, "anna-berg", describe(func(string) string {
			close(inside)
			// Hold the transaction while the other writer tries.
			time.Sleep(300 * time.Millisecond)
			return "First"
		}))
		done <- err
	}()
	select {
	case <-inside:
	case err := <-done:
		t.Fatalf("the first writer ended before it read the node: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the first writer did not start within 30 s")
	}
	var saw string
	changes, err := one.Update(ctx, "anna-berg", describe(func(d string) string {
		saw = d
		return d + ", then second"
	}))
	if err != nil {
		t.Fatalf("the waiting writer failed: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the first writer failed: %v", err)
	}
	if saw != "First" || len(changes) != 1 || changes[0].Version != 3 {
		t.Errorf("the waiting writer read %q and made %+v; want it to read First and make version 3", saw, changes)
	}
	n, err := one.Node(ctx, "anna-berg")
	if err != nil {
		t.Fatal(err)
	}
	if a := n.(*parley.Actor); a.Description != "First, then second" || a.Version != 3 {
		t.Errorf("stored %q at version %d; want both changes, version 3", a.Description, a.Version)
	}
	history, _, err := one.Changes(ctx, parley.ChangeQuery{NodeID: ptr("anna-berg"), First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 3 || history[0].Version != 3 || history[1].Version != 2 || history[0].Seq <= history[1].Seq {
		t.Errorf("history: %+v; want versions 3, 2, 1, newest first", history)
	}
}

func ptr[T any](v T) *T { return &v }
