package buildtag_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryTestPackageGuarded checks each package with tests has the file
// that stops a run without the sqlite_fts5 tag at once (buildtag_test.go),
// so that go test ./... never fails test after test, or hangs, instead.
func TestEveryTestPackageGuarded(t *testing.T) {
	root := filepath.Join("..", "..")
	tested := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, "_test.go") {
			tested[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tested) < 5 {
		t.Fatalf("found %d test packages; the walk is wrong", len(tested))
	}
	for dir := range tested {
		if dir == filepath.Join(root, "internal", "buildtag") {
			continue // this package needs no guard: it needs no SQLite
		}
		b, err := os.ReadFile(filepath.Join(dir, "buildtag_test.go"))
		if err != nil || !strings.HasPrefix(string(b), "//go:build !sqlite_fts5") || !strings.Contains(string(b), "buildtag.Missing") {
			t.Errorf("%s has tests but no buildtag_test.go guard (copy one from internal/cli)", dir)
		}
	}
}
