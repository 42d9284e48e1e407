package postgres

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// TestSearchMigrationIndexesWhatIsStored stores a source and a statement
// in a database of the first migration's schema, as a database made
// before stemmed search holds them, then brings it up to date: the
// source's title and sentences are found, the statement by its speaker's
// name and by a stemmed word.
func TestSearchMigrationIndexesWhatIsStored(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	db := &DB{db: sql.OpenDB(connector{stdlib.GetPoolConnector(pool)}), pool: pool, Now: time.Now}
	defer db.Close()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].version != 1 || ms[1].name != "0002_search_stemmed.sql" {
		t.Fatalf("migrations: %v, %v", ms[0].name, ms[1].name)
	}
	if err := db.apply(ctx, ms[0]); err != nil {
		t.Fatal(err)
	}
	text := "Talks in Berlin.\nThe envoy was doubtful. Nothing was signed!"
	for _, q := range []string{
		`INSERT INTO nodes (id, type, data, hash, recorded_at) VALUES ('art', 'Source', '{}', 'h', 'now'), ('peskov', 'Actor', '{}', 'h', 'now'), ('st', 'Statement', '{}', 'h', 'now')`,
		`INSERT INTO sources (id, title, text) VALUES ('art', 'Envoys meet', '` + text + `')`,
		`INSERT INTO actors (id, kind, name) VALUES ('peskov', 'PERSON', 'Dmitry Peskov')`,
		`INSERT INTO actor_names (actor_id, name, is_alias) VALUES ('peskov', 'Dmitry Peskov', 0), ('peskov', 'Kremlin spokesman', 1)`,
		`INSERT INTO assertions (id, rank) VALUES ('st', 'NORMAL')`,
		`INSERT INTO statements (id, speaker_id, mode, words) VALUES ('st', 'peskov', 'DIRECT', 'We doubt it')`,
		`INSERT INTO search_docs (node_id, node_type, field, body) VALUES ('peskov', 'Actor', 'name', 'Dmitry Peskov'), ('st', 'Statement', 'words', 'We doubt it')`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	search := func(text string, kinds ...parley.NodeType) []string {
		t.Helper()
		hits, _, err := db.Search(ctx, parley.SearchQuery{Text: text, Kinds: kinds, First: 10})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			s := h.NodeID + " " + h.Field
			if h.Sentence != nil {
				s += " " + h.Sentence.Quote
			}
			out = append(out, s)
		}
		return out
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
		got := search(c.query, c.kinds...)
		if len(got) != len(c.want) {
			t.Errorf("%s: %q, want %q", c.query, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: %q, want %q", c.query, got, c.want)
				break
			}
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
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	db := &DB{db: sql.OpenDB(connector{stdlib.GetPoolConnector(pool)}), pool: pool, Now: time.Now}
	defer db.Close()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 4 || ms[3].name != "0004_sentences_across_lines.sql" {
		t.Fatalf("migrations: %v", ms)
	}
	for _, m := range ms[:3] {
		if err := db.apply(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	// As a database of before migration 0004 holds them: split at every
	// line break.
	text := "Talks began. A new round brought together the President\nVolodymyr Zelenskyy and others.\nA Heading\nThe end."
	for _, q := range []string{
		`INSERT INTO nodes (id, type, data, hash, recorded_at) VALUES ('s', 'Source', '{}', 'h', 'now')`,
		`INSERT INTO sources (id, title, text) VALUES ('s', 'T', '` + text + `')`,
		`INSERT INTO search_docs (node_id, node_type, field, body, start_pos, end_pos) VALUES
			('s', 'Source', 'sentence', 'Talks began.', 0, 12),
			('s', 'Source', 'sentence', 'A new round brought together the President', 13, 55),
			('s', 'Source', 'sentence', 'Volodymyr Zelenskyy and others.', 56, 87),
			('s', 'Source', 'sentence', 'A Heading', 88, 97), ('s', 'Source', 'sentence', 'The end.', 98, 106)`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
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
	if len(got) != len(want) {
		t.Fatalf("sentences after migration 0004: %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sentences after migration 0004: %q, want %q", got, want)
			break
		}
	}
}
