package cli

import (
	"bufio"
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
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// helperEnv, set in a child process's environment, makes
// TestHelperServe run parley serve with the arguments it holds (joined
// by newlines) instead of being a test.
const helperEnv = "PARLEY_TEST_HELPER_SERVE"

// TestHelperServe is not a test: it is the entry point of the server
// processes that TestTwoServersOneFile starts (this test binary run again
// with helperEnv set), so that they run parley serve exactly as the
// binary does, each in a process of its own.
func TestHelperServe(t *testing.T) {
	args := os.Getenv(helperEnv)
	if args == "" {
		t.Skip("the server process of TestTwoServersOneFile")
	}
	app := &App{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: func(string) string { return "" },
		Ready: func(a string) { fmt.Printf("LISTENING %s\n", a) }}
	os.Exit(app.Run(context.Background(), strings.Split(args, "\n")))
}

// proc is a parley serve in a process of its own.
type proc struct {
	cmd    *exec.Cmd
	base   string
	stderr bytes.Buffer
	done   chan error
}

// startProcess starts parley serve in a new process, with args, and waits
// (at most a minute) until it listens.
func startProcess(t *testing.T, args ...string) *proc {
	t.Helper()
	p := &proc{done: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	p.cmd.Env = append(os.Environ(), helperEnv+"="+strings.Join(append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), "\n"))
	p.cmd.Stderr = &p.stderr
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
				addrc <- a
			}
		}
		p.done <- p.cmd.Wait()
	}()
	select {
	case a := <-addrc:
		p.base = "http://" + a
	case err := <-p.done:
		t.Fatalf("serve exited (%v): %s", err, p.stderr.String())
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		t.Fatal("serve did not start within a minute")
	}
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop ends the server as a signal would, and waits (at most 20 s) for it
// to exit; then it is killed.
func (p *proc) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		t.Errorf("serve did not stop within 20 s of SIGTERM")
	}
}

var client = &http.Client{Timeout: 30 * time.Second}

// gql posts a query to the server and returns its data, or an error
// naming the status and the errors' codes.
func (p *proc) gql(token, query string, vars map[string]any) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, p.base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("%d %q: %v", resp.StatusCode, b, err)
	}
	if resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
		return nil, fmt.Errorf("%d %v %+v", resp.StatusCode, out.Errors, string(b))
	}
	return out.Data, nil
}

// TestTwoServersOneFile runs two parley serve processes on one database
// file, with 8 writers of read-modify-write mutations on the same three
// nodes (through either server) and 16 readers, for a few seconds; each
// acknowledged span is read back at once through the other server (whose
// node cache the readers keep warm: no replica serves a node older than a
// write another acknowledged); then it finds every acknowledged write
// through both servers and checks that the history agrees with what is
// stored.
func TestTwoServersOneFile(t *testing.T) {
	twoServers(t, filepath.Join(t.TempDir(), "shared.db"), "--skip-check")
}

// TestTwoServersOnePostgres is TestTwoServersOneFile on one PostgreSQL
// database: two replicas behind no load balancer but the test's own.
func TestTwoServersOnePostgres(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	twoServers(t, pgtest.Database(t))
}

