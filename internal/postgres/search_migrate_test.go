package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// before opens a new database with the migrations before the one named
// applied, and checks that the migrations up to that one are numbered
// from 1 without gaps: the test then writes what a database of before that
// migration held, and migrates it.
func before(t *testing.T, name string) (*DB, *pgxpool.Pool) {
	t.Helper()
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	db := &DB{db: sql.OpenDB(connector{stdlib.GetPoolConnector(pool)}), pool: pool, Now: time.Now}
	t.Cleanup(func() { db.Close() })
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != i+1 {
			t.Fatalf("migration %s is number %d of the list", m.Name, i+1)
		}
		if m.Name == name {
			return db, pool
		}
		if err := db.apply(ctx, m); err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
	}
	t.Fatalf("no migration %s", name)
	return nil, nil
}

// mustExec runs each statement on the database, or fails the test.
func mustExec(t *testing.T, pool *pgxpool.Pool, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := pool.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// hits searches db and gives each hit as "node field", and what sentence
// says of its sentence, if any.
func hits(t *testing.T, db *DB, q parley.SearchQuery, sentence func(*parley.Evidence) string) []string {
	t.Helper()
	found, _, err := db.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range found {
		s := h.NodeID + " " + h.Field
		if h.Sentence != nil {
			s += sentence(h.Sentence)
		}
		out = append(out, s)
	}
	return out
}

// TestSearchMigrationIndexesWhatIsStored stores a source and a statement
// in a database of the first migration's schema, as a database made
// before stemmed search holds them, then brings it up to date: the
// source's title and sentences are found, the statement by its speaker's
// name and by a stemmed word.
func TestSearchMigrationIndexesWhatIsStored(t *testing.T) {
	ctx := context.Background()
	db, pool := before(t, "0002_search_stemmed.sql")
	text := "Talks in Berlin.\nThe envoy was doubtful. Nothing was signed!"
	mustExec(t, pool,
		`INSERT INTO nodes (id, type, data, hash, recorded_at) VALUES ('art', 'Source', '{}', 'h', 'now'), ('peskov', 'Actor', '{}', 'h', 'now'), ('st', 'Statement', '{}', 'h', 'now')`,
		`INSERT INTO sources (id, title, text) VALUES ('art', 'Envoys meet', '`+text+`')`,
		`INSERT INTO actors (id, kind, name) VALUES ('peskov', 'PERSON', 'Dmitry Peskov')`,
		`INSERT INTO actor_names (actor_id, name, is_alias) VALUES ('peskov', 'Dmitry Peskov', 0), ('peskov', 'Kremlin spokesman', 1)`,
		`INSERT INTO assertions (id, rank) VALUES ('st', 'NORMAL')`,
		`INSERT INTO statements (id, speaker_id, mode, words) VALUES ('st', 'peskov', 'DIRECT', 'We doubt it')`,
		`INSERT INTO search_docs (node_id, node_type, field, body) VALUES ('peskov', 'Actor', 'name', 'Dmitry Peskov'), ('st', 'Statement', 'words', 'We doubt it')`)
	if err := db.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	search := func(text string, kinds ...parley.NodeType) []string {
		t.Helper()
		return hits(t, db, parley.SearchQuery{Text: text, Kinds: kinds, First: 10}, func(s *parley.Evidence) string { return " " + s.Quote })
	}
	for _, c := range []struct {
		query string
		kinds []parley.NodeType
		want  []string
	}{
		{"envoys", nil, []string{"art title", "art sentence The envoy was doubtful."}},
		{"doubts", nil, []string{"st words", "art sentence The envoy was doubtful."}},
		{"spokesman", []parley.NodeType{parley.TypeStatement}, []string{"st speaker"}},
		{"signed", nil, []string{"art sentence Nothing was signed!"}},
	} {
		if diff := cmp.Diff(c.want, search(c.query, c.kinds...)); diff != "" {
			t.Errorf("%q %v (-want +got):\n%s", c.query, c.kinds, diff)
		}
	}
	// The sentence's span is where it stands in the text.
	hits, _, err := db.Search(ctx, parley.SearchQuery{Text: "signed", First: 1})
	if err != nil || len(hits) != 1 || hits[0].Sentence == nil {
		t.Fatalf("signed: %+v, %v", hits, err)
	}
	s := hits[0].Sentence
	if got := string([]rune(text)[*s.Start:*s.End]); got != s.Quote {
		t.Errorf("span %d-%d is %q, want %q", *s.Start, *s.End, got, s.Quote)
	}
}

// TestSentencesResplitByMigration: a database whose sources' sentences
// were split at every line break (before migration 0004) has them split
// anew: a sentence that runs on across a line break is one search row.
func TestSentencesResplitByMigration(t *testing.T) {
	ctx := context.Background()
	db, pool := before(t, "0004_sentences_across_lines.sql")
	// As a database of before migration 0004 holds them: split at every
	// line break.
	text := "Talks began. A new round brought together the President\nVolodymyr Zelenskyy and others.\nA Heading\nThe end."
	mustExec(t, pool,
		`INSERT INTO nodes (id, type, data, hash, recorded_at) VALUES ('s', 'Source', '{}', 'h', 'now')`,
		`INSERT INTO sources (id, title, text) VALUES ('s', 'T', '`+text+`')`,
		`INSERT INTO search_docs (node_id, node_type, field, body, start_pos, end_pos) VALUES
			('s', 'Source', 'sentence', 'Talks began.', 0, 12),
			('s', 'Source', 'sentence', 'A new round brought together the President', 13, 55),
			('s', 'Source', 'sentence', 'Volodymyr Zelenskyy and others.', 56, 87),
			('s', 'Source', 'sentence', 'A Heading', 88, 97), ('s', 'Source', 'sentence', 'The end.', 98, 106)`)
	if err := db.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, "SELECT body || ' ' || start_pos || '-' || end_pos FROM search_docs WHERE field = 'sentence' ORDER BY start_pos")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	rows.Close()
	want := []string{"Talks began. 0-12", "A new round brought together the President\nVolodymyr Zelenskyy and others. 13-87", "A Heading 88-97", "The end. 98-106"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sentences after migration 0004 (-want +got):\n%s", diff)
	}
}

