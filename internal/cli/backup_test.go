package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// TestBackupWhileWriting backs up a database that serve is serving while
// another process-like handle writes to it: each backup holds a whole
// prefix of the writes (it is one moment), opens, serves and exports;
// once the writes stop, a backup exports exactly as the source does.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	if code, _, errOut := run(t, nil, "import", "--db", db, berlinFile); code != 0 {
		t.Fatal(errOut)
	}
	startServer(t, "--db", db)

	writer, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	var mu sync.Mutex
	// started counts writes begun: a write may commit (and so be in a
	// backup) before its acknowledgement is counted, never before it began.
	acknowledged, started := 0, 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			started++
			mu.Unlock()
			ds := &parley.Dataset{Name: "writer", Actors: []*parley.Actor{{ID: fmt.Sprintf("writer-%04d", i), Kind: parley.Group, Name: fmt.Sprintf("Writer %d", i)}}}
			if _, err := writer.Import(ctx, []*parley.Dataset{ds}); err != nil {
				t.Errorf("write %d: %v", i, err)
				return
			}
			mu.Lock()
			acknowledged++
			mu.Unlock()
		}
	}()
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return acknowledged
	}
	begun := func() int {
		mu.Lock()
		defer mu.Unlock()
		return started
	}
	// writers returns the writer actors of a backup's export, checking
	// they are writer-0000 … writer-(n-1) with none missing.
	writers := func(export string) int {
		n := strings.Count(export, "name: Writer ")
		for i := range n {
			if !strings.Contains(export, fmt.Sprintf("id: writer-%04d\n", i)) {
				t.Errorf("a backup with %d writes lacks writer-%04d", n, i)
			}
		}
		return n
	}

	for i := range 3 {
		before := count()
		out := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		code, stdout, errOut := run(t, nil, "backup", "--db", db, out)
		after := begun()
		if code != 0 || !strings.HasPrefix(stdout, "backed up "+db+" to "+out+": ") {
			t.Fatalf("backup %d: exit %d\n%s%s", i, code, stdout, errOut)
		}
		code, export, errOut := run(t, nil, "export", "--db", out)
		if code != 0 {
			t.Fatalf("export backup %d: %s", i, errOut)
		}
		if n := writers(export); n < before || n > after {
			t.Errorf("backup %d holds %d writes; %d were acknowledged before it began and %d had begun when it ended", i, n, before, after)
		}
	}
	close(stop)
	wg.Wait()
	if count() == 0 {
		t.Fatal("nothing was written while the backups ran")
	}

	final := filepath.Join(dir, "final.db")
	if code, _, errOut := run(t, nil, "backup", "--db", db, final); code != 0 {
		t.Fatal(errOut)
	}
	_, want, _ := run(t, nil, "export", "--db", db)
	_, got, _ := run(t, nil, "export", "--db", final)
	if got != want || writers(got) != count() {
		t.Errorf("the backup taken after the writes exports %d bytes and %d writes; the source %d bytes and %d writes", len(got), writers(got), len(want), count())
	}
	// Restore by serving the backup.
	s := startServer(t, "--db", final)
	if code, body := s.post("", `{"query":"{ actors { totalCount } }"}`); code != 200 || body != fmt.Sprintf(`{"data":{"actors":{"totalCount":%d}}}`, 33+count()) {
		t.Errorf("serve the backup: %d %s, want %d actors", code, body, 32+count())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.partial*")); len(left) > 0 {
		t.Errorf("backups left files behind: %v", left)
	}
	t.Logf("3 backups while %d writes were acknowledged", count())

	code, _, errOut := run(t, nil, "backup", "--db", db, final)
	if code != 1 || errOut != "parley backup: "+final+" exists already: give the backup a new file name\n" {
		t.Errorf("backup over an existing file: exit %d, %q", code, errOut)
	}
	if code, _, _ := run(t, nil, "backup", "--db", db); code != 2 {
		t.Errorf("backup without OUT: exit %d, want 2", code)
	}
}
