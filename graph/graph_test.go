package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/postgres/pgtest"
	"github.com/parley-graph/parley/internal/sqlite"
)

// newClient serves the built-in Berlin graph from a new database file.
func newClient(t *testing.T) *client.Client {
	t.Helper()
	return client.New(newHandler(t))
}

// newHandler is the GraphQL handler over the Berlin graph in a new file.
func newHandler(t *testing.T) http.Handler {
	t.Helper()
	h, _ := serve(t, berlinFile(t))
	return h
}

func berlinFile(t *testing.T) *parley.Dataset {
	t.Helper()
	f, err := berlin.Load()
	if err != nil {
		t.Fatal(err)
	}
	return f.Dataset
}

// testFile reads a data file of testdata.
func testFile(t *testing.T, name string) *parley.Dataset {
	t.Helper()
	f, err := dataset.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return f.Dataset
}

// testDB is a store of either backend, as the tests use it.
type testDB interface {
	parley.Store
	parley.Versioner
	SQL() *sql.DB
	Queries() int64
	Ping(ctx context.Context) error
	Close() error
}

// openTestDB opens a new, empty store: a PostgreSQL database of its own
// when PARLEY_TEST_POSTGRES names a server (so that the API's tests run
// against PostgreSQL), a new SQLite file otherwise. It is closed (and
// the database dropped) when the test ends.
func openTestDB(t testing.TB) testDB {
	t.Helper()
	ctx := context.Background()
	var db testDB
	var err error
	if pgtest.Server() != "" {
		db, err = postgres.Open(ctx, pgtest.Database(t), postgres.Options{})
	} else {
		db, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// renameActor renames an actor through the store alone, as another
// process with no server would, and returns the new name.
func renameActor(t *testing.T, db parley.Store, id, name string) string {
	t.Helper()
	ctx := context.Background()
	n, err := db.Node(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	a := n.(*parley.Actor)
	a.Name = name
	if _, err := db.Apply(ctx, []parley.Mutation{{Op: parley.OpUpdate, Put: a}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// serve imports the datasets into a new database file and returns the
// GraphQL handler over it, and the database.
func serve(t *testing.T, files ...*parley.Dataset) (http.Handler, testDB) {
	t.Helper()
	return serveWith(t, nil, files...)
}

// serveWith is serve with handler options.
func serveWith(t *testing.T, opts []graph.Option, files ...*parley.Dataset) (http.Handler, testDB) {
	t.Helper()
	ctx := context.Background()
	db := openTestDB(t)
	if _, err := db.Import(ctx, files); err != nil {
		t.Fatal(err)
	}
	return graph.NewHandler(db, nil, opts...), db
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// raw posts a query as a client would, whatever the HTTP status, and
// returns its data and errors.
func raw(t testing.TB, h http.Handler, query string) (json.RawMessage, []gqlError) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var resp struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response %q: %v", w.Body.String(), err)
	}
	return resp.Data, resp.Errors
}

func TestNodeTypes(t *testing.T) {
	c := newClient(t)
	ids := map[string]string{
		"volodymyr-zelenskyy":                 "Person",
		"ukraine":                             "State",
		"kremlin":                             "Organization",
		"us-officials":                        "Group",
		"berlin-talks-article":                "Source",
		"berlin-talks":                        "Event",
		"donbas":                              "Issue",
		"ukraine-cedes-donbas":                "Proposition",
		"doc-security-guarantees":             "Document",
		"role-peskov-kremlin-spokesperson":    "Role",
		"rel-kushner-son-in-law-of-trump":     "Relation",
		"part-kushner-berlin-talks":           "Participation",
		"pos-russia-demands-donbas":           "Position",
		"com-us-no-troops-on-the-ground":      "Commitment",
		"req-congress-approval-of-guarantees": "Requirement",
		"st-zelenskyy-different-positions":    "Statement",
	}
	for id, typename := range ids {
		var resp struct {
			Node struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
		c.MustPost(`query($id: ID!) { node(id: $id) { __typename id } }`, &resp, client.Var("id", id))
		if resp.Node.Typename != typename || resp.Node.ID != id {
			t.Errorf("node(%s) = %s %s, want %s", id, resp.Node.Typename, resp.Node.ID, typename)
		}
	}
}

func TestNodeNotFound(t *testing.T) {
	data, errs := raw(t, newHandler(t), `{ node(id: "atlantis") { id } }`)
	if string(data) != `{"node":null}` {
		t.Errorf("data = %s, want node null", data)
	}
	if len(errs) != 0 {
		t.Errorf("errors = %+v, want none (the Relay convention)", errs)
	}
}

func TestNodes(t *testing.T) {
	c := newClient(t)
	var resp struct {
		Nodes []*struct{ ID string }
	}
	c.MustPost(`{ nodes(ids: ["ukraine", "atlantis", "russia"]) { id } }`, &resp)
	if len(resp.Nodes) != 3 || resp.Nodes[0].ID != "ukraine" || resp.Nodes[1] != nil || resp.Nodes[2].ID != "russia" {
		t.Errorf("nodes = %+v, want ukraine, null, russia", resp.Nodes)
	}
}

func TestActorsPagination(t *testing.T) {
	c := newClient(t)
	type page struct {
		Actors struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct{ ID string }
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				EndCursor                    *string
			}
		}
	}
	var ids []string
	var after *string
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		var p page
		c.MustPost(`query($after: String) { actors(first: 10, after: $after) {
			totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
			&p, client.Var("after", after))
		if p.Actors.TotalCount != 33 {
			t.Fatalf("totalCount = %d, want 33", p.Actors.TotalCount)
		}
		if p.Actors.PageInfo.HasPreviousPage != (after != nil) {
			t.Errorf("page %d: hasPreviousPage = %v", pages, p.Actors.PageInfo.HasPreviousPage)
		}
		for _, e := range p.Actors.Edges {
			ids = append(ids, e.Node.ID)
		}
		if !p.Actors.PageInfo.HasNextPage {
			break
		}
		after = p.Actors.PageInfo.EndCursor
	}
	if len(ids) != 33 {
		t.Fatalf("paged through %d actors, want 33: %v", len(ids), ids)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			t.Fatalf("actors not in id order or repeated: %s then %s", ids[i-1], ids[i])
		}
	}

	var persons page
	c.MustPost(`{ actors(kind: PERSON, first: 100) { totalCount edges { node { id } } pageInfo { hasNextPage } } }`, &persons)
	var got []string
	for _, e := range persons.Actors.Edges {
		got = append(got, e.Node.ID)
	}
	want := []string{"dmitry-peskov", "donald-trump", "friedrich-merz", "jared-kushner", "keir-giles",
		"nathalie-tocci", "rustem-umerov", "steve-witkoff", "vladimir-putin", "volodymyr-zelenskyy"}
	if diff := cmp.Diff(want, got); diff != "" || persons.Actors.TotalCount != 10 || persons.Actors.PageInfo.HasNextPage {
		t.Errorf("persons (-want +got):\n%s (totalCount %d)", diff, persons.Actors.TotalCount)
	}
}

func TestBadArguments(t *testing.T) {
	h := newHandler(t)
	tests := []struct {
		query, code, message string
	}{
		{`{ actors(first: 101) { totalCount } }`, "BAD_USER_INPUT", "first must be between 0 and 100, got 101"},
		{`{ actors(after: "nonsense") { totalCount } }`, "BAD_USER_INPUT", `after: "nonsense" is not a cursor this API gave out`},
		{`{ actors(kind: ALIEN) { totalCount } }`, "GRAPHQL_VALIDATION_FAILED", ""},
		{`{ actors { totalCount `, "GRAPHQL_PARSE_FAILED", ""},
	}
	for _, tt := range tests {
		_, errs := raw(t, h, tt.query)
		if len(errs) != 1 || errs[0].Extensions["code"] != tt.code || (tt.message != "" && errs[0].Message != tt.message) {
			t.Errorf("%s: errors = %+v, want %s %q", tt.query, errs, tt.code, tt.message)
		}
	}
}

func TestAssertionFields(t *testing.T) {
	c := newClient(t)
	var resp struct {
		Position struct {
			Holder      struct{ Name string }
			Stance      string
			SpeechAct   string
			RedLine     bool
			Rank        string
			ValidFrom   *string
			Proposition struct {
				Text  string
				Issue struct {
					Name   string
					Parent struct{ Name string }
				}
			}
			Attribution struct {
				Basis string
				By    struct{ Name string }
			}
			Evidence []struct {
				Quote      string
				Start, End int
				Source     struct{ ID string }
			}
		}
		Statement struct {
			Speaker   struct{ Name string }
			Mode      string
			Words     string
			Expresses []struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
		Commitment struct {
			Status        string
			Polarity      string
			Promisors     []struct{ ID string }
			Document      struct{ Title string }
			StatusHistory []struct {
				Status   string
				Evidence []struct{ Quote string }
			}
		}
		Requirement struct {
			Subject struct {
				Typename string `json:"__typename"`
				Title    string
			}
			Actor struct{ Name string }
		}
	}
	c.MustPost(`{
		position: node(id: "pos-ukraine-refuses-to-give-up-donbas") { ... on Position {
			holder { name } stance speechAct redLine rank validFrom
			proposition { text issue { name parent { name } } }
			attribution { basis by { name } }
			evidence { quote start end source { id } } } }
		statement: node(id: "st-peskov-no-truce") { ... on Statement {
			speaker { name } mode words expresses { __typename ... on Node { id } } } }
		commitment: node(id: "com-us-no-troops-on-the-ground") { ... on Commitment {
			status polarity promisors { id } document { title } statusHistory { status evidence { quote } } } }
		requirement: node(id: "req-congress-approval-of-guarantees") { ... on Requirement {
			subject { __typename ... on Document { title } } actor { name } } }
	}`, &resp)
	p := resp.Position
	if p.Holder.Name != "Ukraine" || p.Stance != "OPPOSES" || p.SpeechAct != "REJECTS" || p.Rank != "NORMAL" || p.ValidFrom != nil ||
		p.Proposition.Issue.Name != "Donbas" || p.Proposition.Issue.Parent.Name != "Territory" ||
		p.Attribution.Basis != "ON_RECORD" || p.Attribution.By.Name != "Volodymyr Zelenskyy" {
		t.Errorf("position = %+v", p)
	}
	if len(p.Evidence) != 1 || p.Evidence[0].Quote != "Zelenskyy, however, has taken a firm position that Ukraine will not give up this territory" ||
		p.Evidence[0].Source.ID != "berlin-talks-article" || p.Evidence[0].End-p.Evidence[0].Start != len([]rune(p.Evidence[0].Quote)) {
		t.Errorf("evidence = %+v", p.Evidence)
	}
	s := resp.Statement
	if s.Speaker.Name != "Dmitry Peskov" || s.Mode != "DIRECT" || len(s.Expresses) != 1 ||
		s.Expresses[0].Typename != "Position" || s.Expresses[0].ID != "pos-russia-rejects-temporary-truce" {
		t.Errorf("statement = %+v", s)
	}
	cm := resp.Commitment
	if cm.Status != "PROPOSED" || cm.Polarity != "NEGATIVE" || len(cm.Promisors) != 1 || cm.Promisors[0].ID != "united-states" ||
		cm.Document.Title != "Legally binding security guarantees" || len(cm.StatusHistory) != 1 || len(cm.StatusHistory[0].Evidence) != 1 {
		t.Errorf("commitment = %+v", cm)
	}
	if r := resp.Requirement; r.Subject.Typename != "Document" || r.Subject.Title != "Legally binding security guarantees" || r.Actor.Name != "US Congress" {
		t.Errorf("requirement = %+v", r)
	}
}

func TestPersistedQueries(t *testing.T) {
	h := newHandler(t)
	const q = `{ node(id: "ukraine") { id } }`
	sum := sha256.Sum256([]byte(q))
	hash := hex.EncodeToString(sum[:])
	post := func(body string) string {
		req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Body.String()
	}
	ext := `"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
	if got := post(`{` + ext + `}`); !strings.Contains(got, "PersistedQueryNotFound") {
		t.Errorf("unknown hash: %s", got)
	}
	if got := post(`{"query":` + strconv.Quote(q) + `,` + ext + `}`); got != `{"data":{"node":{"id":"ukraine"}}}` {
		t.Errorf("register: %s", got)
	}
	if got := post(`{` + ext + `}`); got != `{"data":{"node":{"id":"ukraine"}}}` {
		t.Errorf("by hash: %s", got)
	}
}
