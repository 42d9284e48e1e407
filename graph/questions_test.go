package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/berlin"
)

// The questions of QUESTIONS.md, asked of the built-in Berlin graph through
// the real handler. Each test checks the whole answer (every name, nothing
// extra) and that each part carries evidence: the article's own words at
// the offsets given.

type evidence struct {
	Quote      string
	Start, End int
}

// query posts a query and decodes its data into out, failing on errors.
func query(t *testing.T, h http.Handler, q string, out any) {
	t.Helper()
	data, errs := raw(t, h, q)
	if len(errs) > 0 {
		t.Fatalf("errors: %+v", errs)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

// checkEvidence fails unless there is evidence and each span is the
// article's words at its offsets.
func checkEvidence(t *testing.T, what string, evs []evidence) {
	t.Helper()
	if len(evs) == 0 {
		t.Errorf("%s: no evidence", what)
		return
	}
	b, _ := berlin.FS.ReadFile("berlin-talks.txt")
	article := []rune(string(b))
	for _, e := range evs {
		if e.Start < 0 || e.End > len(article) || string(article[e.Start:e.End]) != e.Quote {
			t.Errorf("%s: evidence %q is not the article's text at %d..%d", what, e.Quote, e.Start, e.End)
		}
	}
}

const ev = "evidence { quote start end }"

func TestQuestion1Participants(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Node struct {
			Name           string
			Participations struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Role       string
						Event      struct{ ID string }
						OnBehalfOf *struct{ Name string }
						Evidence   []evidence
						Actor      struct {
							Name  string
							Roles *struct {
								Edges []struct {
									Node struct {
										Post         string
										Organization struct{ Name string }
										Evidence     []evidence
									}
								}
							}
							Relations *struct {
								Edges []struct {
									Node struct {
										Label    string
										Object   struct{ Name string }
										Evidence []evidence
									}
								}
							}
						}
					}
				}
			}
		}
	}
	query(t, h, `{ node(id: "berlin-talks") { ... on Event { name participations(first: 20) { totalCount edges { node {
		role event { id } onBehalfOf { name } `+ev+`
		actor { name ... on Person {
			roles(first: 5) { edges { node { post organization { name } `+ev+` } } }
			relations(kind: FAMILY, first: 5) { edges { node { label object { name } `+ev+` } } } } } } } } } } }`, &resp)

	var got []string
	for _, e := range resp.Node.Participations.Edges {
		p := e.Node
		line := p.Actor.Name
		if p.OnBehalfOf != nil {
			line += " for " + p.OnBehalfOf.Name
		}
		checkEvidence(t, "participation of "+p.Actor.Name, p.Evidence)
		if p.Actor.Roles != nil {
			for _, r := range p.Actor.Roles.Edges {
				line += fmt.Sprintf("; %s of %s", r.Node.Post, r.Node.Organization.Name)
				checkEvidence(t, "role of "+p.Actor.Name, r.Node.Evidence)
			}
			for _, r := range p.Actor.Relations.Edges {
				if r.Node.Object.Name != p.Actor.Name {
					line += fmt.Sprintf("; %s %s", r.Node.Label, r.Node.Object.Name)
				}
				checkEvidence(t, "relation of "+p.Actor.Name, r.Node.Evidence)
			}
		}
		line += " (" + p.Event.ID + ")"
		got = append(got, line)
	}
	sort.Strings(got)
	want := []string{
		"European Union (european-parallel-meetings)",
		"European leaders (european-parallel-meetings)",
		"France (european-parallel-meetings)",
		"Friedrich Merz for Germany; Chancellor of Germany (berlin-talks)",
		"Italy (european-parallel-meetings)",
		"Jared Kushner for United States; son-in-law of Donald Trump (berlin-talks)",
		"Netherlands (european-parallel-meetings)",
		"Nordic countries (european-parallel-meetings)",
		"Poland (european-parallel-meetings)",
		"Rustem Umerov for Ukraine; Chief negotiator of Ukraine (berlin-talks)",
		"Steve Witkoff for United States; Envoy of United States (berlin-talks)",
		"United Kingdom (european-parallel-meetings)",
		"Volodymyr Zelenskyy for Ukraine; President of Ukraine (berlin-talks)",
	}
	if diff := cmp.Diff(want, got); diff != "" || resp.Node.Participations.TotalCount != len(want) {
		t.Errorf("who took part in the Berlin talks (-want +got):\n%s", diff)
	}
}

