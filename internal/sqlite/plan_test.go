package sqlite

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// TestQueryPlans runs the hot queries (an actor's profile, an issue's
// conflicts, a path, a neighbourhood, a search, the common lists) on a
// generated graph, and fails if SQLite plans a full scan of a large table
// for any statement they send.
func TestQueryPlans(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds := gen.Generate(gen.Config{Actors: 300, Statements: 6000, Seed: 3})
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	// No ANALYZE: Parley does not run it, so these are the plans it gets.
	type stmt struct {
		q    string
		args []any
	}
	var seen []stmt
	db.trace = func(q string, args []any) { seen = append(seen, stmt{q, args}) }

	actor, other := ds.Actors[0].ID, ds.Actors[len(ds.Actors)-1].ID
	issue := ds.Issues[0].ID
	first := 20
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// An actor's profile: positions, their propositions, the other positions
	// on them and their holders.
	res, err := db.List(ctx, parley.ListRequest{Of: parley.TypePosition, Via: "holder", Parents: []string{actor}, First: first, Count: true})
	must(err)
	var props, holders []string
	for _, p := range res.Items[actor] {
		props = append(props, p.(*parley.Position).Proposition)
	}
	_, err = db.Nodes(ctx, props)
	must(err)
	opp := "OPPOSES"
	res, err = db.List(ctx, parley.ListRequest{Of: parley.TypePosition, Via: "proposition", Parents: props, First: first, Filter: parley.Filter{Stance: &opp}})
	must(err)
	for _, items := range res.Items {
		for _, p := range items {
			holders = append(holders, p.(*parley.Position).Holder)
		}
	}
	_, err = db.Nodes(ctx, holders)
	must(err)
	// Every list by a parent, of every type.
	for of, vias := range sqlcommon.ListVias() {
		for _, via := range vias {
			if via == "" {
				continue
			}
			_, err = db.List(ctx, parley.ListRequest{Of: of, Via: via, Parents: []string{actor, issue}, First: first, Count: true})
			must(err)
		}
	}
	// Lists by a reference most rows leave empty, which a partial index
	// holds only where it is set (migration 0012).
	event := ds.Events[0].ID
	for _, f := range []parley.Filter{{ReportedVia: &actor}, {AttributedTo: &actor}, {Event: &event}} {
		_, err = db.List(ctx, parley.ListRequest{Of: parley.TypeStatement, Filter: f, First: first, Count: true})
		must(err)
	}
	_, _, err = db.Conflicts(ctx, parley.ConflictQuery{Issue: &issue, First: first})
	must(err)
	_, _, err = db.Conflicts(ctx, parley.ConflictQuery{Actor: &actor, First: first})
	must(err)
	_, err = db.Path(ctx, actor, other, 4, nil)
	must(err)
	_, err = db.Neighbourhood(ctx, actor, 2, 500, nil)
	must(err)
	_, _, err = db.Search(ctx, parley.SearchQuery{Text: "ceasefire", First: first})
	must(err)
	_, _, err = db.Changes(ctx, parley.ChangeQuery{NodeID: &actor, First: first})
	must(err)
	db.trace = nil

	large := map[string]bool{}
	for _, name := range []string{"nodes", "actors", "assertions", "evidence", "edges", "positions", "commitments", "statements", "roles",
		"relations", "participations", "search_docs", "changes", "commitment_parties", "statement_expresses", "statement_audience",
		"actor_names"} {
		large[name] = true
	}
	// SQLite names a table by its alias in a plan.
	alias := regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)`)
	scan := regexp.MustCompile(`^SCAN (\w+)(?: USING (?:COVERING )?INDEX \w+)?$`)
	checkedOutward, checkedSearch := false, false
	for _, s := range seen {
		tables := map[string]string{}
		for _, m := range alias.FindAllStringSubmatch(s.q, -1) {
			tables[m[2]] = m[1]
			tables[m[1]] = m[1]
		}
		rows, err := db.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+s.q, s.args...)
		if err != nil {
			t.Fatalf("explain %s: %v", s.q, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
			// A partial index holds only the few rows it names.
			if m := scan.FindStringSubmatch(detail); m != nil && large[tables[m[1]]] && !strings.HasSuffix(detail, "INDEX assertions_deprecated") {
				t.Errorf("full scan of %s in\n%s\nplan:\n  %s", tables[m[1]], strings.Join(strings.Fields(s.q), " "), strings.Join(plan, "\n  "))
			}
			// A parent's page by its own column is read in id order from
			// an index and stops at the page's end: sorting would read
			// every match of a busy parent.
			if strings.Contains(s.q, "json_group_array") && !strings.Contains(s.q, "DISTINCT") && strings.HasPrefix(detail, "USE TEMP B-TREE") {
				t.Errorf("a page sorts every match in\n%s\nplan:\n  %s", strings.Join(strings.Fields(s.q), " "), strings.Join(plan, "\n  "))
			}
		}
		rows.Close()
		// A search runs its MATCH over the index once: the page's snippets
		// are cut for its rows, found by rowid (=M in FTS5's plan).
		if strings.Contains(s.q, "snippet(search") {
			full := 0
			for _, d := range plan {
				if strings.HasPrefix(d, "SCAN search VIRTUAL TABLE INDEX 0:M") {
					full++
				}
			}
			if full != 1 {
				t.Errorf("a search reads its matches %d times in\n%s\nplan:\n  %s", full, strings.Join(strings.Fields(s.q), " "), strings.Join(plan, "\n  "))
			}
			checkedSearch = true
		}
		// A neighbourhood's links from its frontier are read in order from
		// the primary key and stop at the budget: sorting them would read
		// every link of a hub (tens of thousands at 1M assertions).
		if strings.Contains(s.q, "AS outward") {
			outward := false
			for _, d := range plan {
				switch {
				case strings.HasPrefix(d, "CO-ROUTINE outward"):
					outward = true
				case strings.HasPrefix(d, "CO-ROUTINE inward"):
					outward = false
				case outward && strings.HasPrefix(d, "USE TEMP B-TREE"):
					t.Errorf("the links from a frontier are sorted in\n%s\nplan:\n  %s", strings.Join(strings.Fields(s.q), " "), strings.Join(plan, "\n  "))
				}
			}
			checkedOutward = true
		}
	}
	if !checkedOutward || !checkedSearch {
		t.Errorf("statements checked: a neighbourhood's %v, a search's %v", checkedOutward, checkedSearch)
	}
	t.Logf("%d statements checked", len(seen))
}
