package graph_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// damaged returns the Berlin graph in a new file whose table's (or index's) first page
// is overwritten, opened.
func damaged(t *testing.T, table string) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "damaged.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, []*parley.Dataset{berlinFile(t)}); err != nil {
		t.Fatal(err)
	}
	var root, size int
	if err := db.SQL().QueryRow("SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = ?", table).Scan(&root, &size); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := (root - 1) * size; i < root*size; i++ {
		b[i] = byte(i*7 + 3)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestStorageFaultsHaveTheirCode: damaged pages met by a query, or by the
// token check, answer STORAGE_CORRUPT, never an internal error.
func TestStorageFaultsHaveTheirCode(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db := damaged(t, "search_docs")
	h := graph.NewHandler(db, quiet)
	_, errs := raw(t, h, `{ search(query: "Donbas") { edges { node { snippet } } } }`)
	if len(errs) != 1 || errs[0].Extensions["code"] != parley.EStorageCorrupt ||
		!strings.HasPrefix(errs[0].Message, "the database file is damaged (SQLite says: database disk image is malformed)") {
		t.Errorf("search over damaged pages: %+v", errs)
	}
	if err := db.Ping(context.Background()); parley.ErrorCode(err) != parley.EStorageCorrupt {
		t.Errorf("ping after damaged pages were met: %v", err)
	}

	db = damaged(t, "sqlite_autoindex_tokens_2") // the index on the token hash
	auth := graph.Authenticate(db, false, graph.NewHandler(db, quiet))
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{ __typename }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer pk_whatever")
	w := httptest.NewRecorder()
	auth.ServeHTTP(w, req)
	want := `{"errors":[{"extensions":{"code":"STORAGE_CORRUPT"},"message":"the database file is damaged (SQLite says: database disk image is malformed): restore it from a backup"}]}`
	if w.Code != http.StatusServiceUnavailable || w.Body.String() != want {
		t.Errorf("token check over damaged pages: %d %s\nwant 503 %s", w.Code, w.Body, want)
	}
}
