package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
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
	case <-time.After(2 * time.Minute):
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
	if code, body := s.post("", `{"query":"{ actors { totalCount } }"}`); code != 200 || body != `{"data":{"actors":{"totalCount":33}}}` {
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

// TestServeFullDisk serves a database on a small tmpfs and writes through
// the API until the disk is full: the write that does not fit answers
// STORAGE_FULL, /readyz says so, reads go on, and the node holds the last
// acknowledged write. Skipped, saying why, where a tmpfs cannot be
// mounted.
func TestServeFullDisk(t *testing.T) {
	mnt := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	db := filepath.Join(mnt, "full.db")
	if code, _, errOut := run(t, nil, "import", "--db", db, berlinFile); code != 0 {
		t.Fatal(errOut)
	}
	_, tok, _ := run(t, nil, "token", "create", "--db", db, "--name", "alice", "--role", "editor")
	tok = strings.TrimSpace(tok)
	// Leave 2 MiB free.
	var st syscall.Statfs_t
	if err := syscall.Statfs(mnt, &st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mnt, "ballast"), make([]byte, int64(st.Bavail)*int64(st.Bsize)-(2<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "--db", db)
	if code, body := s.get("/readyz"); code != 200 {
		t.Fatalf("/readyz with 2 MiB free = %d %q", code, body)
	}
	last := ""
	acknowledged := 0
	for i := range 500 {
		desc := fmt.Sprintf("Revision %d. %s", i, strings.Repeat("A state of eastern Europe. ", 350))
		req, _ := json.Marshal(map[string]any{
			"query":     `mutation($d: String!) { updateActor(input: {id: "ukraine", description: $d}) { actor { id } } }`,
			"variables": map[string]any{"d": desc},
		})
		code, body := s.post(tok, string(req))
		if code == 200 && body == `{"data":{"updateActor":{"actor":{"id":"ukraine"}}}}` {
			last = desc
			acknowledged++
			continue
		}
		want := `{"errors":[{"message":"the disk holding the database is full: writes are refused until space is freed","path":["updateActor"],"locations":[{"line":1,"column":25}],"extensions":{"code":"STORAGE_FULL"}}],"data":{"updateActor":null}}`
		if code != 200 || body != want {
			t.Fatalf("write %d: %d %s\nwant %s", i, code, body, want)
		}
		break
	}
	if last == "" || acknowledged == 500 {
		t.Fatalf("%d writes acknowledged: the disk did not fill", acknowledged)
	}
	if code, body := s.get("/readyz"); code != 503 || !strings.HasPrefix(body, "not ready: STORAGE_FULL: ") {
		t.Errorf("/readyz with the disk full = %d %q", code, body)
	}
	code, body := s.post("", `{"query":"{ node(id: \"ukraine\") { ... on State { description } } }"}`)
	if want, _ := json.Marshal(map[string]any{"data": map[string]any{"node": map[string]any{"description": last}}}); code != 200 || body != string(want) {
		t.Errorf("read with the disk full: %d %.200s, want the last acknowledged description (write %d)", code, body, acknowledged-1)
	}
	t.Logf("%d updates of 9 KB acknowledged before the disk was full", acknowledged)
}
