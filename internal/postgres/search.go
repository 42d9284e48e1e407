package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// searchWhere is the query of a search, as the CTE q (q.q the whole
// tsquery), and its conditions on search_docs d, with their arguments:
// every word typed must match (stemmed, any case, accents ignored), a
// word ending in * as a prefix.
func searchWhere(q parley.SearchQuery) (cte string, where string, args []any, err error) {
	if _, err := parley.FTSQuery(q.Text); err != nil {
		return "", "", nil, err
	}
	var terms []string
	for _, w := range strings.FieldsFunc(q.Text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		prefix := strings.HasSuffix(w, "*")
		w = strings.TrimRight(w, "*")
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		if !prefix {
			// The word's tokens as a phrase, as SQLite's quoted term.
			terms = append(terms, "phraseto_tsquery('parley_english', ?)")
			args = append(args, w)
			continue
		}
		// A prefix: each run of letters and digits, the last as a prefix
		// of a stem (the word typed is stemmed too, as FTS5's porter
		// tokenizer stems the prefix of a query).
		runs := strings.FieldsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		for i, r := range runs {
			if i == len(runs)-1 {
				terms = append(terms, "to_tsquery('parley_english', quote_literal(CAST(? AS text)) || ':*')")
			} else {
				terms = append(terms, "phraseto_tsquery('parley_english', ?)")
			}
			args = append(args, r)
		}
	}
	// Each term is a condition of its own on the index (a key of the GIN
	// scan each), not one query of all the terms: with one key, the index
	// checks the whole query on every item of the rarest term's list; at
	// 1M the zero-match "ceasefire monitoring" took 22-23 ms of the
	// backend's CPU as one key, 17-19 ms as two. A term without a lexeme
	// (the whole query ignores it) is the whole query in its place, so
	// that it does not make every row fail.
	var each, keys, conds []string
	all := make([]string, len(terms))
	for i, t := range terms {
		each = append(each, t+" AS t"+strconv.Itoa(i))
		all[i] = "t.t" + strconv.Itoa(i)
	}
	whole := strings.Join(all, " && ")
	for i := range terms {
		k := "k" + strconv.Itoa(i)
		keys = append(keys, "CASE WHEN numnode("+all[i]+") = 0 THEN "+whole+" ELSE "+all[i]+" END AS "+k)
		conds = append(conds, "d.words @@ q."+k)
	}
	if len(q.Kinds) > 0 {
		ks, _ := json.Marshal(q.Kinds)
		conds = append(conds, "d.node_type IN (SELECT value FROM json_each(?))")
		args = append(args, string(ks))
	}
	cte = "q AS MATERIALIZED (SELECT " + whole + " AS q, " + strings.Join(keys, ", ") + " FROM (SELECT " + strings.Join(each, ", ") + ") t)"
	return cte, strings.Join(conds, " AND "), args, nil
}

// rankedMatches is how many matching texts a search ranks and groups by
// node, as on SQLite (internal/sqlite's rankedMatches): the best by
// ts_rank, ties by id. The pages of a search reach the hits among these
// texts; SearchCount still counts every hit.
var rankedMatches = 1000

// rankWeights weigh the parts of a row's words for ts_rank ({D, C, B,
// A}): the text itself (A) fully, a statement's speaker's names (B) at
// half, as SQLite's bm25(search, 1.0, 0.5).
const rankWeights = `'{0.1, 0.2, 0.5, 1.0}'`

// rankNormalization divides a row's rank by one plus the logarithm of its
// length, so that, as with bm25, a word in a short text (a name, a title)
// ranks above the same word in a long one.
const rankNormalization = "1"

