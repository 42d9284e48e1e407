package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// run runs the command in-process and returns its exit status and output.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &App{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	code := app.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

const berlinFile = "../berlin/berlin-talks.yaml"

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidate(t *testing.T) {
	code, out, errOut := run(t, nil, "validate", berlinFile)
	if code != 0 || !strings.HasPrefix(out, berlinFile+": ok, ") || errOut != "" {
		t.Fatalf("validate the Berlin file: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}

	dir := t.TempDir()
	writeFile(t, dir, "text.txt", "Anna Berg said the valley is ours.\n")
	bad := writeFile(t, dir, "bad.yaml", `defaultSource: s
sources:
  - id: s
    title: A text
    textFile: text.txt
actors:
  - id: anna-berg
    kind: HUMAN
    name: Anna Berg
statements:
  - id: st-1
    speaker: bob
    mode: INDIRECT
    words: the valley is ours
    validFrom: 2025-13
    evidence:
      - quote: Anna Berg said the hill is ours.
    expressesNothing: A fixture; nothing here to voice.
`)
	code, out, errOut = run(t, nil, "validate", bad)
	want := []string{
		bad + `:8: actors[0].kind: unknown kind "HUMAN": use one of PERSON, STATE, ORGANIZATION, GROUP`,
		bad + `:12: statements[0].speaker: speaker refers to "bob", which does not exist`,
		bad + `:17: statements[0].evidence[0].quote: the words "Anna Berg said the hill is ours." are not in source "s"`,
		bad + `:15: statements[0].validFrom: validFrom: "2025-13" is not a date: use YYYY, YYYY-MM or YYYY-MM-DD`,
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(errOut), "\n")); diff != "" || code != 1 || out != "" {
		t.Errorf("validate a bad file: exit %d, stdout %q; stderr (-want +got):\n%s", code, out, diff)
	}

	broken := writeFile(t, dir, "broken.yaml", "actors:\n  - id: a\n    kind: [PERSON\n")
	code, _, errOut = run(t, nil, "validate", broken, filepath.Join(dir, "missing.yaml"))
	if code != 1 || !strings.Contains(errOut, broken+":3: ") || !strings.Contains(errOut, "missing.yaml: cannot read: no such file or directory") {
		t.Errorf("validate unparsable and missing files: exit %d, stderr %s", code, errOut)
	}

	if code, _, _ := run(t, nil, "validate"); code != 2 {
		t.Errorf("validate with no file: exit %d, want 2", code)
	}
}

// TestValidateEveryProblem checks that validate reports every problem of a
// file at once: unknown fields (two in one entry) with the checks' problems,
// in YAML and JSON, and that import refuses the file with the same list.
func TestValidateEveryProblem(t *testing.T) {
	dir := t.TempDir()
	yamlFile := writeFile(t, dir, "bad.yaml", `sources:
  - id: s
    title: A text
    text: Anna Berg said the valley is ours.
actors:
  - id: anna-berg
    kind: PERSON
    nmae: Anna Berg
    age: 52
  - id: bob
    kind: HUMAN
    name: Bob
statements:
  - id: st-1
    speaker: carol
    mode: INDIRECT
    words: the valley is ours
    evidence:
      - source: s
        quote: Anna Berg said the valley is ours.
        page: 3
    expressesNothing: A fixture; nothing here to voice.
`)
	jsonFile := writeFile(t, dir, "bad.json", `{
  "sources": [{"id": "s", "title": "A text", "text": "Anna Berg said the valley is ours."}],
  "actors": [
    {"id": "anna-berg", "kind": "PERSON",
     "nmae": "Anna Berg", "age": 52},
    {"id": "bob", "kind": "HUMAN", "name": "Bob"}
  ],
  "statements": [
    {"id": "st-1", "speaker": "carol", "mode": "INDIRECT", "words": "the valley is ours", "expressesNothing": "A fixture.",
     "evidence": [{"source": "s", "quote": "Anna Berg said the valley is ours.",
       "page": 3}]}
  ]
}
`)
	for _, tt := range []struct {
		file  string
		lines [6]int
	}{
		{yamlFile, [6]int{8, 9, 21, 6, 11, 15}},
		{jsonFile, [6]int{5, 5, 11, 4, 6, 9}},
	} {
		want := []string{
			fmt.Sprintf(`%s:%d: unknown field "nmae"`, tt.file, tt.lines[0]),
			fmt.Sprintf(`%s:%d: unknown field "age"`, tt.file, tt.lines[1]),
			fmt.Sprintf(`%s:%d: unknown field "page"`, tt.file, tt.lines[2]),
			fmt.Sprintf(`%s:%d: actors[0].name: name is required`, tt.file, tt.lines[3]),
			fmt.Sprintf(`%s:%d: actors[1].kind: unknown kind "HUMAN": use one of PERSON, STATE, ORGANIZATION, GROUP`, tt.file, tt.lines[4]),
			fmt.Sprintf(`%s:%d: statements[0].speaker: speaker refers to "carol", which does not exist`, tt.file, tt.lines[5]),
		}
		code, out, errOut := run(t, nil, "validate", tt.file)
		if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(errOut), "\n")); diff != "" || code != 1 || out != "" {
			t.Errorf("validate %s: exit %d, stdout %q; stderr (-want +got):\n%s", tt.file, code, out, diff)
		}
		db := filepath.Join(dir, "x.db")
		code, out, errOut = run(t, nil, "import", "--db", db, tt.file)
		if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(errOut), "\n")); diff != "" || code != 1 || out != "" {
			t.Errorf("import %s: exit %d, stdout %q; stderr (-want +got):\n%s", tt.file, code, out, diff)
		}
	}
}

func TestImportExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	code, out, errOut := run(t, nil, "import", "--db", db, berlinFile)
	if code != 0 || out != "imported into "+db+": 212 created, 0 updated, 0 unchanged\n" {
		t.Fatalf("import: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	code, out, _ = run(t, nil, "import", "--db", db, berlinFile)
	if code != 0 || out != "imported into "+db+": 0 created, 0 updated, 212 unchanged\n" {
		t.Errorf("second import: exit %d, stdout %s", code, out)
	}

	// The database path may come from the environment.
	env := map[string]string{"PARLEY_DB": db}
	code, exported, errOut := run(t, env, "export")
	if code != 0 || !strings.HasPrefix(exported, "sources:\n  - id: berlin-talks-article\n") {
		t.Fatalf("export: exit %d, stderr %s\n%.200s", code, errOut, exported)
	}

	// A refused import changes nothing and names file and line.
	bad := writeFile(t, dir, "bad.yaml", "issues:\n  - id: ukraine\n    name: Ukraine\n")
	code, _, errOut = run(t, nil, "import", "--db", db, bad)
	if code != 1 || errOut != bad+`:2: issues[0].id: id "ukraine" is already an Actor in the database, not an Issue`+"\n" {
		t.Errorf("import of a conflicting file: exit %d, stderr %q", code, errOut)
	}
	bad2 := writeFile(t, dir, "bad2.yaml", "positions:\n  - id: p\n    holder: atlantis\n    proposition: ukraine-cedes-donbas\n    stance: SUPPORTS\n    speechAct: DEMANDS\n    evidence:\n      - source: berlin-talks-article\n        quote: Russia is demanding\n")
	code, _, errOut = run(t, nil, "import", "--db", db, bad2)
	if code != 1 || errOut != bad2+`:3: positions[0].holder: holder refers to "atlantis", which does not exist`+"\n" {
		t.Errorf("import with a dangling reference: exit %d, stderr %q", code, errOut)
	}
	_, after, _ := run(t, env, "export")
	if after != exported {
		t.Errorf("a refused import changed the export:\n%s", cmp.Diff(exported, after))
	}

	// export → import into an empty database → export gives the same bytes.
	for _, format := range []string{"yaml", "json"} {
		code, first, _ := run(t, env, "export", "--format", format)
		if code != 0 {
			t.Fatalf("export %s: exit %d", format, code)
		}
		file := writeFile(t, dir, "export."+format, first)
		db2 := filepath.Join(dir, "round-"+format+".db")
		if code, _, errOut := run(t, nil, "import", "--db", db2, file); code != 0 {
			t.Fatalf("import the %s export: exit %d: %s", format, code, errOut)
		}
		_, second, _ := run(t, nil, "export", "--db", db2, "--format", format)
		if first != second {
			t.Errorf("%s: export → import → export differs:\n%s", format, cmp.Diff(first, second))
		}
	}

	if code, _, errOut := run(t, nil, "export", "--db", db, "--format", "xml"); code != 2 || !strings.Contains(errOut, `unknown format "xml"`) {
		t.Errorf("export --format xml: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, nil, "export", "--db", filepath.Join(dir, "none.db")); code != 1 || !strings.Contains(errOut, "no database at") {
		t.Errorf("export of a missing database: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("export created a database")
	}
}

func TestUsage(t *testing.T) {
	if code, _, errOut := run(t, nil, "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d, %s", code, errOut)
	}
	if code, out, _ := run(t, nil, "help"); code != 0 || !strings.Contains(out, "parley validate FILE...") {
		t.Errorf("help: exit %d, %s", code, out)
	}
	for _, flag := range []string{"--help", "-h"} {
		if code, out, _ := run(t, nil, flag); code != 0 || !strings.Contains(out, "parley validate FILE...") || !strings.Contains(out, "parley token create") {
			t.Errorf("%s: exit %d, does not list the commands:\n%s", flag, code, out)
		}
	}
	if code, _, _ := run(t, nil, "import", berlinFile); code != 2 {
		t.Errorf("import without --db: exit %d, want 2", code)
	}
}

// TestServeBusyPort checks serve fails on a port in use before it creates
// (and fills) a database.
func TestServeBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	db := filepath.Join(t.TempDir(), "busy.db")
	code, _, errOut := run(t, nil, "serve", "--db", db, "--addr", ln.Addr().String())
	if code != 1 || !strings.Contains(errOut, "address already in use") {
		t.Errorf("serve on a busy port: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("serve on a busy port left a database behind (stat: %v)", err)
	}
}

// TestServe starts the real server on a new database: it loads the
// built-in Berlin graph, answers GraphQL, serves the playground from the
// binary, reports health, and shuts down when told to.
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.db")
	addrc := make(chan string, 1)
	var stderr bytes.Buffer
	app := &App{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }, Ready: func(a string) { addrc <- a }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- app.Run(ctx, []string{"--db", db, "--addr", "127.0.0.1:0"}) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not start")
	}

	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 200 || body != "ready\n" {
		t.Errorf("/readyz = %d %q", code, body)
	}
	code, page := get("/")
	if code != 200 || !strings.Contains(page, `src="/assets/graphiql/graphiql.min.js"`) {
		t.Errorf("/ = %d, not the playground:\n%.300s", code, page)
	}
	if strings.Contains(page, "https://") || strings.Contains(page, "http://") {
		t.Errorf("the playground page loads something from another host:\n%s", page)
	}
	for _, asset := range []string{"/assets/graphiql/graphiql.min.js", "/assets/graphiql/graphiql.min.css",
		"/assets/graphiql/react.production.min.js", "/assets/graphiql/react-dom.production.min.js", "/assets/examples.js"} {
		if code, body := get(asset); code != 200 || len(body) < 100 {
			t.Errorf("%s = %d, %d bytes", asset, code, len(body))
		}
	}

	resp, err := http.Post(base+"/query", "application/json", strings.NewReader(`{"query":"{ actors { totalCount } node(id: \"volodymyr-zelenskyy\") { ... on Person { name } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `{"data":{"actors":{"totalCount":33},"node":{"name":"Volodymyr Zelenskyy"}}}`; string(body) != want {
		t.Errorf("query = %s, want %s", body, want)
	}
	if code, body := get("/query?query=" + "%7B__typename%7D"); code != 200 || body != `{"data":{"__typename":"Query"}}` {
		t.Errorf("GET /query = %d %s", code, body)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
	for _, want := range []string{"loaded the built-in Berlin talks graph", "msg=serving", "msg=request method=POST path=/query status=200", "shutting down"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestServeLogLevel: --log-level warn leaves out the line per request
// (and the other info lines) but still serves; a level that is not one is
// refused before anything starts, by flag and by PARLEY_LOG_LEVEL.
func TestServeLogLevel(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.db")
	addrc := make(chan string, 1)
	var stderr bytes.Buffer
	app := &App{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }, Ready: func(a string) { addrc <- a }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- app.Run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn"})
	}()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not start")
	}
	resp, err := http.Get(base + "/query?query=%7B__typename%7D")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"data":{"__typename":"Query"}}` {
		t.Errorf("GET /query = %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if strings.Contains(stderr.String(), "msg=request") || strings.Contains(stderr.String(), "msg=serving") {
		t.Errorf("--log-level warn logged info lines:\n%s", stderr.String())
	}

	if code, _, errOut := run(t, nil, "serve", "--db", db, "--log-level", "loud"); code != 2 || !strings.Contains(errOut, "log-level") {
		t.Errorf("serve --log-level loud: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, map[string]string{"PARLEY_LOG_LEVEL": "loud"}, "serve", "--db", db); code != 2 || !strings.Contains(errOut, "PARLEY_LOG_LEVEL") {
		t.Errorf("serve with PARLEY_LOG_LEVEL=loud: exit %d, %s", code, errOut)
	}
}

// TestWithoutFTS5 builds parley without the sqlite_fts5 tag and checks that
// it says so and exits non-zero. (The first run compiles SQLite without
// FTS5 once; the build cache keeps it.)
func TestWithoutFTS5(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "parley-no-fts5")
	build := exec.Command("go", "build", "-o", bin, "../..")
	build.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "serve").CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("parley without FTS5: err %v, want exit status 1", err)
	}
	if !strings.Contains(string(out), "built without the sqlite_fts5 build tag") {
		t.Errorf("output = %q", out)
	}
}

// TestSchemaFile checks the committed schema.graphql, which front ends
// generate their types from, is what the server serves.
func TestSchemaFile(t *testing.T) {
	code, out, errOut := run(t, nil, "schema")
	if code != 0 {
		t.Fatalf("schema: exit %d: %s", code, errOut)
	}
	committed, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(committed) {
		t.Errorf("schema.graphql is out of date: run `make schema` and commit it\n%s", cmp.Diff(string(committed), out))
	}
	if !strings.Contains(out, "type Query {") || !strings.Contains(out, "The node's id, unique across the graph.") {
		t.Errorf("schema lacks the Query type or its descriptions")
	}
}

func TestServeCORSFromEnvironment(t *testing.T) {
	addrc := make(chan string, 1)
	env := map[string]string{"PARLEY_CORS_ORIGINS": "https://a.example, https://b.example", "PARLEY_DB": filepath.Join(t.TempDir(), "c.db")}
	app := &App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string { return env[k] }, Ready: func(a string) { addrc <- a }}
	base, stop := startServe(t, app, addrc, "serve", "--addr", "127.0.0.1:0", "--cors-origin", "https://c.example")
	defer stop()
	for origin, allowed := range map[string]bool{"https://b.example": true, "https://c.example": true, "https://d.example": false} {
		req, _ := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin") == origin; got != allowed {
			t.Errorf("%s: allowed %v, want %v", origin, got, allowed)
		}
	}
}

