package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/parley-graph/parley/internal/parley"
)

// Search implements parley.Searcher with PostgreSQL's full-text search:
// each text's words in a tsvector (the parley configuration: accents
// removed, any case) under a GIN index; every word typed must match, a
// word ending in * as a prefix. The best text of each node by ts_rank
// wins; Rank is ts_rank negated, so that lower is better as with
// SQLite's bm25 (the two rank differently: ts_rank counts how often and
// how close the words occur in the one text, without bm25's weighting of
// rare words and short texts). One statement finds the hits and cuts the
// page's snippets (ts_headline, with the caller's markers).
func (db *DB) Search(ctx context.Context, q parley.SearchQuery) ([]parley.SearchHit, bool, error) {
	if _, err := parley.FTSQuery(q.Text); err != nil {
		return nil, false, err
	}
	var terms []string
	var args []any
	for _, w := range strings.FieldsFunc(q.Text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		prefix := strings.HasSuffix(w, "*")
		w = strings.TrimRight(w, "*")
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		if !prefix {
			// The word's tokens as a phrase, as SQLite's quoted term.
			terms = append(terms, "phraseto_tsquery('parley', ?)")
			args = append(args, w)
			continue
		}
		// A prefix: each run of letters and digits, the last as a prefix.
		runs := strings.FieldsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for i, r := range runs {
			if i == len(runs)-1 {
				terms = append(terms, "to_tsquery('parley', quote_literal(CAST(? AS text)) || ':*')")
			} else {
				terms = append(terms, "phraseto_tsquery('parley', ?)")
			}
			args = append(args, r)
		}
	}
	where := []string{"d.words @@ q.q"}
	if len(q.Kinds) > 0 {
		ks, _ := json.Marshal(q.Kinds)
		where = append(where, "d.node_type IN (SELECT value FROM json_each(?))")
		args = append(args, string(ks))
	}
	after := ""
	if q.After != nil {
		after = " AND (rank > ? OR (rank = ? AND node_id > ?))"
		args = append(args, q.After.Rank, q.After.Rank, q.After.NodeID)
	}
	query := `WITH q AS MATERIALIZED (SELECT ` + strings.Join(terms, " && ") + ` AS q),
		hits AS MATERIALIZED (
			SELECT d.id AS doc, d.node_id, d.node_type, d.field, d.body, CAST(-ts_rank(d.words, q.q) AS float8) AS rank
			FROM search_docs d CROSS JOIN q
			WHERE ` + strings.Join(where, " AND ") + `
		), page AS MATERIALIZED (
			SELECT doc, node_id, node_type, field, body, rank FROM (
				SELECT *, row_number() OVER (PARTITION BY node_id ORDER BY rank, doc) AS rn FROM hits
			) h WHERE rn = 1` + after + `
			ORDER BY rank, node_id LIMIT ?
		)
		SELECT p.node_id, p.node_type, p.field, p.rank, ts_headline('parley', p.body, q.q, ?)
		FROM page p CROSS JOIN q
		ORDER BY p.rank, p.node_id`
	args = append(args, q.First+1, headlineOptions)
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var hits []parley.SearchHit
	for rows.Next() {
		var h parley.SearchHit
		var t string
		if err := rows.Scan(&h.NodeID, &t, &h.Field, &h.Rank, &h.Snippet); err != nil {
			return nil, false, fmt.Errorf("search: %w", err)
		}
		h.NodeType = parley.NodeType(t)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("search: %w", err)
	}
	more := len(hits) > q.First
	if more {
		hits = hits[:q.First]
	}
	return hits, more, nil
}

// headlineOptions cut a snippet of about 16 words, as SQLite's snippet.
var headlineOptions = `StartSel="` + parley.SnippetStart + `", StopSel="` + parley.SnippetEnd + `", MaxWords=16, MinWords=8, ShortWord=0, HighlightAll=false`
