package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
)

// searchWhere is the match and the kinds of a search, on search joined to
// search_docs d; match is the FTS5 query.
func searchWhere(q parley.SearchQuery) (where string, args []any, match string, err error) {
	match, err = parley.FTSQuery(q.Text)
	if err != nil {
		return "", nil, "", err
	}
	conds := []string{"search MATCH ?"}
	args = []any{match}
	if len(q.Kinds) > 0 {
		ks, _ := json.Marshal(q.Kinds)
		conds = append(conds, "d.node_type IN (SELECT value FROM json_each(?))")
		args = append(args, string(ks))
	}
	return strings.Join(conds, " AND "), args, match, nil
}

// rankedMatches is how many matching texts a search ranks and groups by
// node: the best by bm25 (ties by rowid, so that every page of a search
// sees the same set), kept by one top-N sort over the index. A broad query
// matches hundreds of thousands of texts at 1M assertions ("ceasefire":
// 214,000), and reading, grouping and sorting them all took a second of
// CPU to show twenty. The pages of a search reach the hits among these
// texts; SearchCount still counts every hit.
var rankedMatches = 1000

// Search implements parley.Searcher: among the rankedMatches best texts,
// the best text of each node by bm25, then each sentence of a source's
// text by bm25 (the graph's own nodes come first, the words of the text
// after), with snippets for the page only. A statement's context column
// holds its speaker's names, weighted below its own words. One statement
// finds the hits and cuts their snippets, so both see the same snapshot of
// the index even while another connection or process writes (two queries
// did not: a hit could lose its snippet, or its document, in between).
func (db *DB) Search(ctx context.Context, q parley.SearchQuery) ([]parley.SearchHit, bool, error) {
	where, args, match, err := searchWhere(q)
	if err != nil {
		return nil, false, err
	}
	after := ""
	if q.After != nil {
		after = ` AND (start >= 0 > ? OR (start >= 0 = ? AND (rank > ? OR (rank = ? AND (node_id > ? OR (node_id = ? AND start > ?))))))`
	}
	// The best texts, found on the index alone; with kinds, among the
	// texts of those kinds.
	best := `SELECT search.rowid AS doc, bm25(search, 1.0, 0.5) AS score FROM search WHERE ` + where
	if len(q.Kinds) > 0 {
		best = `SELECT search.rowid AS doc, bm25(search, 1.0, 0.5) AS score FROM search JOIN search_docs d ON d.id = search.rowid WHERE ` + where
	}
	// The snippets are cut for the page's rows, each found by its rowid
	// (CROSS JOIN keeps page the outer loop: SQLite chose to run the
	// MATCH over the whole index again and look each match up in page).
	query := `WITH best AS MATERIALIZED (
			` + best + ` ORDER BY score, doc LIMIT ` + strconv.Itoa(rankedMatches) + `
		), hits AS MATERIALIZED (
			SELECT d.id AS doc, d.node_id, d.node_type, d.field, coalesce(d.start_pos, -1) AS start, d.end_pos,
				CASE WHEN d.start_pos IS NULL THEN '' ELSE d.body END AS sentence, best.score AS rank
			FROM best JOIN search_docs d ON d.id = best.doc
		), page AS MATERIALIZED (
			SELECT doc, node_id, node_type, field, start, end_pos, sentence, rank FROM (
				SELECT *, row_number() OVER (PARTITION BY node_id, start ORDER BY rank, doc) AS rn FROM hits
			) WHERE rn = 1` + after + `
			ORDER BY start >= 0, rank, node_id, start LIMIT ?
		)
		SELECT p.node_id, p.node_type, p.field, p.start, p.end_pos, p.sentence, p.rank, snippet(search, 0, ?, ?, '…', 16)
		FROM page p CROSS JOIN search ON search.rowid = p.doc
		WHERE search MATCH ?
		ORDER BY p.start >= 0, p.rank, p.node_id, p.start`
	if q.After != nil {
		sentence := q.After.Start >= 0
		args = append(args, sentence, sentence, q.After.Rank, q.After.Rank, q.After.NodeID, q.After.NodeID, q.After.Start)
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
		var t, sentence string
		var start int
		var end *int
		if err := rows.Scan(&h.NodeID, &t, &h.Field, &start, &end, &sentence, &h.Rank, &h.Snippet); err != nil {
			return nil, false, fmt.Errorf("search: %w", err)
		}
		h.NodeType = parley.NodeType(t)
		if start >= 0 && end != nil {
			s := start
			h.Sentence = &parley.Evidence{Source: h.NodeID, Quote: sentence, Start: &s, End: end}
		}
		// A statement whose words do not match was found by its
		// speaker's name.
		if h.NodeType == parley.TypeStatement && !strings.Contains(h.Snippet, parley.SnippetStart) {
			h.Field = "speaker"
		}
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

// SearchCount implements parley.SearchCounter.
func (db *DB) SearchCount(ctx context.Context, q parley.SearchQuery) (int, error) {
	where, args, _, err := searchWhere(q)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.queryRow(ctx, `SELECT count(*) FROM (SELECT DISTINCT d.node_id, coalesce(d.start_pos, -1)
		FROM search JOIN search_docs d ON d.id = search.rowid WHERE `+where+`)`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("search count: %w", err)
	}
	return n, nil
}