func TestTokens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	code, tok, errOut := run(t, nil, "token", "create", "--db", db, "--name", "alice", "--role", "editor")
	tok = strings.TrimSpace(tok)
	if code != 0 || !strings.HasPrefix(tok, "pk_") || len(tok) < 40 || !strings.Contains(errOut, "shown this once") {
		t.Fatalf("create: exit %d, %q, %s", code, tok, errOut)
	}
	if code, _, errOut := run(t, nil, "token", "create", "--db", db, "--name", "alice", "--role", "admin"); code != 1 || !strings.Contains(errOut, `a token named "alice" exists already`) {
		t.Errorf("duplicate name: exit %d, %s", code, errOut)
	}
	if code, _, errOut := run(t, nil, "token", "create", "--db", db, "--name", "bob", "--role", "root"); code != 1 || !strings.Contains(errOut, `unknown role "root"`) {
		t.Errorf("bad role: exit %d, %s", code, errOut)
	}
	code, out, _ := run(t, nil, "token", "list", "--db", db)
	if code != 0 || !strings.HasPrefix(out, "alice\teditor\tcreated ") || !strings.HasSuffix(out, "\tlive\n") || strings.Contains(out, tok) {
		t.Errorf("list: exit %d, %q", code, out)
	}
	// Only a hash is stored.
	raw, _ := os.ReadFile(db)
	if bytes.Contains(raw, []byte(tok)) {
		t.Error("the token itself is in the database file")
	}
	if code, out, _ := run(t, nil, "token", "revoke", "--db", db, "--name", "alice"); code != 0 || out != "token \"alice\" revoked\n" {
		t.Errorf("revoke: exit %d, %q", code, out)
	}
	if _, out, _ := run(t, nil, "token", "list", "--db", db); !strings.Contains(out, "\trevoked ") {
		t.Errorf("list after revoke: %q", out)
	}
	if code, _, errOut := run(t, nil, "token", "revoke", "--db", db, "--name", "alice"); code != 1 || !strings.Contains(errOut, `no live token named "alice"`) {
		t.Errorf("revoke twice: exit %d, %s", code, errOut)
	}
	if code, _, _ := run(t, nil, "token", "frob", "--db", db); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