func TestQuestion2Donbas(t *testing.T) {
	h := newHandler(t)
	type position struct {
		ID          string
		Holder      struct{ Name string }
		Stance      string
		SpeechAct   string
		Proposition struct{ ID string }
		Evidence    []evidence
	}
	var resp struct {
		Node struct {
			Positions struct {
				Edges []struct{ Node position }
			}
			Conflicts struct {
				Edges []struct {
					Node struct {
						Proposition struct{ Text string }
						A, B        position
					}
				}
			}
		}
	}
	p := `id holder { name } stance speechAct proposition { id } ` + ev
	query(t, h, `{ node(id: "donbas") { ... on Issue {
		positions(first: 100) { edges { node { `+p+` } } }
		conflicts { edges { node { proposition { text } a { `+p+` } b { `+p+` } } } } } } }`, &resp)
	var got []string
	for _, e := range resp.Node.Positions.Edges {
		got = append(got, fmt.Sprintf("%s %s %s %s", e.Node.Holder.Name, e.Node.SpeechAct, e.Node.Stance, e.Node.Proposition.ID))
		checkEvidence(t, e.Node.ID, e.Node.Evidence)
	}
	sort.Strings(got)
	want := []string{
		"Russia DEMANDS SUPPORTS ukraine-cedes-donbas",
		"Ukraine REJECTS OPPOSES ukraine-cedes-donbas",
		"Ukraine REJECTS OPPOSES ukraine-recognises-occupied-donbas-as-russian",
		"Ukraine STATES UNDECIDED donbas-free-economic-zone",
		// Floated, not supported (issue 12).
		"United States FLOATS OPEN_TO donbas-free-economic-zone",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions on Donbas (-want +got):\n%s", diff)
	}
	cs := resp.Node.Conflicts.Edges
	if len(cs) != 1 {
		t.Fatalf("conflicts on Donbas = %d, want 1: %+v", len(cs), cs)
	}
	c := cs[0].Node
	if c.Proposition.Text != "Ukraine cedes control of Donbas to Russia as a condition for a settlement." ||
		c.A.ID != "pos-russia-demands-donbas" || c.B.ID != "pos-ukraine-refuses-to-give-up-donbas" {
		t.Errorf("conflict = %+v", c)
	}
	checkEvidence(t, "Russia's side", c.A.Evidence)
	checkEvidence(t, "Ukraine's side", c.B.Evidence)
}

func TestQuestion3Documents(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Node struct {
			Title       string
			PackageSize int
			Evidence    []evidence
			Refines     *struct{ Title string }
			Documents   struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Title        string
						Type         string
						Status       string
						Evidence     []evidence
						Requirements []struct {
							Kind        string
							Description string
							Actor       struct{ Name string }
							Evidence    []evidence
						}
					}
				}
			}
		}
		Plan struct {
			Title    string
			Status   string
			Backers  []struct{ Name string }
			Evidence []evidence
		}
		All struct{ TotalCount int }
	}
	query(t, h, `{ plan: node(id: "doc-peace-plan") { ... on Document { title status backers { name } `+ev+` } }
		node(id: "doc-package") { ... on Document { title packageSize `+ev+`
		refines { title }
		documents { totalCount edges { node { title type status `+ev+` requirements { kind description actor { name } `+ev+` } } } } } }
		all: documents { totalCount } }`, &resp)
	d := resp.Node
	if d.PackageSize != 5 || d.Documents.TotalCount != 4 {
		t.Errorf("package of %d with %d named documents, want 5 and 4", d.PackageSize, d.Documents.TotalCount)
	}
	checkEvidence(t, "the package", d.Evidence)
	var got []string
	for _, e := range d.Documents.Edges {
		line := e.Node.Title + " (" + e.Node.Status + ")"
		for _, r := range e.Node.Requirements {
			line += "; requires " + r.Kind + " by " + r.Actor.Name
			checkEvidence(t, "requirement", r.Evidence)
		}
		checkEvidence(t, e.Node.Title, e.Node.Evidence)
		got = append(got, line)
	}
	sort.Strings(got)
	want := []string{
		"Framework for Ukraine's economic reconstruction (DRAFT)",
		"Framework for access to immobilised Russian sovereign assets in Europe (DRAFT)",
		"Legally binding security guarantees (DRAFT); requires APPROVAL by US Congress",
		"Plans for funding Ukraine's post-war recovery (DRAFT)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("documents in the package (-want +got):\n%s", diff)
	}
	// The talks refine the draft peace plan; how the five documents
	// relate to it, the article does not say.
	if d.Refines != nil {
		t.Errorf("the package refines %+v, which the article does not state", d.Refines)
	}
	if p := resp.Plan; p.Title != "Draft US-backed peace plan" || p.Status != "DRAFT" || len(p.Backers) != 1 || p.Backers[0].Name != "United States" {
		t.Errorf("peace plan = %+v", p)
	}
	checkEvidence(t, "peace plan", resp.Plan.Evidence)
	// No invented names: the package, the peace plan and the four.
	if resp.All.TotalCount != 6 {
		t.Errorf("documents in the graph = %d, want 6", resp.All.TotalCount)
	}
}

