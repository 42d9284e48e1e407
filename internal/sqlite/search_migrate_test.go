package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/parley"
)

// TestSearchMigrationStemsAndSplits brings a database holding a source, an
// actor and a statement from before the stemmed search (migration 9) up to
// date, and checks that the old rows are found the new ways: by a word's
// stem, by the speaker's name, and by a sentence of the source.
func TestSearchMigrationStemsAndSplits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	sqldb, err := sql.Open("sqlite3", DSN(path))
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{db: sqldb, path: path, Now: time.Now}
	if _, err := sqldb.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Name < "0009_search_stemmed.sql" {
			if err := old.apply(ctx, m); err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
		}
	}
	// The rows the writer of that time wrote, search rows included.
	text := "Analysts remain doubtful. Nobody modelled this sentence about Chatham House."
	for _, q := range []string{
		`INSERT INTO nodes (id, type, data, hash, recorded_at) VALUES ('src', 'Source', '{}', 'h', 'now'), ('peskov', 'Actor', '{}', 'h', 'now'), ('st', 'Statement', '{}', 'h', 'now')`,
		`INSERT INTO sources VALUES ('src', 'The article', '` + text + `')`,
		`INSERT INTO actors VALUES ('peskov', 'PERSON', 'Dmitry Peskov')`,
		`INSERT INTO actor_names VALUES ('peskov', 'Dmitry Peskov', 0), ('peskov', 'Peskov', 1)`,
		`INSERT INTO assertions (id, rank) VALUES ('st', 'NORMAL')`,
		`INSERT INTO statements (id, speaker_id, mode, words) VALUES ('st', 'peskov', 'DIRECT', 'Analysts remain doubtful')`,
		`INSERT INTO search_docs (node_id, node_type, field, body) VALUES ('peskov', 'Actor', 'name', 'Dmitry Peskov'),
			('st', 'Statement', 'words', 'Analysts remain doubtful')`,
	} {
		if _, err := sqldb.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	sqldb.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	find := func(text string) []string {
		hits, _, err := db.Search(ctx, parley.SearchQuery{Text: text, First: 10})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
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
		want  []string
	}{
		{"doubt", []string{"src sentence Analysts remain doubtful.", "st words"}},
		{"peskov doubtful", []string{"st words"}},
		{"dmitry", []string{"peskov name", "st speaker"}},
		{"modelled chatham", []string{"src sentence Nobody modelled this sentence about Chatham House."}},
		{"article", []string{"src title"}},
	} {
		got := find(c.query)
		sort.Strings(got)
		if len(got) != len(c.want) {
			t.Errorf("search %q = %q, want %q", c.query, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("search %q = %q, want %q", c.query, got, c.want)
				break
			}
		}
	}
	// Opening again indexes nothing again.
	db.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.SearchCount(ctx, parley.SearchQuery{Text: "sentence"}); err != nil || n != 1 {
		t.Errorf("after opening again, %d hits for a sentence (err %v), want 1", n, err)
	}
}
