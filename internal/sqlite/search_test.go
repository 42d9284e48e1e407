package sqlite_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestSearchWhileAnotherWriterWrites searches from one handle while a
// second handle on the same file (as another process would) keeps
// rewriting the texts that match: every hit must come with its snippet,
// since hits and snippets are read in one statement.
func TestSearchWhileAnotherWriterWrites(t *testing.T) {
	ctx := context.Background()
	db, path := open(t)
	actors := func(round int) *parley.Dataset {
		ds := &parley.Dataset{Name: "writer"}
		for i := range 20 {
			ds.Actors = append(ds.Actors, &parley.Actor{ID: fmt.Sprintf("zz-actor-%d", i), Kind: parley.Organization,
				Name: fmt.Sprintf("Truce office %d", i), Description: fmt.Sprintf("Keeps the truce, revision %d.", round)})
		}
		return ds
	}
	if _, err := db.Import(ctx, []*parley.Dataset{actors(0)}); err != nil {
		t.Fatal(err)
	}
	writer, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()

	const searches = 300
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	writes := 0
	go func() {
		defer wg.Done()
		for round := 1; ; round++ {
			select {
			case <-done:
				return
			default:
			}
			if _, err := writer.Import(ctx, []*parley.Dataset{actors(round)}); err != nil {
				t.Errorf("write %d: %v", round, err)
				return
			}
			writes++
		}
	}()
	for i := range searches {
		hits, _, err := db.Search(ctx, parley.SearchQuery{Text: "truce", First: 50})
		if err != nil {
			t.Fatalf("search %d: %v", i, err)
		}
		if len(hits) != 20 {
			t.Fatalf("search %d: %d hits, want 20", i, len(hits))
		}
		for _, h := range hits {
			if !strings.Contains(h.Snippet, parley.SnippetStart+"Truce"+parley.SnippetEnd) &&
				!strings.Contains(h.Snippet, parley.SnippetStart+"truce"+parley.SnippetEnd) {
				t.Fatalf("search %d: hit %s (%s) has snippet %q", i, h.NodeID, h.Field, h.Snippet)
			}
		}
	}
	close(done)
	wg.Wait()
	if writes == 0 {
		t.Fatal("the writer wrote nothing while the searches ran")
	}
	t.Logf("%d searches while %d imports rewrote the matching texts", searches, writes)
}

// TestSearchControlCharacters: NUL and other control characters separate
// words; text that is not UTF-8 is refused by name.
func TestSearchControlCharacters(t *testing.T) {
	ctx := context.Background()
	db, _ := open(t)
	ds := &parley.Dataset{Name: "x", Actors: []*parley.Actor{{ID: "a", Kind: parley.Organization, Name: "Truce office"}}}
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"truce\x00office", "\x00truce", "truce\x01\x02\x03office\x7f", "truce\u0085office"} {
		hits, _, err := db.Search(ctx, parley.SearchQuery{Text: q, First: 10})
		if err != nil || len(hits) != 1 || hits[0].NodeID != "a" {
			t.Errorf("%q: %v, %+v; want the one actor", q, err, hits)
		}
	}
	for q, want := range map[string]string{
		"\x00":        "query has no words to search for",
		"\x00\x01 \t": "query has no words to search for",
		"truce\xff":   "query is not valid UTF-8 text",
	} {
		_, _, err := db.Search(ctx, parley.SearchQuery{Text: q, First: 10})
		if parley.ErrorCode(err) != parley.EInvalid || parley.ErrorMessage(err) != want {
			t.Errorf("%q: %v, want %s %q", q, err, parley.EInvalid, want)
		}
	}
}
