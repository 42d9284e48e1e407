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

// searchQuery is the query of a search, as the CTE q (q.q the whole
// tsquery, q.k0, q.k1, … each word typed), with its arguments, and the
// kinds asked for (a JSON array, "" for any): every word typed must match
// (stemmed, any case, accents ignored), a word ending in * as a prefix.
type searchQuery struct {
	cte   string
	args  []any
	keys  int
	kinds string
}

func newSearchQuery(q parley.SearchQuery) (*searchQuery, error) {
	if _, err := parley.FTSQuery(q.Text); err != nil {
		return nil, err
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
	var each, keys []string
	all := make([]string, len(terms))
	for i, t := range terms {
		each = append(each, t+" AS t"+strconv.Itoa(i))
		all[i] = "t.t" + strconv.Itoa(i)
	}
	whole := strings.Join(all, " && ")
	for i := range terms {
		keys = append(keys, "CASE WHEN numnode("+all[i]+") = 0 THEN "+whole+" ELSE "+all[i]+" END AS k"+strconv.Itoa(i))
	}
	sq := &searchQuery{
		cte:  "q AS MATERIALIZED (SELECT " + whole + " AS q, " + strings.Join(keys, ", ") + " FROM (SELECT " + strings.Join(each, ", ") + ") t)",
		args: args,
		keys: len(terms),
	}
	if len(q.Kinds) > 0 {
		ks, _ := json.Marshal(q.Kinds)
		sq.kinds = string(ks)
	}
	return sq, nil
}

// text is the condition that the words of a text (the tsvector words)
// match every term.
func (sq *searchQuery) text(words string) string {
	var conds []string
	for i := 0; i < sq.keys; i++ {
		conds = append(conds, words+" @@ q.k"+strconv.Itoa(i))
	}
	return strings.Join(conds, " AND ")
}

// named is the condition that a row d with a context (a statement's
// speaker's names), whose text has the words, matches through its
// context: a term is in the context, and every term is in the text or in
// the context.
func (sq *searchQuery) named(words string) string {
	var some, all []string
	for i := 0; i < sq.keys; i++ {
		k := "q.k" + strconv.Itoa(i)
		some = append(some, "d.context_words @@ "+k)
		all = append(all, "("+words+" @@ "+k+" OR d.context_words @@ "+k+")")
	}
	return "d.context <> '' AND (" + strings.Join(some, " OR ") + ") AND " + strings.Join(all, " AND ")
}

// ofKinds is the condition that the node type col is one of the kinds
// asked for (true if none), and its argument appended to args.
func (sq *searchQuery) ofKinds(col string, args *[]any) string {
	if sq.kinds == "" {
		return "true"
	}
	*args = append(*args, sq.kinds)
	return col + " IN (SELECT value FROM json_each(?))"
}

// rankedMatches is how many matching texts a search ranks and groups by
// node, as on SQLite (internal/sqlite's rankedMatches): the best by
// ts_rank, ties by id (a statement found by its speaker's names counts
// as a text of its own). The pages of a search reach the hits among these
// texts: the rows that hold them and the rows that refer to them.
// SearchCount still counts every hit.
var rankedMatches = 1000

// rankWeights weigh the parts of a row's words for ts_rank ({D, C, B,
// A}): the text itself (A) fully, a statement's speaker's names (B) at
// half, as SQLite's bm25(search, 1.0, 0.5).
const rankWeights = `'{0.1, 0.2, 0.5, 1.0}'`

// rankNormalization divides a row's rank by one plus the logarithm of its
// length, so that, as with bm25, a word in a short text (a name, a title)
// ranks above the same word in a long one.
const rankNormalization = "1"

// rank is the rank of the tsvector words for the query q.q: ts_rank
// negated, lower is better as with SQLite's bm25.
func rank(words string) string {
	return `CAST(-ts_rank(` + rankWeights + `, ` + words + `, q.q, ` + rankNormalization + `) AS float8)`
}

// searchBest is the best texts of a search, as (id, named, rank): the
// texts whose words match (id the row that holds it, named false), and
// the statements' rows found by their speaker's names and not by their
// text alone (id the row, named true, ranked by its text's words and its
// speaker's names together), the best rankedMatches of both by ts_rank,
// ties by id; with kinds, texts a row of those kinds holds or refers to.
// Its arguments are appended to args.
func (sq *searchQuery) best(args *[]any) string {
	kinds := ""
	if sq.kinds != "" {
		kinds = " AND (" + sq.ofKinds("t.node_type", args) + " OR EXISTS (SELECT 1 FROM search_docs r WHERE r.text_id = t.id AND " + sq.ofKinds("r.node_type", args) + "))"
	}
	return `SELECT t.id, false AS named, ` + rank("t.words") + ` AS rank
			FROM search_docs t CROSS JOIN q
			WHERE t.text_id IS NULL AND ` + sq.text("t.words") + kinds + `
			UNION ALL
			SELECT d.id, true, ` + rank("t.words || d.context_words") + `
			FROM search_docs d JOIN search_docs t ON t.id = coalesce(d.text_id, d.id) CROSS JOIN q
			WHERE ` + sq.named("t.words") + ` AND NOT (` + sq.text("t.words") + `) AND ` + sq.ofKinds("d.node_type", args) + `
			ORDER BY rank, id LIMIT ` + strconv.Itoa(rankedMatches)
}

// Search implements parley.Searcher with PostgreSQL's full-text search:
// each text's words in a tsvector (the parley_english configuration:
// Porter's stemmer, accents removed, any case) under a GIN index, each
// text once (migration 0009: the rows with the same body refer to the
// row that holds it), a statement's speaker's names apart. Among the
// rankedMatches best texts, the best of each node by ts_rank wins, then
// each sentence of a source's text (the graph's own nodes come first,
// the words of the text after), as on SQLite; a row ranks as its text.
// Rank is ts_rank negated, so that lower is better as with SQLite's bm25;
// the two rank differently (README, "Search on PostgreSQL"). One
// statement finds the hits and cuts the page's snippets (ts_headline,
// with the caller's markers).
func (db *DB) Search(ctx context.Context, q parley.SearchQuery) ([]parley.SearchHit, bool, error) {
	sq, err := newSearchQuery(q)
	if err != nil {
		return nil, false, err
	}
	args := append([]any(nil), sq.args...)
	cols := `d.id AS doc, d.node_id, d.node_type, d.field, coalesce(d.start_pos, -1) AS start, d.end_pos,
				CASE WHEN d.start_pos IS NULL THEN '' ELSE d.body END AS sentence, x.rank`
	// The rows of the best texts (the row that holds each, those that
	// refer to it), then the best row of each node and each sentence,
	// paged as on SQLite.
	query := `WITH ` + sq.cte + `,
		best AS MATERIALIZED (
			` + sq.best(&args) + `
		), hits AS MATERIALIZED (
			SELECT ` + cols + ` FROM best x CROSS JOIN LATERAL (
				SELECT id, node_id, node_type, field, start_pos, end_pos, body FROM search_docs WHERE id = x.id
				UNION ALL SELECT id, node_id, node_type, field, start_pos, end_pos, body FROM search_docs WHERE text_id = x.id AND NOT x.named
			) d
			WHERE ` + sq.ofKinds("d.node_type", &args) + `
		), page AS MATERIALIZED (
			SELECT doc, node_id, node_type, field, start, end_pos, sentence, rank FROM (
				SELECT *, row_number() OVER (PARTITION BY node_id, start ORDER BY rank, doc) AS rn FROM hits
			) h WHERE rn = 1`
	if q.After != nil {
		sentence := 0
		if q.After.Start >= 0 {
			sentence = 1
		}
		query += ` AND (CAST(start >= 0 AS int) > ? OR (CAST(start >= 0 AS int) = ? AND (rank > ? OR (rank = ? AND (node_id > ? OR (node_id = ? AND start > ?))))))`
		args = append(args, sentence, sentence, q.After.Rank, q.After.Rank, q.After.NodeID, q.After.NodeID, q.After.Start)
	}
	// The snippets are cut for the page.
	query += `
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
// one for each node and each sentence of a source: the rows that hold a
// matching text, the rows that refer to one, and the rows found by their
// speaker's names. The rows that refer to a text are looked up by the
// index of references, text by text (OFFSET 0 keeps the subquery apart:
// joined, PostgreSQL hashed the whole table, 3.3 million rows at 1M, to
// find the 111,000 that refer to one of "ceasefire"'s 103,000 texts).
func (db *DB) SearchCount(ctx context.Context, q parley.SearchQuery) (int, error) {
	sq, err := newSearchQuery(q)
	if err != nil {
		return 0, err
	}
	args := append([]any(nil), sq.args...)
	query := `WITH ` + sq.cte + `,
		texts AS MATERIALIZED (
			SELECT t.id, t.node_id, t.node_type, coalesce(t.start_pos, -1) AS start
			FROM search_docs t CROSS JOIN q WHERE t.text_id IS NULL AND ` + sq.text("t.words") + `
		)
		SELECT count(*) FROM (SELECT DISTINCT node_id, start FROM (
			SELECT node_id, start FROM texts d WHERE ` + sq.ofKinds("d.node_type", &args) + `
			UNION ALL SELECT d.node_id, coalesce(d.start_pos, -1) FROM texts x CROSS JOIN LATERAL (
				SELECT node_id, node_type, start_pos FROM search_docs WHERE text_id = x.id OFFSET 0
			) d
			WHERE ` + sq.ofKinds("d.node_type", &args) + `
			UNION ALL SELECT d.node_id, coalesce(d.start_pos, -1)
			FROM search_docs d JOIN search_docs t ON t.id = coalesce(d.text_id, d.id) CROSS JOIN q
			WHERE ` + sq.named("t.words") + ` AND ` + sq.ofKinds("d.node_type", &args) + `
		) h) c`
	var n int
	if err := db.queryRow(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("search count: %w", err)
	}
	return n, nil
}

// searchTextsOnce is the step in Go of migration 0009, after the rows
// refer to the rows that hold their texts: the words of each text (of
// the rows that hold one) and of each speaker's names, the indexes of
// search, and the reference's key (a row whose text's holder is deleted
// holds the text itself from then on: its words are computed anew).
func searchTextsOnce(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `ALTER TABLE search_docs
			ADD COLUMN words tsvector GENERATED ALWAYS AS (CASE WHEN text_id IS NULL
				THEN setweight(to_tsvector('parley_english'::regconfig, body), 'A') END) STORED,
			ADD COLUMN context_words tsvector GENERATED ALWAYS AS (CASE WHEN context <> ''
				THEN setweight(to_tsvector('parley_english'::regconfig, context), 'B') END) STORED,
			ADD CONSTRAINT search_docs_text_id_fkey FOREIGN KEY (text_id) REFERENCES search_docs (id) ON DELETE SET NULL;
		CREATE INDEX search_docs_words ON search_docs USING gin (words) WHERE text_id IS NULL;
		CREATE INDEX search_docs_context_words ON search_docs USING gin (context_words) WHERE context <> '';
		CREATE INDEX search_docs_text ON search_docs (text_id) WHERE text_id IS NOT NULL;
		CREATE INDEX search_docs_body ON search_docs USING hash (body) WHERE text_id IS NULL`)
	return err
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
