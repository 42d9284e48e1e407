package berlin_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// The article as received; evidence offsets point into these exact bytes.
const articleSHA256 = "1fac49438ed594204f682cf3e98118d2d685fdc35ec6c14394e63e2adc3d909a"

func load(t *testing.T) *parley.Dataset {
	t.Helper()
	f, err := berlin.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if problems := dataset.Validate([]*dataset.File{f}, nil); len(problems) > 0 {
		for _, p := range problems {
			t.Error(p.String())
		}
		t.FailNow()
	}
	return f.Dataset
}

func TestArticleUnchanged(t *testing.T) {
	b, err := berlin.FS.ReadFile("berlin-talks.txt")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != articleSHA256 {
		t.Fatalf("berlin-talks.txt has sha256 %s, want %s: the source must stay byte for byte as received", got, articleSHA256)
	}
}

// TestEvidenceVerified imports the graph into a real database and checks
// that every assertion has evidence and every span is the article's words
// at its offsets.
func TestEvidenceVerified(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "berlin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds := load(t)
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Fatalf("Import: %v", err)
	}
	article, _ := berlin.FS.ReadFile("berlin-talks.txt")
	runes := []rune(string(article))

	rows, err := db.SQL().QueryContext(ctx, "SELECT node_id, part, source_id, start_pos, end_pos, quote FROM evidence")
	if err != nil {
		t.Fatal(err)
	}
	spans := 0
	for rows.Next() {
		var id, part, src, quote string
		var start, end int
		if err := rows.Scan(&id, &part, &src, &start, &end, &quote); err != nil {
			t.Fatal(err)
		}
		spans++
		if src != "berlin-talks-article" {
			t.Errorf("%s: evidence from %q", id, src)
		}
		if end > len(runes) || string(runes[start:end]) != quote {
			t.Errorf("%s %s: quote %q is not the article's text at %d..%d", id, part, quote, start, end)
		}
	}
	rows.Close()
	if spans < 150 {
		t.Errorf("only %d evidence spans", spans)
	}

	var bare []string
	rows, err = db.SQL().QueryContext(ctx, `SELECT a.id FROM assertions a
		WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE e.node_id = a.id AND e.part = '')
		UNION ALL
		SELECT commitment_id || ' status ' || seq FROM commitment_status s
		WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE e.node_id = s.commitment_id AND e.part = 'status[' || s.seq || ']')
		UNION ALL
		SELECT id FROM nodes WHERE type IN ('Actor', 'Event', 'Issue', 'Proposition', 'Document')
		AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.node_id = nodes.id)`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		bare = append(bare, id)
	}
	rows.Close()
	if len(bare) > 0 {
		t.Errorf("nodes without evidence: %v", bare)
	}
	var assertions int
	db.SQL().QueryRow("SELECT count(*) FROM assertions").Scan(&assertions)
	t.Logf("%d evidence spans back %d assertions and the other nodes", spans, assertions)
}

// TestCounts checks the graph holds at least what the article states, and
// logs the counts for the notes.
func TestCounts(t *testing.T) {
	ds := load(t)
	kinds := map[parley.ActorKind]int{}
	for _, a := range ds.Actors {
		kinds[a.Kind]++
	}
	docs, packages := 0, 0
	for _, d := range ds.Documents {
		if d.Type == "PACKAGE" {
			packages++
		} else {
			docs++
		}
	}
	counts := []struct {
		what     string
		got, min int
	}{
		{"persons", kinds[parley.Person], 10},
		{"states", kinds[parley.State], 9},
		{"organizations and groups", kinds[parley.Organization] + kinds[parley.Group], 8},
		{"documents (besides packages)", docs, 4},
		{"packages", packages, 1},
		{"events", len(ds.Events), 1},
		{"issues", len(ds.Issues), 6},
		{"propositions", len(ds.Propositions), 6},
		{"roles", len(ds.Roles), 8},
		{"relations", len(ds.Relations), 2},
		{"participations", len(ds.Participations), 5},
		{"positions", len(ds.Positions), 12},
		{"commitments", len(ds.Commitments), 6},
		{"requirements", len(ds.Requirements), 1},
		{"statements", len(ds.Statements), 25},
	}
	for _, c := range counts {
		t.Logf("%-30s %3d", c.what, c.got)
		if c.got < c.min {
			t.Errorf("%s: %d, want at least %d", c.what, c.got, c.min)
		}
	}
}

