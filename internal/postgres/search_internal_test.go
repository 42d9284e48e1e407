package postgres

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// TestSearchRanksTheBestMatches lowers the number of texts a search ranks
// below what a common word matches in the Berlin graph, and pages through
// the search: the hits are exactly the nodes and sentences of the best
// texts by ts_rank (a reference statement ranks every match), the graph's
// nodes first, in the same order as without the cap; the paging ends
// there; and SearchCount still counts every hit. With kinds, the best
// texts of those kinds. (internal/sqlite's test of the same name checks
// the same of SQLite.)
func TestSearchRanksTheBestMatches(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	db, err := Open(ctx, pgtest.Database(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
		t.Fatal(err)
	}
	key := func(h parley.SearchHit) string {
		if h.Sentence != nil {
			return fmt.Sprintf("%s@%d", h.NodeID, *h.Sentence.Start)
		}
		return h.NodeID
	}
	page := func(q parley.SearchQuery) []string {
		t.Helper()
		var out []string
		q.First = 4
		for pages := 0; ; pages++ {
			hits, more, err := db.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				out = append(out, key(h))
			}
			if !more {
				return out
			}
			last := hits[len(hits)-1]
			q.After = &parley.SearchCursor{Rank: last.Rank, NodeID: last.NodeID, Start: -1}
			if last.Sentence != nil {
				q.After.Start = *last.Sentence.Start
			}
			if pages > 100 {
				t.Fatal("paging does not end")
			}
		}
	}
	// The nodes and sentences of the n best texts, from every match: each
	// row of the kinds is found by the text its row holds or refers to
	// (ranked by the text's words), or else by its speaker's names (a
	// text of its own, ranked by the text's words and the names); the n
	// best texts that a row of the kinds is found by, and their rows.
	best := func(text string, kinds []string, n int) map[string]bool {
		t.Helper()
		sq, err := newSearchQuery(parley.SearchQuery{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		args := sq.args
		kind := "true"
		if len(kinds) > 0 {
			kind = "d.node_type IN (?, ?)"
			args = append(args, kinds[0], kinds[1])
		}
		q := `WITH ` + sq.cte + `, found AS (
				SELECT d.node_id, d.start_pos, CASE WHEN h.words @@ q.q THEN h.id ELSE d.id END AS unit,
					CASE WHEN h.words @@ q.q THEN ts_rank(` + rankWeights + `, h.words, q.q, ` + rankNormalization + `)
						ELSE ts_rank(` + rankWeights + `, h.words || d.context_words, q.q, ` + rankNormalization + `) END AS rank
				FROM search_docs d JOIN search_docs h ON h.id = coalesce(d.text_id, d.id) CROSS JOIN q
				WHERE (h.words @@ q.q OR d.context_words @@ q.q) AND ` + kind + `
			), units AS (
				SELECT unit FROM found GROUP BY unit, rank ORDER BY rank DESC, unit LIMIT ?
			)
			SELECT node_id, start_pos FROM found WHERE unit IN (SELECT unit FROM units)`
		rows, err := db.query(ctx, q, append(args, n)...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var id string
			var start *int
			if err := rows.Scan(&id, &start); err != nil {
				t.Fatal(err)
			}
			if start != nil {
				id = fmt.Sprintf("%s@%d", id, *start)
			}
			out[id] = true
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}

	for _, c := range []struct {
		text  string
		kinds []string
	}{{"Russia", nil}, {"Ukraine", nil}, {"Ukraine", []string{"Position", "Statement"}}} {
		var kinds []parley.NodeType
		for _, k := range c.kinds {
			kinds = append(kinds, parley.NodeType(k))
		}
		q := parley.SearchQuery{Text: c.text, Kinds: kinds}
		all := page(q)
		total, err := db.SearchCount(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if total != len(all) {
			t.Errorf("%q: %d hits paged, SearchCount %d", c.text, len(all), total)
		}
		cap := len(all) / 2
		if cap < 5 {
			t.Fatalf("%q: %d hits; the test needs a word that many texts match", c.text, len(all))
		}
		func() {
			defer func(n int) { rankedMatches = n }(rankedMatches)
			rankedMatches = cap
			got := page(q)
			want := best(c.text, c.kinds, cap)
			// In the uncapped order, those of the best texts.
			var inOrder []string
			for _, k := range all {
				if want[k] {
					inOrder = append(inOrder, k)
				}
			}
			if diff := cmp.Diff(inOrder, got); diff != "" {
				t.Errorf("%q with %d ranked texts (-the best texts' hits in the uncapped order +paged):\n%s", c.text, cap, diff)
			}
			if len(got) >= len(all) || len(got) == 0 {
				t.Errorf("%q: %d hits with %d ranked texts, %d without a cap", c.text, len(got), cap, len(all))
			}
			if n, _ := db.SearchCount(ctx, q); n != total {
				t.Errorf("%q: SearchCount %d with the cap, %d without", c.text, n, total)
			}
			sorted := append([]string(nil), got...)
			sort.Strings(sorted)
			if len(slices.Compact(sorted)) != len(got) {
				t.Errorf("%q: a hit on two pages: %v", c.text, got)
			}
		}()
	}
}
