package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
)

// Search implements parley.Searcher: the best text of each node by bm25,
// with snippets for the page only. One statement finds the hits and cuts
// their snippets, so both see the same snapshot of the index even while
// another connection or process writes (two queries did not: a hit could
// lose its snippet, or its document, in between).
func (db *DB) Search(ctx context.Context, q parley.SearchQuery) ([]parley.SearchHit, bool, error) {
	match, err := parley.FTSQuery(q.Text)
	if err != nil {
		return nil, false, err
	}
	where := []string{"search MATCH ?"}
	args := []any{match}
	if len(q.Kinds) > 0 {
		ks, _ := json.Marshal(q.Kinds)
		where = append(where, "d.node_type IN (SELECT value FROM json_each(?))")
		args = append(args, string(ks))
	}
	after := ""
	if q.After != nil {
		after = " AND (rank > ? OR (rank = ? AND node_id > ?))"
	}
	query := `WITH hits AS MATERIALIZED (
			SELECT d.id AS doc, d.node_id, d.node_type, d.field, bm25(search) AS rank
			FROM search JOIN search_docs d ON d.id = search.rowid
			WHERE ` + strings.Join(where, " AND ") + `
		), page AS MATERIALIZED (
			SELECT doc, node_id, node_type, field, rank FROM (
				SELECT *, row_number() OVER (PARTITION BY node_id ORDER BY rank, doc) AS rn FROM hits
			) WHERE rn = 1` + after + `
			ORDER BY rank, node_id LIMIT ?
		)
		SELECT p.node_id, p.node_type, p.field, p.rank, snippet(search, 0, ?, ?, '…', 16)
		FROM page p JOIN search ON search.rowid = p.doc
		WHERE search MATCH ?
		ORDER BY p.rank, p.node_id`
	if q.After != nil {
		args = append(args, q.After.Rank, q.After.Rank, q.After.NodeID)
	}
	args = append(args, q.First+1, parley.SnippetStart, parley.SnippetEnd, match)
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
