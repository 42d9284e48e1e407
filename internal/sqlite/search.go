package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
)

// Search implements parley.Searcher: the best text of each node by bm25,
// then snippets for the page only.
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
		)
		SELECT doc, node_id, node_type, field, rank FROM (
			SELECT *, row_number() OVER (PARTITION BY node_id ORDER BY rank, doc) AS rn FROM hits
		) WHERE rn = 1` + after + `
		ORDER BY rank, node_id LIMIT ?`
	if q.After != nil {
		args = append(args, q.After.Rank, q.After.Rank, q.After.NodeID)
	}
	args = append(args, q.First+1)
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("search: %w", err)
	}
	var hits []parley.SearchHit
	var docs []int64
	for rows.Next() {
		var h parley.SearchHit
		var doc int64
		var t string
		if err := rows.Scan(&doc, &h.NodeID, &t, &h.Field, &h.Rank); err != nil {
			rows.Close()
			return nil, false, err
		}
		h.NodeType = parley.NodeType(t)
		hits = append(hits, h)
		docs = append(docs, doc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(hits) > q.First
	if more {
		hits, docs = hits[:q.First], docs[:q.First]
	}
	if len(hits) == 0 {
		return hits, false, nil
	}
	ids, _ := json.Marshal(docs)
	srows, err := db.query(ctx, `SELECT rowid, snippet(search, 0, ?, ?, '…', 16) FROM search
		WHERE search MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
		parley.SnippetStart, parley.SnippetEnd, match, string(ids))
	if err != nil {
		return nil, false, fmt.Errorf("search snippets: %w", err)
	}
	defer srows.Close()
	snippets := map[int64]string{}
	for srows.Next() {
		var id int64
		var s string
		if err := srows.Scan(&id, &s); err != nil {
			return nil, false, err
		}
		snippets[id] = s
	}
	for i := range hits {
		hits[i].Snippet = snippets[docs[i]]
	}
	return hits, more, srows.Err()
}