// TestServeWrites runs a write through the real server with a token made
// by the CLI, and a read-protected server.
func TestServeWrites(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	if code, _, errOut := run(t, nil, "import", "--db", db, berlinFile); code != 0 {
		t.Fatal(errOut)
	}
	_, tok, _ := run(t, nil, "token", "create", "--db", db, "--name", "alice", "--role", "editor")
	tok = strings.TrimSpace(tok)
	addrc := make(chan string, 1)
	app := &App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Ready: func(a string) { addrc <- a }}
	base, stop := startServe(t, app, addrc, "serve", "--db", db, "--addr", "127.0.0.1:0", "--require-token")
	defer stop()
	post := func(token, q string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(q))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post("", `{"query":"{ viewer { name } }"}`); code != 401 || !strings.Contains(body, "UNAUTHENTICATED") {
		t.Errorf("read without a token on a protected server: %d %s", code, body)
	}
	code, body := post(tok, `{"query":"mutation { updateActor(input: {id: \"ukraine\", description: \"A state\"}) { actor { description } changes { author } } }"}`)
	if code != 200 || body != `{"data":{"updateActor":{"actor":{"description":"A state"},"changes":[{"author":"alice"}]}}}` {
		t.Errorf("write: %d %s", code, body)
	}
}

func TestServeMaxBody(t *testing.T) {
	for _, tt := range []struct {
		mb     string
		status int
	}{{"1", 413}, {"3", 200}} {
		addrc := make(chan string, 1)
		app := &App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Ready: func(a string) { addrc <- a }}
		base, stop := startServe(t, app, addrc, "serve", "--db", filepath.Join(t.TempDir(), "m.db"), "--addr", "127.0.0.1:0", "--max-body-mb", tt.mb)
		// A 2 MiB body: a small query padded in its extensions.
		body := `{"query":"{ __typename }","extensions":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
		resp, err := http.Post(base+"/query", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("--max-body-mb %s, 2 MiB body: status %d, want %d: %.200s", tt.mb, resp.StatusCode, tt.status, b)
		}
		if tt.status == 413 && !strings.Contains(string(b), "larger than the server's limit of 1048576 bytes") {
			t.Errorf("the refusal does not say the body is too large: %.200s", b)
		}
		stop()
	}
	if code, _, _ := run(t, nil, "serve", "--max-body-mb", "0"); code != 2 {
		t.Errorf("--max-body-mb 0: exit %d, want 2", code)
	}
}

// startServe runs serve in the background and returns its base URL once it
// listens, and a function that stops it. Every wait has a deadline: a
// server that exits or never starts fails the test instead of hanging it.
func startServe(t *testing.T, app *App, addrc <-chan string, args ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- app.Run(ctx, args) }()
	var base string
	select {
	case a := <-addrc:
		base = "http://" + a
	case code := <-done:
		cancel()
		t.Fatalf("serve exited %d before listening", code)
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatal("serve did not start within 2 min")
	}
	return base, func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("serve did not shut down within 15 s")
		}
	}
}

func TestCoverage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	if code, _, errOut := run(t, nil, "import", "--db", db, berlinFile); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	code, out, errOut := run(t, nil, "coverage", "--db", db, "--source", "berlin-talks-article")
	want := "berlin-talks-article: 74 sentences, 72 cited, 2 left out, 0 uncovered\n" +
		"  left out 1036..1069 \"What Happened At The Berlin Talks\": A section heading that names the section's subject; the section's sentences are cited.\n" +
		"  left out 8373..8410 \"Is A Ceasefire Really On The Horizon?\": A section heading that asks a question; the section's sentences, which answer it, are cited.\n"
	if code != 0 || out != want {
		t.Errorf("coverage: exit %d\n%s\nwant\n%s\nstderr %s", code, out, want, errOut)
	}
	if code, _, _ := run(t, nil, "coverage", "--db", db, "--source", "nowhere"); code == 0 {
		t.Error("coverage of a source that does not exist succeeded")
	}
	if code, _, _ := run(t, nil, "coverage"); code != 2 {
		t.Errorf("coverage with no database: exit %d, want 2", code)
	}
}