// TestNothingInvented checks what the article leaves unsaid stays unsaid.
func TestNothingInvented(t *testing.T) {
	ds := load(t)
	article, _ := berlin.FS.ReadFile("berlin-talks.txt")
	lower := strings.ToLower(string(article))
	// Every alias is the article's; a canonical name ("United States" for
	// the article's "US") may expand one of them.
	for _, a := range ds.Actors {
		for _, n := range a.Aliases {
			if !parley.Contains(lower, strings.ToLower(n)) {
				t.Errorf("actor %s: the article never says %q", a.ID, n)
			}
		}
		if !parley.Contains(lower, strings.ToLower(a.Name)) && len(a.Aliases) == 0 {
			t.Errorf("actor %s: the article never says %q, and it has no alias the article uses", a.ID, a.Name)
		}
	}
	// The article gives no dates for the talks, nor its own title or
	// publisher.
	for _, e := range ds.Events {
		if e.Date != "" {
			t.Errorf("event %s has a date, %s, which the article does not give", e.ID, e.Date)
		}
	}
	src := ds.Sources[0]
	if src.Published != "" || src.Publisher != "" || src.URL != "" {
		t.Errorf("source %s has publication details the article does not give: %+v", src.ID, src)
	}
	// Five documents, of which the article names four: the package says
	// five and the graph names four.
	var pkg *parley.Document
	var inPackage []string
	for _, d := range ds.Documents {
		if d.Type == "PACKAGE" {
			pkg = d
		}
		if d.Package != "" {
			inPackage = append(inPackage, d.ID)
		}
	}
	if pkg == nil || pkg.PackageSize == nil || *pkg.PackageSize != 5 {
		t.Fatalf("package = %+v, want one of five documents", pkg)
	}
	sort.Strings(inPackage)
	want := []string{"doc-economic-reconstruction", "doc-immobilised-assets", "doc-recovery-funding", "doc-security-guarantees"}
	if diff := cmp.Diff(want, inPackage); diff != "" {
		t.Errorf("documents in the package (-want +got):\n%s", diff)
	}
	// Every statement's words are the article's own.
	for _, s := range ds.Statements {
		if !parley.Contains(string(article), s.Words) {
			t.Errorf("statement %s: words %q are not the article's", s.ID, s.Words)
		}
	}
}

// TestAttribution checks the claims that rest on others' word are
// attributed to them, and the anonymous ones marked so.
func TestAttribution(t *testing.T) {
	ds := load(t)
	byID := map[string]*parley.Assertion{}
	for _, x := range ds.Commitments {
		byID[x.ID] = &x.Assertion
	}
	for _, x := range ds.Statements {
		byID[x.ID] = &x.Assertion
	}
	for _, x := range ds.Positions {
		byID[x.ID] = &x.Assertion
	}
	tests := []struct {
		id, basis, by, via string
	}{
		{"com-us-article-5-like-guarantees", "ANONYMOUS_OFFICIAL", "us-officials", ""},
		{"com-us-no-troops-on-the-ground", "ANONYMOUS_OFFICIAL", "us-officials", ""},
		{"st-us-officials-90-per-cent", "ANONYMOUS_OFFICIAL", "", "cnn"},
		{"st-tocci-extremely-unlikely", "ANALYST", "", ""},
		{"st-giles-trump-claimed", "ANALYST", "", "al-jazeera"},
		{"st-analysts-doubtful", "ANALYST", "", ""},
		{"pos-russia-rejects-temporary-truce", "SPOKESPERSON", "dmitry-peskov", ""},
		{"pos-ukraine-refuses-to-give-up-donbas", "ON_RECORD", "volodymyr-zelenskyy", ""},
		{"pos-russia-demands-donbas", "JOURNALIST", "", ""},
	}
	for _, tt := range tests {
		a, ok := byID[tt.id]
		if !ok {
			t.Errorf("%s: missing", tt.id)
			continue
		}
		got := a.Attribution
		if got == nil || got.Basis != tt.basis || got.By != tt.by || got.Via != tt.via {
			t.Errorf("%s: attribution %+v, want basis %s by %q via %q", tt.id, got, tt.basis, tt.by, tt.via)
		}
	}
}

