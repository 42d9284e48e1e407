package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/sqlite"
)

// server is a parley serve running in-process for a test.
type server struct {
	t      *testing.T
	base   string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startServer runs serve with args; it fails the test if serve exits
// before listening.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	addrc := make(chan string, 1)
	s := &server{t: t, stderr: &syncBuffer{}, done: make(chan int, 1)}
	app := &App{Stdout: io.Discard, Stderr: s.stderr, Getenv: func(string) string { return "" }, Ready: func(a string) { addrc <- a }}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	go func() { s.done <- app.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case a := <-addrc:
		s.base = "http://" + a
	case code := <-s.done:
		t.Fatalf("serve exited %d: %s", code, s.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		<-s.done
	})
	return s
}

func (s *server) get(path string) (int, string) {
	s.t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (s *server) post(token, body string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+"/query", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeReadOnlyDatabase serves a database file that cannot be written
// (immutable for root, mode 0444 for a user): reads work, writes answer
// STORAGE_READ_ONLY, and /readyz says why it is not ready.
func TestServeReadOnlyDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ro.db")
	if code, _, errOut := run(t, nil, "import", "--db", db, berlinFile); code != 0 {
		t.Fatal(errOut)
	}
	_, tok, _ := run(t, nil, "token", "create", "--db", db, "--name", "alice", "--role", "editor")
	tok = strings.TrimSpace(tok)
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", db).CombinedOutput(); err != nil {
			t.Skipf("running as root, and cannot make the file immutable (chattr +i): %v: %s", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", db).Run() })
	} else if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "--db", db)
	if code, body := s.get("/readyz"); code != 503 || body != "not ready: STORAGE_READ_ONLY: the database cannot be written (the file may not be written)\n" {
		t.Errorf("/readyz = %d %q", code, body)
	}
	if code, body := s.post("", `{"query":"{ actors { totalCount } }"}`); code != 200 || body != `{"data":{"actors":{"totalCount":32}}}` {
		t.Errorf("read: %d %s", code, body)
	}
	code, body := s.post(tok, `{"query":"mutation { updateActor(input: {id: \"ukraine\", description: \"A state\"}) { actor { description } } }"}`)
	want := `{"errors":[{"message":"the database cannot be written (the file may not be written): writes are refused until it can be","path":["updateActor"],"locations":[{"line":1,"column":12}],"extensions":{"code":"STORAGE_READ_ONLY"}}],"data":{"updateActor":null}}`
	if code != 200 || body != want {
		t.Errorf("write: %d %s\nwant %s", code, body, want)
	}
	if !strings.Contains(s.stderr.String(), "the database cannot be written: serving reads") {
		t.Errorf("start-up does not say the database is read-only:\n%s", s.stderr.String())
	}
}

// TestServeCorruptDatabase: start-up refuses a damaged file, naming it;
// with --skip-check it serves, reads of the damaged pages answer
// STORAGE_CORRUPT, and /readyz reports it from then on.
func TestServeCorruptDatabase(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if code, _, errOut := run(t, nil, "import", "--db", good, berlinFile); code != 0 {
		t.Fatal(errOut)
	}
	// Overwrite the first page of the search index's documents.
	store, err := sqlite.Open(context.Background(), good)
	if err != nil {
		t.Fatal(err)
	}
	var root, size int
	err = store.SQL().QueryRow("SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'search_docs'").Scan(&root, &size)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	for i := (root - 1) * size; i < root*size; i++ {
		b[i] = byte(i*7 + 3)
	}
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, nil, "serve", "--db", bad, "--addr", "127.0.0.1:0")
	if code != 1 || !strings.HasPrefix(errOut, "parley serve: "+bad+" is damaged") || !strings.Contains(errOut, "restore it from a backup") {
		t.Errorf("serve a damaged file: exit %d, stderr %s", code, errOut)
	}

	s := startServer(t, "--db", bad, "--skip-check")
	if code, body := s.get("/readyz"); code != 200 {
		t.Errorf("/readyz before reading a damaged page = %d %q", code, body)
	}
	code, body := s.post("", `{"query":"{ search(query: \"talks\") { edges { node { snippet } } } }"}`)
	if code != 200 || !strings.Contains(body, `"extensions":{"code":"STORAGE_CORRUPT"}`) || strings.Contains(body, "INTERNAL") {
		t.Errorf("read damaged pages: %d %s", code, body)
	}
	if code, body := s.get("/readyz"); code != 503 || !strings.HasPrefix(body, "not ready: STORAGE_CORRUPT: the database file is damaged") {
		t.Errorf("/readyz after reading a damaged page = %d %q", code, body)
	}

	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a database\n"), 0o644)
	code, _, errOut = run(t, nil, "serve", "--db", text)
	if code != 1 || errOut != "parley serve: "+text+" is not a SQLite database: it does not begin with SQLite's header\n" {
		t.Errorf("serve a text file: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = run(t, nil, "export", "--db", dir)
	if code != 1 || !strings.Contains(errOut, dir+" is a folder, not a database file") {
		t.Errorf("export a folder: exit %d, stderr %q", code, errOut)
	}
}
