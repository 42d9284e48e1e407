package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// FuzzSearchQuery sends arbitrary text through the search query
// sanitiser (parley.FTSQuery) into SQLite's FTS5: every text either finds
// hits or is refused with BAD_USER_INPUT naming the query; never an FTS5
// syntax error, never a panic. Seeds: testdata/fuzz/FuzzSearchQuery.
func FuzzSearchQuery(f *testing.F) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	ds := parse(f, "talks.yaml", talks(f)).Dataset
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, first uint8) {
		hits, _, err := db.Search(ctx, parley.SearchQuery{Text: text, First: int(first%50) + 1})
		if err != nil {
			if parley.ErrorCode(err) != parley.EInvalid || !strings.HasPrefix(parley.ErrorMessage(err), "query ") {
				t.Fatalf("%q: %v (%s), want hits or BAD_USER_INPUT naming the query", text, err, parley.ErrorCode(err))
			}
			return
		}
		for _, h := range hits {
			if h.NodeID == "" || h.Snippet == "" {
				t.Fatalf("%q: a hit without its node or snippet: %+v", text, h)
			}
		}
	})
}