// TestQuestionsData checks the graph holds the answers QUESTIONS.md
// expects (the API tests ask them through GraphQL).
func TestQuestionsData(t *testing.T) {
	ds := load(t)

	// 1. Who took part in the Berlin talks (and its parallel meetings), for whom.
	var parts []string
	for _, p := range ds.Participations {
		if p.Event == "berlin-talks" || p.Event == "european-parallel-meetings" {
			parts = append(parts, p.Actor+"/"+p.OnBehalfOf)
		}
	}
	sort.Strings(parts)
	wantParts := []string{
		"european-leaders/", "european-union/", "france/", "friedrich-merz/germany", "italy/",
		"jared-kushner/united-states", "netherlands/", "nordic-countries/", "poland/",
		"rustem-umerov/ukraine", "steve-witkoff/united-states", "united-kingdom/", "volodymyr-zelenskyy/ukraine",
	}
	if diff := cmp.Diff(wantParts, parts); diff != "" {
		t.Errorf("Berlin talks participants (-want +got):\n%s", diff)
	}

	// 2. Positions on Donbas, and the conflict.
	props := map[string]string{}
	for _, p := range ds.Propositions {
		props[p.ID] = p.Issue
	}
	var donbas []string
	for _, p := range ds.Positions {
		if props[p.Proposition] == "donbas" {
			donbas = append(donbas, p.Holder+" "+string(p.Stance)+" "+p.Proposition)
		}
	}
	sort.Strings(donbas)
	wantDonbas := []string{
		"russia SUPPORTS ukraine-cedes-donbas",
		"ukraine OPPOSES ukraine-cedes-donbas",
		"ukraine OPPOSES ukraine-recognises-occupied-donbas-as-russian",
		"ukraine UNDECIDED donbas-free-economic-zone",
		"united-states SUPPORTS donbas-free-economic-zone",
	}
	if diff := cmp.Diff(wantDonbas, donbas); diff != "" {
		t.Errorf("Donbas positions (-want +got):\n%s", diff)
	}

	// 4. What the United States is to commit to, or not.
	var us []string
	for _, c := range ds.Commitments {
		if slices.Contains(c.Promisors, "united-states") {
			us = append(us, c.ID+" "+c.Polarity+" "+c.Bindingness)
		}
	}
	sort.Strings(us)
	wantUS := []string{
		"com-us-article-5-like-guarantees POSITIVE LEGALLY_BINDING",
		"com-us-ceasefire-monitoring POSITIVE ",
		"com-us-mediator-steps POSITIVE ",
		"com-us-no-troops-on-the-ground NEGATIVE ",
	}
	if diff := cmp.Diff(wantUS, us); diff != "" {
		t.Errorf("US commitments (-want +got):\n%s", diff)
	}
	var congress bool
	for _, r := range ds.Requirements {
		if r.Subject == "doc-security-guarantees" && r.Actor == "us-congress" && r.Kind == "APPROVAL" {
			congress = true
		}
	}
	if !congress {
		t.Error("the security guarantees do not require approval by the US Congress")
	}

	// 6. Trump and Putin: Trump is President of the United States, which
	// has been in touch with Putin.
	var role, contact bool
	for _, r := range ds.Roles {
		role = role || (r.Holder == "donald-trump" && r.Organization == "united-states")
	}
	for _, r := range ds.Relations {
		contact = contact || (r.Subject == "united-states" && r.Object == "vladimir-putin" && r.Kind == "IN_CONTACT")
	}
	if !role || !contact {
		t.Errorf("Trump–Putin path: role %v, contact %v; want both", role, contact)
	}
}