func TestQuestion4USCommitments(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Commitments struct {
			Edges []struct {
				Node struct {
					ID             string
					Obligation     string
					Polarity       string
					Bindingness    *string
					Status         string
					Beneficiaries  []struct{ Name string }
					Document       *struct{ Title string }
					Own, Inherited []struct {
						Actor       struct{ Name string }
						Subject     struct{ ID string }
						Attribution struct{ Basis string }
						Evidence    []evidence
					}
					Attribution *struct {
						Basis string
						By    *struct{ Name string }
					}
					Evidence []evidence
				}
			}
		}
	}
	query(t, h, `{ commitments(promisor: "united-states") { edges { node {
		id obligation polarity bindingness status beneficiaries { name } document { title }
		own: requirements(inherited: false) { actor { name } subject { ... on Node { id } } attribution { basis } `+ev+` }
		inherited: requirements(inherited: true) { actor { name } subject { ... on Node { id } } attribution { basis } `+ev+` }
		attribution { basis by { name } } `+ev+` } } } }`, &resp)
	var got []string
	for _, e := range resp.Commitments.Edges {
		c := e.Node
		line := c.ID + " " + c.Polarity + " " + c.Status
		if c.Bindingness != nil {
			line += " " + *c.Bindingness
		}
		for _, r := range c.Own {
			line += " needs " + r.Actor.Name
		}
		for _, r := range c.Inherited {
			// The document's requirement, in the journalist's voice.
			line += " inherits from " + r.Subject.ID + " that it needs " + r.Actor.Name + " (" + r.Attribution.Basis + ")"
			checkEvidence(t, "requirement", r.Evidence)
		}
		for _, b := range c.Beneficiaries {
			line += " for " + b.Name
		}
		if c.Attribution != nil && c.Attribution.By != nil {
			line += " (" + c.Attribution.Basis + ", " + c.Attribution.By.Name + ")"
		}
		checkEvidence(t, c.ID, c.Evidence)
		got = append(got, line)
	}
	want := []string{
		// Two voices kept apart: the officials' "Article 5-like" (what
		// obligations, they have not specified), and the journalist's
		// legally binding document that needs the US Congress.
		"com-us-article-5-like-guarantees POSITIVE PROPOSED inherits from doc-security-guarantees that it needs US Congress (JOURNALIST) for Ukraine (ANONYMOUS_OFFICIAL, US officials familiar with the negotiations)",
		// The plan's term: no beneficiary named.
		"com-us-ceasefire-monitoring POSITIVE PROPOSED",
		"com-us-no-troops-on-the-ground NEGATIVE PROPOSED inherits from doc-security-guarantees that it needs US Congress (JOURNALIST) (ANONYMOUS_OFFICIAL, US officials familiar with the negotiations)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("US commitments (-want +got):\n%s", diff)
	}
	for _, e := range resp.Commitments.Edges {
		if e.Node.ID == "com-us-ceasefire-monitoring" &&
			e.Node.Obligation != "Lead a ceasefire monitoring and verification mechanism with international participation." {
			t.Errorf("monitoring obligation = %q", e.Node.Obligation)
		}
	}
}

