package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
)

// searchWhere is the FTS5 query of a search, and its kinds as a JSON
// array ("" for any kind).
func searchWhere(q parley.SearchQuery) (match, kinds string, err error) {
	match, err = parley.FTSQuery(q.Text)
	if err != nil {
		return "", "", err
	}
	if len(q.Kinds) > 0 {
		ks, _ := json.Marshal(q.Kinds)
		kinds = string(ks)
	}
	return match, kinds, nil
}

// searchHits is the search rows of the texts in the CTE texts (doc: the
// text's rowid in the index, which is the id of the row that holds it;
// score), as (text, score, id, node_id, node_type, field, start_pos,
// end_pos, body): the row that holds the text, and each quote that refers
// to it (migration 0011); with kinds (an SQL parameter holding a JSON
// array of node types), only the rows of those kinds.
func searchHits(kinds string) string {
	cond := ""
	if kinds != "" {
		cond = " WHERE d.node_type IN (SELECT value FROM json_each(" + kinds + "))"
	}
	cols := "t.doc AS text, t.score, d.id, d.node_id, d.node_type, d.field, d.start_pos, d.end_pos, d.body"
	// (CROSS JOIN keeps texts the outer loop: SQLite chose to scan every
	// quote that refers to a sentence and look its text up in texts.)
	return `SELECT ` + cols + ` FROM texts t CROSS JOIN search_docs d ON d.id = t.doc` + cond + `
		UNION ALL SELECT ` + cols + ` FROM texts t CROSS JOIN search_docs d ON d.text_id = t.doc` + cond
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
	match, kinds, err := searchWhere(q)
	if err != nil {
		return nil, false, err
	}
	// ?1 is the match, ?2 the kinds, ?3 the page's size, ?4 and ?5 the
	// snippet's markers, from ?6 the cursor.
	args := []any{match, kinds, q.First + 1, parley.SnippetStart, parley.SnippetEnd}
	after := ""
	if q.After != nil {
		after = ` AND (start >= 0 > ?6 OR (start >= 0 = ?6 AND (rank > ?7 OR (rank = ?7 AND (node_id > ?8 OR (node_id = ?8 AND start > ?9))))))`
		args = append(args, q.After.Start >= 0, q.After.Rank, q.After.NodeID, q.After.Start)
	}
	// The best texts, found on the index alone; with kinds, among the
	// texts held or quoted by nodes of those kinds.
	best := `SELECT search.rowid AS doc, bm25(search, 1.0, 0.5) AS score FROM search WHERE search MATCH ?1`
	kindsArg := ""
	if kinds != "" {
		// The row that holds the text, of the kinds; or a sentence that
		// a node of the kinds quotes (only sentences are quoted: the index
		// of references is probed for them alone).
		kindsArg = "?2"
		best = `SELECT search.rowid AS doc, bm25(search, 1.0, 0.5) AS score FROM search CROSS JOIN search_docs s ON s.id = search.rowid
			WHERE search MATCH ?1 AND (s.node_type IN (SELECT value FROM json_each(?2)) OR s.field = 'sentence'
				AND EXISTS (SELECT 1 FROM search_docs d WHERE d.text_id = s.id AND d.node_type IN (SELECT value FROM json_each(?2))))`
	}
	// The snippets are cut for the page's rows, each found by its text's
	// rowid (CROSS JOIN keeps page the outer loop: SQLite chose to run
	// the MATCH over the whole index again and look each match up in
	// page).
	query := `WITH texts AS MATERIALIZED (
			` + best + ` ORDER BY score, doc LIMIT ` + strconv.Itoa(rankedMatches) + `
		), hits AS MATERIALIZED (
			SELECT text, id AS doc, node_id, node_type, field, coalesce(start_pos, -1) AS start, end_pos,
				CASE WHEN start_pos IS NULL THEN '' ELSE body END AS sentence, score AS rank
			FROM (` + searchHits(kindsArg) + `)
		), page AS MATERIALIZED (
			SELECT text, node_id, node_type, field, start, end_pos, sentence, rank FROM (
				SELECT *, row_number() OVER (PARTITION BY node_id, start ORDER BY rank, doc) AS rn FROM hits
			) WHERE rn = 1` + after + `
			ORDER BY start >= 0, rank, node_id, start LIMIT ?3
		)
		SELECT p.node_id, p.node_type, p.field, p.start, p.end_pos, p.sentence, p.rank, snippet(search, 0, ?4, ?5, '…', 16)
		FROM page p CROSS JOIN search ON search.rowid = p.text
		WHERE search MATCH ?1
		ORDER BY p.start >= 0, p.rank, p.node_id, p.start`
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

// SearchCount implements parley.SearchCounter: the hits of every page,
// one for each node and each sentence of a source: the rows that hold a
// matching text, and the quotes that refer to one. (The texts are matched
// twice rather than kept for the quotes' join: keeping them, with the
// columns the pages need, took half as much CPU again at 1M.)
func (db *DB) SearchCount(ctx context.Context, q parley.SearchQuery) (int, error) {
	match, kinds, err := searchWhere(q)
	if err != nil {
		return 0, err
	}
	cond, args := "", []any{match}
	if kinds != "" {
		cond, args = " AND d.node_type IN (SELECT value FROM json_each(?2))", append(args, kinds)
	}
	var n int
	err = db.queryRow(ctx, `SELECT count(*) FROM (SELECT DISTINCT node_id, start FROM (
		SELECT d.node_id, coalesce(d.start_pos, -1) AS start FROM search CROSS JOIN search_docs d ON d.id = search.rowid
		WHERE search MATCH ?1`+cond+`
		UNION ALL SELECT d.node_id, coalesce(d.start_pos, -1) FROM search CROSS JOIN search_docs d ON d.text_id = search.rowid
		WHERE search MATCH ?1`+cond+`))`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("search count: %w", err)
	}
	return n, nil
}

// searchQuotes makes each quote that is, word for word, a sentence of its
// source (the same source, span and text) refer to that sentence's search
// row rather than hold its text in the index again, as the trigger
// search_docs_insert does for a row written alone (migration 0011): run
// over the rows stored when the migration runs. (A bulk import, which
// writes its rows without the trigger, sets the references as it writes
// the quotes' rows: bulkQuotedSentence.)
// A statement's quotes are left out: their rows carry the speaker's names.
// Of two sentences a node quotes with the same words, the first.
const searchQuotes = `UPDATE search_docs SET text_id = (` + quotedSentence + `)
	WHERE field = 'evidence' AND node_type <> 'Statement' AND context = '' AND text_id IS NULL`

// quotedSentence is the search row of the sentence that the quote in the
// search row search_docs is (the trigger search_docs_insert's, where the
// row is new): found by its source and where it starts (the unique index
// search_docs_sentence), for each piece of the node's evidence with
// these words.
const quotedSentence = `SELECT s.id FROM evidence e JOIN search_docs s
		ON s.node_id = e.source_id AND s.start_pos = e.start_pos AND s.end_pos = e.end_pos
	WHERE e.node_id = search_docs.node_id AND e.quote = search_docs.body
		AND s.field = 'sentence' AND s.body = search_docs.body AND s.text_id IS NULL
	ORDER BY s.id LIMIT 1`

// quotesOnce is the step in Go of migration 0011: the quotes stored refer
// to their sentences, then the index is built over the rows that hold
// their own text.
func quotesOnce(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{searchQuotes, "INSERT INTO search (search) VALUES ('rebuild')"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