// twoServers runs the two-server test on the database db (a file or a
// URL), each server started with --db db and the extra arguments.
func twoServers(t *testing.T, path string, extra ...string) {
	const writers, readers = 8, 16
	const load = 3 * time.Second
	ctx := context.Background()
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	text := []rune(f.Dataset.Sources[0].Text)
	app := &App{Getenv: func(string) string { return "" }}
	db, err := app.openStore(ctx, path, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(ctx, []*parley.Dataset{f.Dataset}); err != nil {
		t.Fatal(err)
	}
	editor, err := db.CreateToken(ctx, "editor", parley.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	args := append([]string{"--db", path}, extra...)
	servers := []*proc{startProcess(t, args...), startProcess(t, args...)}

	// Each evidence span added is a different word of the source, so that
	// each write can be found again by its offset.
	var spans []int
	for i := 0; i < len(text); i++ {
		if unicode.IsLetter(text[i]) && (i == 0 || !unicode.IsLetter(text[i-1])) {
			j := i
			for j < len(text) && unicode.IsLetter(text[j]) {
				j++
			}
			if j-i >= 5 {
				spans = append(spans, i<<16|(j-i))
			}
		}
	}
	positions := []string{"pos-russia-demands-donbas", "pos-ukraine-refuses-to-give-up-donbas"}
	const commitment = "com-us-ceasefire-monitoring"

	var (
		mu       sync.Mutex
		acked    = map[string][]int{} // position: offsets of spans added
		notes    []string             // ratings acknowledged
		failed   []string
		next     atomic.Int64
		reads    atomic.Int64
		readErrs atomic.Int64
		readBack atomic.Int64 // reads through the other server after a write
	)
	deadline := time.Now().Add(load)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			// Each writer makes at least one round of its three kinds of
			// write (evidence on each position, a rating), however slow
			// the machine: the checks below need a write of each.
			for i := 0; i < 3 || time.Now().Before(deadline); i++ {
				p := servers[(w+i)%2]
				if i%3 == 2 {
					note := fmt.Sprintf("rating %d-%d", w, i)
					_, err := p.gql(editor, `mutation($id: ID!, $note: String!) { rateCommitment(input: {id: $id, status: UNDER_NEGOTIATION, note: $note,
						evidence: [{source: "berlin-talks-article", quote: "The draft documents remain incomplete"}]}) { commitment { id } } }`,
						map[string]any{"id": commitment, "note": note})
					mu.Lock()
					if err != nil {
						failed = append(failed, fmt.Sprintf("rate %s: %v", note, err))
					} else {
						notes = append(notes, note)
					}
					mu.Unlock()
					continue
				}
				n := int(next.Add(1)) - 1
				if n >= len(spans) {
					return
				}
				start, length := spans[n]>>16, spans[n]&0xffff
				id := positions[i%2]
				_, err := p.gql(editor, `mutation($id: ID!, $ev: EvidenceInput!) { addEvidence(input: {id: $id, evidence: $ev}) { node { id } } }`,
					map[string]any{"id": id, "ev": map[string]any{"source": "berlin-talks-article", "quote": string(text[start : start+length]), "start": start}})
				mu.Lock()
				if err != nil {
					failed = append(failed, fmt.Sprintf("add evidence at %d to %s: %v", start, id, err))
				} else {
					acked[id] = append(acked[id], start)
				}
				mu.Unlock()
				if err != nil {
					continue
				}
				// The other server, whose node cache the readers keep
				// warm, serves the write from the next request on.
				other := servers[(w+i+1)%2]
				data, err := other.gql("", `query($id: ID!) { node(id: $id) { ... on Position { evidence { start } } } }`, map[string]any{"id": id})
				var got struct {
					Node struct{ Evidence []struct{ Start int } }
				}
				if err == nil {
					err = json.Unmarshal(data, &got)
				}
				seen := false
				for _, e := range got.Node.Evidence {
					seen = seen || e.Start == start
				}
				readBack.Add(1)
				if err != nil || !seen {
					t.Errorf("the other server, asked after the write at %d to %s returned, does not serve it (%v)", start, id, err)
				}
			}
		}(w)
	}
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				q := `query($id: ID!) { node(id: $id) { version ... on Position { evidence { start } history(first: 5) { edges { node { op version } } } } } }`
				vars := map[string]any{"id": positions[i%2]}
				if i%3 == 2 {
					q = `{ commitments(status: UNDER_NEGOTIATION) { totalCount edges { node { id statusHistory { note } } } } }`
					vars = nil
				}
				reads.Add(1)
				if _, err := servers[(r+i)%2].gql("", q, vars); err != nil {
					readErrs.Add(1)
					t.Errorf("read: %v", err)
				}
			}
		}(r)
	}
	wg.Wait()
	for _, f := range failed {
		t.Errorf("write failed: %s", f)
	}

	// Every acknowledged write is there, through either server.
	writes, found := len(notes), 0
	for _, id := range positions {
		writes += len(acked[id])
	}
	for si, p := range servers {
		n := 0
		for _, id := range positions {
			data, err := p.gql("", `query($id: ID!) { node(id: $id) { ... on Position { evidence { start } } } }`, map[string]any{"id": id})
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Node struct{ Evidence []struct{ Start int } }
			}
			json.Unmarshal(data, &got)
			have := map[int]bool{}
			for _, e := range got.Node.Evidence {
				have[e.Start] = true
			}
			for _, start := range acked[id] {
				if have[start] {
					n++
				} else {
					t.Errorf("server %d: the span at %d added to %s is missing", si+1, start, id)
				}
			}
		}
		data, err := p.gql("", `query($id: ID!) { node(id: $id) { ... on Commitment { statusHistory { note } } } }`, map[string]any{"id": commitment})
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Node struct{ StatusHistory []struct{ Note *string } }
		}
		json.Unmarshal(data, &got)
		have := map[string]bool{}
		for _, s := range got.Node.StatusHistory {
			if s.Note != nil {
				have[*s.Note] = true
			}
		}
		for _, note := range notes {
			if have[note] {
				n++
			} else {
				t.Errorf("server %d: the rating %q is missing", si+1, note)
			}
		}
		if si == 0 {
			found = n
		} else if n != found {
			t.Errorf("server 1 finds %d writes, server 2 %d", found, n)
		}
	}
	// Both servers answered reads from their answer caches (warm when
	// the writes came), and dropped what the writes made old.
	for si, p := range servers {
		resp, err := client.Get(p.base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		hits, _ := metricValue(t, string(b), "parley_answer_cache_hits_total")
		dropped, _ := metricValue(t, string(b), "parley_answer_cache_invalidated_total")
		if hits == 0 || dropped == 0 {
			t.Errorf("server %d: %v answers from its cache, %v dropped; want some of each", si+1, hits, dropped)
		}
	}
	for _, p := range servers {
		p.stop(t)
	}

	// The history agrees with the state: one change for each write, each
	// starting from the record and version the one before left, and the
	// last leaving the node as stored.
	check, err := app.openStore(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	sqldb := check.SQL()
	for _, id := range append(positions, commitment) {
		want := len(acked[id])
		op := "UPDATE"
		if id == commitment {
			want, op = len(notes), "RATE"
		}
		rows, err := sqldb.Query("SELECT op, coalesce(before, ''), coalesce(after, ''), coalesce(version, 0) FROM changes WHERE node_id = ? ORDER BY seq", id)
		if err != nil {
			t.Fatal(err)
		}
		var prevAfter string
		prevVersion, n := 0, 0
		for rows.Next() {
			var o, before, after string
			var version int
			if err := rows.Scan(&o, &before, &after, &version); err != nil {
				t.Fatal(err)
			}
			if o == op {
				n++
				if prevAfter != "" && before != prevAfter {
					t.Errorf("%s: a change starts from another record than the one before it left", id)
				}
				if version != prevVersion+1 {
					t.Errorf("%s: a change leaves version %d after version %d", id, version, prevVersion)
				}
			}
			prevAfter, prevVersion = after, version
		}
		rows.Close()
		var data string
		var version int
		if err := sqldb.QueryRow("SELECT data, version FROM nodes WHERE id = ?", id).Scan(&data, &version); err != nil {
			t.Fatal(err)
		}
		// An import records no record after (a node no write reached
		// keeps its imported one).
		if n != want || (n > 0 && data != prevAfter) || version != prevVersion {
			t.Errorf("%s: %d writes acknowledged, %d recorded; the last change left version %d, the node is at %d (record the same: %v)",
				id, want, n, prevVersion, version, data == prevAfter)
		}
	}
	if writes == 0 || found != writes {
		t.Errorf("%d writes acknowledged, %d found", writes, found)
	}
	t.Logf("two servers, one database, %s of load: %d writes acknowledged (%d failed), %d found through each server, %d read back at once through the other; %d reads, %d failed",
		load, writes, len(failed), found, readBack.Load(), reads.Load(), readErrs.Load())
}