func TestQuestion5Zelenskyy(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Node struct {
			Statements struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID        string
						Words     string
						Mode      string
						Venue     *string
						Event     *struct{ ID string }
						Audience  []struct{ Name string }
						Expresses []struct {
							Typename string `json:"__typename"`
						}
						ExpressesNothing *string
						SpeakerRoles     []struct{ Post string }
						Evidence         []evidence
					}
				}
			}
		}
	}
	query(t, h, `{ node(id: "volodymyr-zelenskyy") { ... on Person { statements(first: 100) { totalCount edges { node {
		id words mode venue event { id } audience { name } expresses { __typename } expressesNothing speakerRoles { post } `+ev+` } } } } } }`, &resp)
	got := map[string]string{}
	for _, e := range resp.Node.Statements.Edges {
		s := e.Node
		where := ""
		if s.Event != nil {
			where = s.Event.ID
		}
		for _, a := range s.Audience {
			where += " to " + a.Name
		}
		got[s.Words] = where
		checkEvidence(t, s.ID, s.Evidence)
		// About what: each voices a position, commitment or claim, or says
		// why it voices none.
		if len(s.Expresses) == 0 && (s.ExpressesNothing == nil || *s.ExpressesNothing == "") {
			t.Errorf("%s expresses nothing and does not say why", s.ID)
		}
		if len(s.SpeakerRoles) != 1 || s.SpeakerRoles[0].Post != "President" {
			t.Errorf("%s: speaker's role %+v, want President", s.ID, s.SpeakerRoles)
		}
		// The words are within the evidence.
		found := false
		for _, e := range s.Evidence {
			found = found || strings.Contains(normal(e.Quote), normal(s.Words))
		}
		if !found {
			t.Errorf("%s: words %q not in its evidence", s.ID, s.Words)
		}
	}
	want := map[string]string{
		`in great detail on documents that could stop the war and guarantee security`:                                                             "",
		`every single detail matters because not a single detail must become a reward for Russia's aggression`:                                    "",
		`the draft plan was "not perfect" but described it as "very workable,"`:                                                                   "zelenskyy-remarks-to-reporters",
		`Kyiv and Washington were "very close to (a deal on) strong security guarantees."`:                                                        "zelenskyy-remarks-to-reporters",
		`Kyiv needs clarity on these guarantees before contemplating any territorial arrangements`:                                                "",
		`Ukraine and Europe were working on a document that could "stop the killing,"`:                                                            "zelenskyy-dutch-parliament-address to Dutch parliament",
		`every detail represents a human life.`:                                                                                                   "zelenskyy-dutch-parliament-address to Dutch parliament",
		`Ukraine might be willing to abandon its ambition to join NATO if it received firm and legally binding security guarantees from the West`: "",
		`Ukraine will not give up this territory`:                                                                                                 "",
		`will not recognise the temporarily occupied part of the eastern Donbas region as legally or de facto Russian.`:                           "",
		`we have different positions with Russia regarding territories. This must be acknowledged and discussed openly.`:                          "zelenskyy-x-post",
		`the US, acting as mediator, would propose steps to find "some form of consensus."`:                                                       "zelenskyy-x-post",
	}
	if diff := cmp.Diff(want, got); diff != "" || resp.Node.Statements.TotalCount != len(want) {
		t.Errorf("Zelenskyy's statements (-want +got):\n%s", diff)
	}
}

// normal folds the article's typographic quotes for comparison.
func normal(s string) string {
	return strings.NewReplacer("\u2019", "'", "\u201c", `"`, "\u201d", `"`).Replace(s)
}

func TestQuestion6TrumpPutin(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Path struct {
			Length int
			Nodes  []struct{ ID string }
			Links  []struct {
				Kind     string
				From, To struct{ ID string }
				Via      struct{ ID string }
				Evidence []evidence
			}
		}
	}
	// Trump's own claim is the shortest chain: he claims the US had been
	// in touch with Putin, a claim about Putin.
	query(t, h, `{ path(from: "donald-trump", to: "vladimir-putin", maxHops: 2) { length
		nodes { ... on Node { id } }
		links { kind from { ... on Node { id } } to { ... on Node { id } } via { ... on Node { id } } `+ev+` } } }`, &resp)
	p := resp.Path
	var nodes, links []string
	for _, n := range p.Nodes {
		nodes = append(nodes, n.ID)
	}
	for _, l := range p.Links {
		var quotes []string
		for _, e := range l.Evidence {
			quotes = append(quotes, e.Quote)
		}
		links = append(links, fmt.Sprintf("%s %s %s (%s): %s", l.From.ID, l.Kind, l.To.ID, l.Via.ID, strings.Join(quotes, " | ")))
		checkEvidence(t, l.Via.ID, l.Evidence)
	}
	if diff := cmp.Diff([]string{"donald-trump", "claim-trump-us-in-touch-with-putin", "vladimir-putin"}, nodes); diff != "" || p.Length != 2 {
		t.Errorf("path nodes (-want +got):\n%s", diff)
	}
	want := []string{
		"donald-trump CLAIMS claim-trump-us-in-touch-with-putin (claim-trump-us-in-touch-with-putin): and that the US had been in touch with Russian President Vladimir Putin",
		"claim-trump-us-in-touch-with-putin ABOUT vladimir-putin (claim-trump-us-in-touch-with-putin): and that the US had been in touch with Russian President Vladimir Putin",
	}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("path links (-want +got):\n%s", diff)
	}
	// Through posts and contacts only: Trump is President of the United
	// States, which had been in touch with Putin.
	var via struct {
		Path struct {
			Links []struct {
				Kind string
				Via  struct{ ID string }
			}
		}
	}
	query(t, h, `{ path(from: "donald-trump", to: "vladimir-putin", maxHops: 2, kinds: [HOLDS_POST_IN, IN_CONTACT]) {
		links { kind via { ... on Node { id } } } } }`, &via)
	var got []string
	for _, l := range via.Path.Links {
		got = append(got, l.Kind+" "+l.Via.ID)
	}
	if diff := cmp.Diff([]string{"HOLDS_POST_IN role-trump-president-of-us", "IN_CONTACT rel-us-in-touch-with-putin"}, got); diff != "" {
		t.Errorf("path by posts and contacts (-want +got):\n%s", diff)
	}
}

