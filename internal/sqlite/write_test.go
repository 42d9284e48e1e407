package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// describe returns an edit that sets an actor's description to what edit
// makes of the one stored.
func describe(edit func(string) string) func(any) ([]parley.Mutation, error) {
	return func(n any) ([]parley.Mutation, error) {
		a := *n.(*parley.Actor)
		a.Description = edit(a.Description)
		return []parley.Mutation{{Put: &a}}, nil
	}
}

// TestUpdateWaitsForAnotherWriter has a second handle on the file (as
// another process would have) hold the write lock in the middle of its
// read-modify-write while the first updates the same node: the first
// waits, then reads what the second wrote, so both changes are kept.
func TestUpdateWaitsForAnotherWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	talksFile(t, path)
	one, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	two, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer two.Close()

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
}

// TestUpdateRefusals: an edit's error is returned and nothing is written;
// a missing node is NOT_FOUND; a stale IfVersion is a CONFLICT naming the
// current version.
func TestUpdateRefusals(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	if _, err := db.Import(ctx, []*parley.Dataset{parse(t, "talks.yaml", talks(t)).Dataset}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, db)
	_, err := db.Update(ctx, "anna-berg", func(any) ([]parley.Mutation, error) {
		return nil, parley.Errorf(parley.EInvalid, "no")
	})
	if parley.ErrorCode(err) != parley.EInvalid {
		t.Errorf("edit's error: %v", err)
	}
	if _, err := db.Update(ctx, "nobody", describe(func(string) string { return "x" })); parley.ErrorCode(err) != parley.ENotFound {
		t.Errorf("missing node: %v", err)
	}
	_, err = db.Update(ctx, "anna-berg", func(n any) ([]parley.Mutation, error) {
		a := *n.(*parley.Actor)
		a.Description = "x"
		return []parley.Mutation{{Put: &a, IfVersion: 2}}, nil
	})
	var pe *parley.Error
	if parley.ErrorCode(err) != parley.EConflict || !errors.As(err, &pe) || pe.Details["currentVersion"] != 1 {
		t.Errorf("stale version: %v", err)
	}
	if after := dump(t, db); after != before {
		t.Errorf("a refused update wrote")
	}
}

// TestVersionAfterRecreate: an id deleted and created anew goes on from
// its last version, so that a client holding the old node's version
// cannot write over the new node by mistake.
func TestVersionAfterRecreate(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	if _, err := db.Import(ctx, []*parley.Dataset{parse(t, "talks.yaml", talks(t)).Dataset}); err != nil {
		t.Fatal(err)
	}
	actor := &parley.Actor{ID: "lone", Kind: "PERSON", Name: "Lone"}
	if _, err := db.Apply(ctx, []parley.Mutation{{Put: actor, New: true}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Update(ctx, "lone", describe(func(string) string { return "Changed" })); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, []parley.Mutation{{Delete: "lone", IfVersion: 2}}); err != nil {
		t.Fatal(err)
	}
	changes, err := db.Apply(ctx, []parley.Mutation{{Put: &parley.Actor{ID: "lone", Kind: "PERSON", Name: "Lone again"}, New: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Version != 3 || parley.Revision(changes[0].Node) != 3 {
		t.Errorf("created anew: %+v; want version 3", changes)
	}
	_, err = db.Update(ctx, "lone", func(n any) ([]parley.Mutation, error) {
		a := *n.(*parley.Actor)
		a.Description = "Stale"
		return []parley.Mutation{{Put: &a, IfVersion: 2}}, nil
	})
	if parley.ErrorCode(err) != parley.EConflict {
		t.Errorf("the old node's version on the new node: %v", err)
	}
}
