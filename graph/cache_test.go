package graph_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestNodeCacheSeesWrites serves one database (a SQLite file, or a
// PostgreSQL database when PARLEY_TEST_POSTGRES names a server) from two
// stores, as two server processes would: nodes the first has cached are
// read afresh once the second (or the first itself) has written, and a
// repeated read is answered from the cache.
func TestNodeCacheSeesWrites(t *testing.T) {
	ctx := context.Background()
	a, b := twoStores(t)
	if _, err := a.Import(ctx, []*parley.Dataset{berlinFile(t)}); err != nil {
		t.Fatal(err)
	}
	h := graph.NewHandler(a, nil)

	const q = `{ node(id: "ukraine") { ... on Actor { name } }
		actors(first: 3) { edges { node { id name } } } }`
	type answer struct {
		Node   struct{ Name string }
		Actors struct {
			Edges []struct{ Node struct{ ID, Name string } }
		}
	}
	ask := func() answer {
		t.Helper()
		data, errs := raw(t, h, q)
		if len(errs) > 0 {
			t.Fatalf("%s: %+v", q, errs)
		}
		var got answer
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		return got
	}

	first := ask()
	if first.Node.Name != "Ukraine" || len(first.Actors.Edges) != 3 {
		t.Fatalf("unexpected first answer: %+v", first)
	}
	// Asked again, the nodes come from the cache: the version and the
	// list's ids are all the store is asked.
	before := a.Queries()
	if diff := cmp.Diff(first, ask()); diff != "" {
		t.Errorf("second answer differs (-want +got):\n%s", diff)
	}
	if n := a.Queries() - before; n != 1 {
		t.Errorf("a repeated query sent %d statements to the store, want 1 (the version: the list's page is cached too)", n)
	}

	// Another process renames Ukraine and the first actor listed.
	listed := first.Actors.Edges[0].Node.ID
	renameActor(t, b, "ukraine", "Ukraine (renamed elsewhere)")
	renameActor(t, b, listed, "Listed (renamed elsewhere)")
	got := ask()
	if got.Node.Name != "Ukraine (renamed elsewhere)" || got.Actors.Edges[0].Node.Name != "Listed (renamed elsewhere)" {
		t.Errorf("after another process wrote, got %+v", got)
	}

	// This process writes through its own store.
	renameActor(t, a, "ukraine", "Ukraine (renamed here)")
	if got := ask(); got.Node.Name != "Ukraine (renamed here)" {
		t.Errorf("after this process wrote, got %+v", got)
	}
	// The cache serves the new version.
	before = a.Queries()
	ask()
	if n := a.Queries() - before; n != 1 {
		t.Errorf("a repeated query after the write sent %d statements to the store, want 1", n)
	}
}

// twoStores opens one database (a SQLite file, or a PostgreSQL database
// when PARLEY_TEST_POSTGRES names a server) as two stores, as two server
// processes would.
func twoStores(t *testing.T) (a, b testDB) {
	ctx := context.Background()
	var open func() testDB
	if pgtest.Server() != "" {
		url := pgtest.Database(t)
		open = func() testDB {
			db, err := postgres.Open(ctx, url, postgres.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
	} else {
		path := filepath.Join(t.TempDir(), "shared.db")
		open = func() testDB {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
	}
	return open(), open()
}

// TestListCacheSeesWrites: the pages of lists are kept across requests
// with the nodes, and read afresh once another process (or this one) has
// changed which nodes a list holds: a new actor first in the list of
// actors, a position moved from one holder's list to another's, a node
// deleted.
func TestListCacheSeesWrites(t *testing.T) {
	ctx := context.Background()
	a, b := twoStores(t)
	if _, err := a.Import(ctx, []*parley.Dataset{berlinFile(t)}); err != nil {
		t.Fatal(err)
	}
	h := graph.NewHandler(a, nil)
	const q = `{ actors(first: 3) { totalCount edges { node { id } } }
		ukraine: node(id: "ukraine") { ... on Actor { positions(first: 100) { totalCount edges { node { id } } } } }
		russia: node(id: "russia") { ... on Actor { positions(first: 100) { totalCount edges { node { id } } } } } }`
	type edge struct{ Node struct{ ID string } }
	type page struct {
		TotalCount int
		Edges      []edge
	}
	type answer struct {
		Actors          page
		Ukraine, Russia struct{ Positions page }
	}
	ids := func(p page) []string {
		var out []string
		for _, e := range p.Edges {
			out = append(out, e.Node.ID)
		}
		return out
	}
	ask := func() answer {
		t.Helper()
		data, errs := raw(t, h, q)
		if len(errs) > 0 {
			t.Fatalf("%s: %+v", q, errs)
		}
		var got answer
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		return got
	}
	cached := func(want answer) {
		t.Helper()
		before := a.Queries()
		if diff := cmp.Diff(want, ask()); diff != "" {
			t.Errorf("asked again (-want +got):\n%s", diff)
		}
		if n := a.Queries() - before; n != 1 {
			t.Errorf("asked again, %d statements, want 1 (the version)", n)
		}
	}

	first := ask()
	ukr := ids(first.Ukraine.Positions)
	if len(first.Actors.Edges) != 3 || len(ukr) == 0 || len(ukr) != first.Ukraine.Positions.TotalCount {
		t.Fatalf("unexpected first answer: %+v", first)
	}
	cached(first)

	// Another process adds an actor that sorts first.
	if _, err := b.Apply(ctx, []parley.Mutation{{Put: &parley.Actor{ID: "aaa-newcomer", Kind: parley.Person, Name: "Newcomer"}, New: true}}); err != nil {
		t.Fatal(err)
	}
	got := ask()
	want := first
	newcomer := edge{}
	newcomer.Node.ID = "aaa-newcomer"
	want.Actors = page{TotalCount: first.Actors.TotalCount + 1, Edges: append([]edge{newcomer}, first.Actors.Edges[:2]...)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after another process created an actor (-want +got):\n%s", diff)
	}
	cached(got)

	// Another process gives Ukraine's first position to Russia.
	moved := ukr[0]
	n, err := b.Node(ctx, moved)
	if err != nil {
		t.Fatal(err)
	}
	pos := *n.(*parley.Position)
	pos.Holder = "russia"
	if _, err := b.Apply(ctx, []parley.Mutation{{Op: parley.OpUpdate, Put: &pos}}); err != nil {
		t.Fatal(err)
	}
	got = ask()
	if slices.Contains(ids(got.Ukraine.Positions), moved) || got.Ukraine.Positions.TotalCount != first.Ukraine.Positions.TotalCount-1 {
		t.Errorf("Ukraine's positions after the move: %+v; want %s gone", got.Ukraine.Positions, moved)
	}
	if !slices.Contains(ids(got.Russia.Positions), moved) || got.Russia.Positions.TotalCount != first.Russia.Positions.TotalCount+1 {
		t.Errorf("Russia's positions after the move: %+v; want %s there", got.Russia.Positions, moved)
	}
	cached(got)

	// This process deletes the newcomer through its own store.
	if _, err := a.Apply(ctx, []parley.Mutation{{Delete: "aaa-newcomer"}}); err != nil {
		t.Fatal(err)
	}
	got = ask()
	if diff := cmp.Diff(first.Actors, got.Actors); diff != "" {
		t.Errorf("after this process deleted the newcomer (-want +got):\n%s", diff)
	}
	cached(got)
}

// TestBatchesNeedNoWindow runs a profile-shaped query: the list items
// resolve one after another, and every batch is fetched ahead for the
// whole page by the prefetch (the references of a fetched page, and its
// items' own lists, by a dry run of their resolvers), so the answer comes
// without waiting, and in a fixed number of statements.
func TestBatchesNeedNoWindow(t *testing.T) {
	h, db := serveWith(t, nil, berlinFile(t))
	const q = `{ node(id: "russia") { ... on Actor { name positions(first: 20) { edges { node { stance
		proposition { text issue { name } positions(first: 10) { edges { node { holder { name }
			evidence { quote source { title } } } } } } } } } } } }`
	done := make(chan struct{})
	var n int64
	go func() {
		defer close(done)
		before := db.Queries()
		var resp struct {
			Node struct {
				Positions struct{ Edges []struct{} }
			}
		}
		query(t, h, q, &resp)
		if len(resp.Node.Positions.Edges) == 0 {
			t.Errorf("russia has no positions")
		}
		n = db.Queries() - before
	}()
	select {
	case <-done:
		// The version; the actor; its positions (ids, nodes); their
		// propositions and issues (primed: two levels); the propositions'
		// positions (ids, nodes); their holders and sources (primed).
		if n != 9 {
			t.Errorf("%d statements, want 9", n)
		}
	case <-time.After(time.Minute):
		t.Fatal("a batch waited for its window")
	}
}