// TestQuestionClaimsOnAnonymousSources asks DOMAIN's question 5 of the
// claims: which rest on anonymous officials, and through which outlet did
// they reach us? The CNN report's officials, kept apart from the officials
// familiar with the negotiations.
func TestQuestionClaimsOnAnonymousSources(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Claims struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID, Kind, Text string
					Claimant       struct{ Name string }
					ReportedVia    *struct{ Name string }
					About          []struct{ ID string }
					Attribution    struct{ Basis string }
					Statements     struct {
						Edges []struct{ Node struct{ ID string } }
					}
					Evidence []evidence
				}
			}
		}
	}
	query(t, h, `{ claims(reportedVia: "cnn") { totalCount edges { node { id kind text claimant { name } reportedVia { name }
		about { ... on Node { id } } attribution { basis } statements { edges { node { id } } } `+ev+` } } } }`, &resp)
	var got []string
	for _, e := range resp.Claims.Edges {
		c := e.Node
		var about []string
		for _, a := range c.About {
			about = append(about, a.ID)
		}
		line := fmt.Sprintf("%s %s by %s (%s) via %s about %s: %s", c.ID, c.Kind, c.Claimant.Name, c.Attribution.Basis, c.ReportedVia.Name, strings.Join(about, ","), c.Text)
		if len(c.Statements.Edges) != 1 || c.Statements.Edges[0].Node.ID != "st-us-officials-90-per-cent" {
			t.Errorf("%s: voiced by %+v", c.ID, c.Statements.Edges)
		}
		checkEvidence(t, c.ID, c.Evidence)
		got = append(got, line)
	}
	want := []string{
		"claim-us-officials-90-per-cent-solved FACT by US officials (CNN report) (ANONYMOUS_OFFICIAL) via CNN about russia,ukraine: Roughly 90 per cent of the issues between Russia and Ukraine have been solved.",
		"claim-us-officials-territory-sticking-point ASSESSMENT by US officials (CNN report) (ANONYMOUS_OFFICIAL) via CNN about territory: The issue of territorial concessions is a key sticking point.",
	}
	if diff := cmp.Diff(want, got); diff != "" || resp.Claims.TotalCount != 2 {
		t.Errorf("claims through CNN (-want +got):\n%s", diff)
	}
}

// TestQuestionIsPeaceClose: Trump and the sceptics disagree on one
// proposition, so conflicts shows both sides with their evidence.
func TestQuestionIsPeaceClose(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Node struct {
			Conflicts struct {
				Edges []struct {
					Node struct {
						A, B struct {
							Holder   struct{ Name string }
							Stance   string
							Evidence []evidence
						}
					}
				}
			}
		}
	}
	query(t, h, `{ node(id: "peace-is-close") { ... on Proposition { conflicts { edges { node {
		a { holder { name } stance `+ev+` } b { holder { name } stance `+ev+` } } } } } } }`, &resp)
	var got []string
	for _, e := range resp.Node.Conflicts.Edges {
		c := e.Node
		got = append(got, c.A.Holder.Name+" "+c.A.Stance+" x "+c.B.Holder.Name+" "+c.B.Stance)
		checkEvidence(t, c.A.Holder.Name, c.A.Evidence)
		checkEvidence(t, c.B.Holder.Name, c.B.Evidence)
	}
	sort.Strings(got)
	want := []string{"Analysts OPPOSES x Donald Trump SUPPORTS", "Nathalie Tocci OPPOSES x Donald Trump SUPPORTS"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("is peace close (-want +got):\n%s", diff)
	}
}