// Search implements parley.Searcher with PostgreSQL's full-text search:
// each text's words in a tsvector (the parley_english configuration:
// Porter's stemmer, accents removed, any case) under a GIN index. The
// best text of each node by ts_rank wins, then each sentence of a
// source's text (the graph's own nodes come first, the words of the text
// after), as on SQLite. Rank is ts_rank negated, so that lower is better
// as with SQLite's bm25; the two rank differently (README, "Search on
// PostgreSQL"). One statement finds the hits and cuts the page's
// snippets (ts_headline, with the caller's markers).
func (db *DB) Search(ctx context.Context, q parley.SearchQuery) ([]parley.SearchHit, bool, error) {
	cte, where, args, err := searchWhere(q)
	if err != nil {
		return nil, false, err
	}
	after := ""
	if q.After != nil {
		sentence := 0
		if q.After.Start >= 0 {
			sentence = 1
		}
		after = ` AND (CAST(start >= 0 AS int) > ? OR (CAST(start >= 0 AS int) = ? AND (rank > ? OR (rank = ? AND (node_id > ? OR (node_id = ? AND start > ?))))))`
		args = append(args, sentence, sentence, q.After.Rank, q.After.Rank, q.After.NodeID, q.After.NodeID, q.After.Start)
	}
	// The best texts by ts_rank (ties by id, so that every page of a
	// search sees the same set), kept by one top-N sort, then grouped by
	// node and paged as on SQLite; the snippets are cut for the page.
	query := `WITH ` + cte + `,
		hits AS MATERIALIZED (
			SELECT d.id AS doc, d.node_id, d.node_type, d.field, coalesce(d.start_pos, -1) AS start, d.end_pos,
				CASE WHEN d.start_pos IS NULL THEN '' ELSE d.body END AS sentence,
				CAST(-ts_rank(` + rankWeights + `, d.words, q.q, ` + rankNormalization + `) AS float8) AS rank
			FROM search_docs d CROSS JOIN q
			WHERE ` + where + `
			ORDER BY rank, doc LIMIT ` + strconv.Itoa(rankedMatches) + `
		), page AS MATERIALIZED (
			SELECT doc, node_id, node_type, field, start, end_pos, sentence, rank FROM (
				SELECT *, row_number() OVER (PARTITION BY node_id, start ORDER BY rank, doc) AS rn FROM hits
			) h WHERE rn = 1` + after + `
			ORDER BY start >= 0, rank, node_id, start LIMIT ?
		)
		SELECT p.node_id, p.node_type, p.field, p.start, p.end_pos, p.sentence, p.rank, ts_headline('parley_english', d.body, q.q, ?)
		FROM page p JOIN search_docs d ON d.id = p.doc CROSS JOIN q
		ORDER BY p.start >= 0, p.rank, p.node_id, p.start`
	args = append(args, q.First+1, headlineOptions)
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
// one for each node and each sentence of a source.
func (db *DB) SearchCount(ctx context.Context, q parley.SearchQuery) (int, error) {
	cte, where, args, err := searchWhere(q)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.queryRow(ctx, `WITH `+cte+`
		SELECT count(*) FROM (SELECT DISTINCT d.node_id, coalesce(d.start_pos, -1)
		FROM search_docs d CROSS JOIN q WHERE `+where+`) h`, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("search count: %w", err)
	}
	return n, nil
}

// headlineOptions cut a snippet of about 16 words, as SQLite's snippet.
var headlineOptions = `StartSel="` + parley.SnippetStart + `", StopSel="` + parley.SnippetEnd + `", MaxWords=16, MinWords=8, ShortWord=0, HighlightAll=false`

// indexSentences adds each sentence of a source's text as a search row
// (internal/store/sqlcommon, shared with the other SQL store).
var indexSentences = sqlcommon.IndexSentences

// indexSources adds the sentences of each source stored before the search
// reached them (migration 0002), or before they were split as they are now
// (0004), a statement for all of them.
func indexSources(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, "SELECT id, text FROM sources ORDER BY id")
	if err != nil {
		return err
	}
	var ids, bodies []string
	var starts, ends []int32
	for rows.Next() {
		var id, text string
		if err := rows.Scan(&id, &text); err != nil {
			rows.Close()
			return err
		}
		for _, s := range parley.Sentences(text) {
			ids, bodies = append(ids, id), append(bodies, s.Text)
			starts, ends = append(starts, int32(s.Start)), append(ends, int32(s.End))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO search_docs (node_id, node_type, field, body, start_pos, end_pos)
		SELECT id, 'Source', 'sentence', body, s, e FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS t (id, body, s, e)`,
		ids, bodies, starts, ends)
	return err
}