// TestSearchTextsOnceByMigration: a database made before migration 0009
// holds the same words in several search rows (a quote that is a
// sentence of its source, two statements of two speakers with the same
// words); after it, each text is held by one row, the others refer to
// it, and a search finds every row as before: by its text, by its
// speaker's names, or by both together. A row written afterwards refers
// to the row holding its text; when that row goes, the rows that
// referred to it hold the text themselves and are still found.
func TestSearchTextsOnceByMigration(t *testing.T) {
	ctx := context.Background()
	db, pool := before(t, "0009_search_texts_once.sql")
	mustExec(t, pool, `INSERT INTO nodes (id, type, data, hash, recorded_at) VALUES ('art', 'Source', '{}', 'h', 'now'),
			('peskov', 'Actor', '{}', 'h', 'now'), ('lavrov', 'Actor', '{}', 'h', 'now'),
			('st1', 'Statement', '{}', 'h', 'now'), ('st2', 'Statement', '{}', 'h', 'now'),
			('pos', 'Position', '{}', 'h', 'now'), ('pos2', 'Position', '{}', 'h', 'now')`,
		`INSERT INTO actors (id, kind, name) VALUES ('peskov', 'PERSON', 'Dmitry Peskov'), ('lavrov', 'PERSON', 'Sergei Lavrov')`,
		`INSERT INTO actor_names (actor_id, name, is_alias) VALUES ('peskov', 'Dmitry Peskov', 0), ('peskov', 'Kremlin spokesman', 1),
			('lavrov', 'Sergei Lavrov', 0)`,
		`INSERT INTO assertions (id, rank) VALUES ('st1', 'NORMAL'), ('st2', 'NORMAL')`,
		`INSERT INTO statements (id, speaker_id, mode, words) VALUES ('st1', 'peskov', 'DIRECT', 'We doubt it'), ('st2', 'lavrov', 'DIRECT', 'We doubt it')`,
		// As a database of before migration 0009 holds them.
		`INSERT INTO search_docs (node_id, node_type, field, body, start_pos, end_pos) VALUES
			('art', 'Source', 'title', 'Envoys meet', NULL, NULL),
			('art', 'Source', 'sentence', 'The envoy was doubtful.', 17, 40),
			('pos', 'Position', 'evidence', 'The envoy was doubtful.', NULL, NULL),
			('st1', 'Statement', 'words', 'We doubt it', NULL, NULL),
			('st2', 'Statement', 'words', 'We doubt it', NULL, NULL),
			('st2', 'Statement', 'evidence', 'The envoy was doubtful.', NULL, NULL)`)
	if err := db.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Which row each row's text is held by: itself, or the first row with
	// the same words.
	holders := func() map[string]string {
		t.Helper()
		rows, err := pool.Query(ctx, `SELECT d.node_id || ' ' || d.field, coalesce(h.node_id || ' ' || h.field, ''), d.words IS NOT NULL
			FROM search_docs d LEFT JOIN search_docs h ON h.id = d.text_id ORDER BY d.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var row, holder string
			var words bool
			if err := rows.Scan(&row, &holder, &words); err != nil {
				t.Fatal(err)
			}
			if words != (holder == "") {
				t.Errorf("%s: words %v, refers to %q", row, words, holder)
			}
			out[row] = holder
		}
		return out
	}
	want := map[string]string{"art title": "", "art sentence": "", "pos evidence": "art sentence", "st1 words": "", "st2 words": "st1 words",
		"st2 evidence": "art sentence"}
	if diff := cmp.Diff(want, holders()); diff != "" {
		t.Errorf("the rows after migration 0009 (-want +got):\n%s", diff)
	}
	search := func(text string, kinds ...parley.NodeType) []string {
		t.Helper()
		q := parley.SearchQuery{Text: text, Kinds: kinds, First: 10}
		out := hits(t, db, q, func(s *parley.Evidence) string { return fmt.Sprintf("@%d", *s.Start) })
		sort.Strings(out)
		if n, err := db.SearchCount(ctx, q); err != nil || n != len(out) {
			t.Errorf("%q: SearchCount %d (%v), %d hits", text, n, err, len(out))
		}
		return out
	}
	for _, c := range []struct {
		query string
		kinds []parley.NodeType
		want  []string
	}{
		{"doubt", nil, []string{"art sentence@17", "pos evidence", "st1 words", "st2 words"}},
		{"envoy", []parley.NodeType{parley.TypePosition, parley.TypeStatement}, []string{"pos evidence", "st2 evidence"}},
		{"spokesman", []parley.NodeType{parley.TypeStatement}, []string{"st1 speaker"}},
		// A word of the text and a word of the speaker's names.
		{"Lavrov doubt", nil, []string{"st2 words"}},
		{"Lavrov envoy", nil, []string{"st2 evidence"}},
		{"Peskov envoy", nil, nil},
		{"Lavrov", []parley.NodeType{parley.TypePosition}, nil},
	} {
		if diff := cmp.Diff(c.want, search(c.query, c.kinds...)); diff != "" {
			t.Errorf("%q %v (-want +got):\n%s", c.query, c.kinds, diff)
		}
	}
	// A row written alone refers to the row that holds its text.
	mustExec(t, pool, `INSERT INTO search_docs (node_id, node_type, field, body) VALUES ('pos2', 'Position', 'summary', 'We doubt it')`)
	want["pos2 summary"] = "st1 words"
	if diff := cmp.Diff(want, holders()); diff != "" {
		t.Errorf("after a row written alone (-want +got):\n%s", diff)
	}
	// The row that holds the text goes: the rows that referred to it hold
	// it, and are found.
	mustExec(t, pool, `DELETE FROM nodes WHERE id = 'st1'`)
	delete(want, "st1 words")
	want["st2 words"], want["pos2 summary"] = "", ""
	if diff := cmp.Diff(want, holders()); diff != "" {
		t.Errorf("after the holding row's node is deleted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"art sentence@17", "pos evidence", "pos2 summary", "st2 words"}, search("doubt")); diff != "" {
		t.Errorf("doubt, after st1 is deleted (-want +got):\n%s", diff)
	}
}
