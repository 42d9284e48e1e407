package graph_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/parley"
)

// ids collects the ids of a connection's edges.
type idConn struct {
	TotalCount int
	Edges      []struct {
		Cursor string
		Node   struct{ ID string }
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
}

func (c idConn) ids() []string {
	var out []string
	for _, e := range c.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

const idPage = "totalCount edges { cursor node { ... on Node { id } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"

func TestActorRelationships(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Ukraine struct {
			Members     idConn
			Positions   idConn
			Commitments idConn
			Benefits    idConn
			Documents   idConn
			Conflicts   struct {
				Edges []struct {
					Node struct{ A, B struct{ ID string } }
				}
			}
		}
		Zelenskyy struct {
			Roles        idConn
			Affiliations []struct {
				Actor     struct{ Name string }
				Label     string
				Assertion struct{ ID string }
			}
			Participations idConn
			Statements     struct{ TotalCount int }
		}
		Kushner struct{ Relations idConn }
		EU      struct{ Participations idConn }
		Peskov  struct {
			Affiliations []struct {
				Actor struct{ Name string }
				Label string
			}
		}
	}
	query(t, h, `{
		ukraine: node(id: "ukraine") { ... on State {
			members { `+idPage+` }
			positions(first: 100) { `+idPage+` }
			commitments(first: 100) { `+idPage+` }
			benefits: commitments(as: BENEFICIARY, first: 100) { `+idPage+` }
			documents { `+idPage+` }
			conflicts { edges { node { a { id } b { id } } } } } }
		zelenskyy: node(id: "volodymyr-zelenskyy") { ... on Person {
			roles { `+idPage+` }
			affiliations { actor { name } label assertion { ... on Node { id } } }
			participations { `+idPage+` }
			statements { totalCount } } }
		kushner: node(id: "jared-kushner") { ... on Person { relations { `+idPage+` } } }
		eU: node(id: "european-union") { ... on Organization { participations { `+idPage+` } } }
		peskov: node(id: "dmitry-peskov") { ... on Person { affiliations { actor { name } label } } }
	}`, &resp)

	checks := []struct {
		what      string
		got, want []string
	}{
		{"who holds posts for Ukraine", resp.Ukraine.Members.ids(), []string{"role-umerov-chief-negotiator", "role-zelenskyy-president-of-ukraine"}},
		{"Ukraine's positions", resp.Ukraine.Positions.ids(), []string{
			"pos-ukraine-guarantees-before-territory", "pos-ukraine-insists-no-reward-for-aggression", "pos-ukraine-may-abandon-nato-ambition", "pos-ukraine-no-reward-for-aggression",
			"pos-ukraine-questions-free-economic-zone", "pos-ukraine-refuses-to-give-up-donbas", "pos-ukraine-unwilling-to-legitimise-losses",
			"pos-ukraine-will-not-recognise-occupied-donbas"}},
		// The zone's terms were floated, not promised (issue 12).
		{"Ukraine as promisor", resp.Ukraine.Commitments.ids(), nil},
		{"Ukraine as beneficiary", resp.Ukraine.Benefits.ids(), []string{
			"com-european-leaders-guarantees-and-recovery", "com-us-article-5-like-guarantees"}},
		{"Ukraine's documents", resp.Ukraine.Documents.ids(), []string{"doc-security-guarantees"}},
		{"Zelenskyy's roles", resp.Zelenskyy.Roles.ids(), []string{"role-zelenskyy-president-of-ukraine"}},
		{"Zelenskyy's events", resp.Zelenskyy.Participations.ids(), []string{
			"part-zelenskyy-berlin-talks", "part-zelenskyy-dutch-parliament", "part-zelenskyy-remarks-to-reporters", "part-zelenskyy-x-post"}},
		{"Kushner's relations", resp.Kushner.Relations.ids(), []string{"rel-kushner-son-in-law-of-trump"}},
		{"the EU's events", resp.EU.Participations.ids(), []string{"part-european-union-parallel-meetings"}},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.what, diff)
		}
	}
	var conflicts []string
	for _, e := range resp.Ukraine.Conflicts.Edges {
		conflicts = append(conflicts, e.Node.A.ID+" x "+e.Node.B.ID)
	}
	wantConflicts := []string{
		"pos-russia-agreement-must-reflect-claims x pos-ukraine-unwilling-to-legitimise-losses",
		"pos-russia-demands-donbas x pos-ukraine-refuses-to-give-up-donbas",
	}
	if diff := cmp.Diff(wantConflicts, conflicts); diff != "" {
		t.Errorf("Ukraine's conflicts (-want +got):\n%s", diff)
	}
	if len(resp.Zelenskyy.Affiliations) != 1 || resp.Zelenskyy.Affiliations[0].Actor.Name != "Ukraine" ||
		resp.Zelenskyy.Affiliations[0].Label != "President" || resp.Zelenskyy.Affiliations[0].Assertion.ID != "role-zelenskyy-president-of-ukraine" {
		t.Errorf("Zelenskyy's affiliations = %+v", resp.Zelenskyy.Affiliations)
	}
	var peskov []string
	for _, a := range resp.Peskov.Affiliations {
		peskov = append(peskov, a.Actor.Name+": "+a.Label)
	}
	if diff := cmp.Diff([]string{"Kremlin: Spokesperson"}, peskov); diff != "" {
		t.Errorf("Peskov speaks for (-want +got):\n%s", diff)
	}
	if resp.Zelenskyy.Statements.TotalCount != 12 {
		t.Errorf("Zelenskyy's statements = %d, want 12", resp.Zelenskyy.Statements.TotalCount)
	}
}

func TestLookupsAndFilters(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Zel, Us, Aff, Orgs                           idConn
		Putin, Officials, Aff2                       idConn
		Demands, Territory, Floats, Rejected         idConn
		Legal, Promised, ViaCNN, ByPeskov, AtDutch   idConn
		RolesInRussia, Drafts, Calls, Props, Sources idConn
		TopIssues                                    idConn
	}
	query(t, h, `{
		zel: actors(name: "zel") { `+idPage+` }
		us: actors(name: "WASH") { `+idPage+` }
		putin: actors(name: "putin") { `+idPage+` }
		officials: actors(name: "officials") { `+idPage+` }
		aff2: actors(name: "affari int") { `+idPage+` }
		aff: actors(affiliation: "kremlin") { `+idPage+` }
		orgs: actors(kind: ORGANIZATION, first: 3) { `+idPage+` }
		demands: positions(speechAct: DEMANDS, holder: "russia") { `+idPage+` }
		territory: positions(issue: "territory", stance: OPPOSES) { `+idPage+` }
		floats: positions(speechAct: FLOATS) { `+idPage+` }
		rejected: positions(proposition: "temporary-truce") { `+idPage+` }
		legal: commitments(bindingness: LEGALLY_BINDING) { `+idPage+` }
		promised: commitments(beneficiary: "russia", status: PROPOSED) { `+idPage+` }
		viaCNN: statements(reportedVia: "cnn") { `+idPage+` }
		byPeskov: statements(speaker: "dmitry-peskov") { `+idPage+` }
		atDutch: statements(event: "zelenskyy-dutch-parliament-address") { `+idPage+` }
		rolesInRussia: roles(organization: "russia") { `+idPage+` }
		drafts: documents(status: DRAFT, issue: "security-guarantees") { `+idPage+` }
		calls: events(kind: POST) { `+idPage+` }
		props: propositions(issue: "nato-membership") { `+idPage+` }
		sources { `+idPage+` }
		topIssues: issues(topLevel: true, first: 100) { `+idPage+` }
	}`, &resp)
	checks := []struct {
		what      string
		got, want []string
	}{
		{"name prefix, any case", resp.Zel.ids(), []string{"volodymyr-zelenskyy"}},
		{"alias prefix", resp.Us.ids(), []string{"united-states"}},
		{"a later word of a name", resp.Putin.ids(), []string{"vladimir-putin"}},
		{"a word inside a name", resp.Officials.ids(), []string{"us-officials", "us-officials-cnn"}},
		{"words inside a name", resp.Aff2.ids(), []string{"istituto-affari-internazionali"}},
		{"affiliated with the Kremlin", resp.Aff.ids(), []string{"dmitry-peskov"}},
		{"first 3 organizations", resp.Orgs.ids(), []string{"al-jazeera", "chatham-house", "cnn"}},
		{"Russia's demands", resp.Demands.ids(), []string{"pos-russia-agreement-must-reflect-claims", "pos-russia-constitution-forswear-nato",
			"pos-russia-demands-donbas", "pos-russia-limits-on-military"}},
		{"opposed on territory, sub-issues included", resp.Territory.ids(), []string{"pos-ukraine-refuses-to-give-up-donbas",
			"pos-ukraine-unwilling-to-legitimise-losses", "pos-ukraine-will-not-recognise-occupied-donbas"}},
		{"floated", resp.Floats.ids(), []string{"pos-ukraine-may-abandon-nato-ambition", "pos-us-floats-free-economic-zone"}},
		{"on a truce", resp.Rejected.ids(), []string{"pos-russia-rejects-temporary-truce"}},
		// "Legally binding" is the journalist's word for the document, not
		// the officials' for their guarantees; nothing is owed to Russia.
		{"legally binding", resp.Legal.ids(), nil},
		{"owed to Russia", resp.Promised.ids(), nil},
		{"reported via CNN", resp.ViaCNN.ids(), []string{"st-us-officials-90-per-cent"}},
		{"said by Peskov", resp.ByPeskov.ids(), []string{"st-peskov-achieve-our-goals", "st-peskov-momentary-solutions", "st-peskov-no-truce"}},
		{"said to the Dutch parliament", resp.AtDutch.ids(), []string{"st-zelenskyy-every-detail-a-life", "st-zelenskyy-stop-the-killing"}},
		{"speaking for Russia", resp.RolesInRussia.ids(), []string{"role-putin-president-of-russia"}},
		{"draft documents on guarantees", resp.Drafts.ids(), []string{"doc-security-guarantees"}},
		{"posts", resp.Calls.ids(), []string{"zelenskyy-x-post"}},
		{"NATO propositions", resp.Props.ids(), []string{"ukraine-abandons-nato-ambition"}},
		{"sources", resp.Sources.ids(), []string{"berlin-talks-article"}},
		{"top-level issues", resp.TopIssues.ids(), []string{"armed-forces-size", "ceasefire", "immobilised-assets", "nato-membership",
			"peace-settlement", "recovery-and-reconstruction", "security-guarantees", "territory"}},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.what, diff)
		}
	}
	if resp.Orgs.TotalCount != 9 || !resp.Orgs.PageInfo.HasNextPage {
		t.Errorf("organizations: total %d, hasNextPage %v; want 9, true", resp.Orgs.TotalCount, resp.Orgs.PageInfo.HasNextPage)
	}
}

func TestIssueAndOtherRelationships(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Territory struct {
			SubIssues         []struct{ ID string }
			Propositions      idConn
			Commitments       idConn
			PositionsByStance []struct {
				Stance    string
				Count     int
				Positions idConn
			}
		}
		Sec   struct{ Documents idConn }
		Truce struct {
			Positions idConn
			Conflicts struct{ Edges []struct{ Cursor string } }
		}
		Pos struct{ Statements idConn }
		Com struct {
			Statements   idConn
			Requirements []struct{ ID string }
		}
		Doc    struct{ Commitments idConn }
		Src    struct{ Mentions idConn }
		Dinner struct {
			Parts          []struct{ ID string }
			Participations idConn
		}
		Talks struct {
			Parts      []struct{ ID string }
			Statements idConn
		}
		Stmt struct {
			ReportedVia struct{ Name string }
			Speaker     struct{ Name string }
		}
	}
	query(t, h, `{
		territory: node(id: "territory") { ... on Issue {
			subIssues { id }
			propositions { `+idPage+` }
			commitments { `+idPage+` }
			positionsByStance { stance count positions { `+idPage+` } } } }
		sec: node(id: "security-guarantees") { ... on Issue { documents { `+idPage+` } } }
		truce: node(id: "temporary-truce") { ... on Proposition { positions { `+idPage+` } conflicts { edges { cursor } } } }
		pos: node(id: "pos-ukraine-no-reward-for-aggression") { ... on Position { statements { `+idPage+` } } }
		com: node(id: "com-us-article-5-like-guarantees") { ... on Commitment { statements { `+idPage+` } requirements { id } } }
		doc: node(id: "doc-security-guarantees") { ... on Document { commitments { `+idPage+` } } }
		src: node(id: "berlin-talks-article") { ... on Source { mentions(first: 3) { `+idPage+` } } }
		dinner: node(id: "european-leaders-dinner") { ... on Event { parts { id } participations { `+idPage+` } } }
		talks: node(id: "berlin-talks") { ... on Event { parts { id } statements { `+idPage+` } } }
		stmt: node(id: "st-us-officials-90-per-cent") { ... on Statement { reportedVia { name } speaker { name } } }
	}`, &resp)
	tr := resp.Territory
	if len(tr.SubIssues) != 1 || tr.SubIssues[0].ID != "donbas" {
		t.Errorf("sub-issues of territory = %+v", tr.SubIssues)
	}
	if diff := cmp.Diff([]string{"agreement-reflects-russian-territorial-claims", "donbas-free-economic-zone",
		"ukraine-cedes-donbas", "ukraine-recognises-occupied-donbas-as-russian"}, tr.Propositions.ids()); diff != "" {
		t.Errorf("territory's propositions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string(nil), tr.Commitments.ids()); diff != "" {
		t.Errorf("territory's commitments (-want +got):\n%s", diff)
	}
	var groups []string
	for _, g := range tr.PositionsByStance {
		groups = append(groups, fmt.Sprintf("%s %d %s", g.Stance, g.Count, strings.Join(g.Positions.ids(), ",")))
		if g.Count != g.Positions.TotalCount || g.Count != len(g.Positions.Edges) {
			t.Errorf("%s: count %d, page of %d (total %d)", g.Stance, g.Count, len(g.Positions.Edges), g.Positions.TotalCount)
		}
	}
	wantGroups := []string{
		"SUPPORTS 2 pos-russia-agreement-must-reflect-claims,pos-russia-demands-donbas",
		"OPEN_TO 1 pos-us-floats-free-economic-zone",
		"UNDECIDED 1 pos-ukraine-questions-free-economic-zone",
		"OPPOSES 3 pos-ukraine-refuses-to-give-up-donbas,pos-ukraine-unwilling-to-legitimise-losses,pos-ukraine-will-not-recognise-occupied-donbas",
	}
	if diff := cmp.Diff(wantGroups, groups); diff != "" {
		t.Errorf("territory by stance (-want +got):\n%s", diff)
	}
	checks := []struct {
		what      string
		got, want []string
	}{
		{"documents on security guarantees", resp.Sec.Documents.ids(), []string{"doc-security-guarantees"}},
		{"positions on a truce", resp.Truce.Positions.ids(), []string{"pos-russia-rejects-temporary-truce"}},
		{"statements voicing no reward", resp.Pos.Statements.ids(), []string{"st-zelenskyy-every-detail-matters"}},
		{"statements voicing Article 5-like", resp.Com.Statements.ids(), []string{"st-us-officials-article-5-like"}},
		{"commitments in the guarantees", resp.Doc.Commitments.ids(), []string{"com-us-article-5-like-guarantees", "com-us-no-troops-on-the-ground"}},
		{"first mentions", resp.Src.Mentions.ids(), []string{"agreement-reflects-russian-territorial-claims", "al-jazeera", "analysts"}},
		{"at the dinner", resp.Dinner.Participations.ids(), []string{"part-european-leaders-dinner", "part-trump-dinner-by-phone"}},
		// Where Merz spoke, the article does not say.
		{"said at the talks", resp.Talks.Statements.ids(), nil},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.what, diff)
		}
	}
	if len(resp.Truce.Conflicts.Edges) != 0 {
		t.Errorf("conflicts on a truce: %d, want none (only Russia holds a position)", len(resp.Truce.Conflicts.Edges))
	}
	if len(resp.Com.Requirements) != 1 || resp.Com.Requirements[0].ID != "req-congress-approval-of-guarantees" {
		t.Errorf("requirements of the Article 5-like guarantees = %+v (the document's)", resp.Com.Requirements)
	}
	if resp.Src.Mentions.TotalCount < 150 {
		t.Errorf("mentions of the article = %d", resp.Src.Mentions.TotalCount)
	}
	if len(resp.Talks.Parts) != 1 || resp.Talks.Parts[0].ID != "european-parallel-meetings" || len(resp.Dinner.Parts) != 0 {
		t.Errorf("parts: talks %+v, dinner %+v", resp.Talks.Parts, resp.Dinner.Parts)
	}
	if resp.Stmt.ReportedVia.Name != "CNN" || resp.Stmt.Speaker.Name != "US officials (CNN report)" {
		t.Errorf("statement = %+v", resp.Stmt)
	}
}

func TestAlignment(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		RU, UE struct {
			A, B                         struct{ Name string }
			Agree, Disagree, PartlyAgree int
			Items                        []struct {
				Proposition struct{ ID string }
				Agreement   string
				A, B        []struct{ ID string }
			}
		}
	}
	q := `a { name } b { name } agree disagree partlyAgree items { proposition { id } agreement a { id } b { id } }`
	query(t, h, `{ rU: alignment(a: "russia", b: "ukraine") { `+q+` } uE: alignment(a: "united-states", b: "ukraine") { `+q+` } }`, &resp)
	var got []string
	for _, it := range resp.RU.Items {
		got = append(got, it.Proposition.ID+" "+it.Agreement+" "+it.A[0].ID+" / "+it.B[0].ID)
	}
	want := []string{
		"agreement-reflects-russian-territorial-claims DISAGREE pos-russia-agreement-must-reflect-claims / pos-ukraine-unwilling-to-legitimise-losses",
		// Russia's demand and Ukraine's conditional offer meet on one
		// proposition (issue 12).
		"ukraine-abandons-nato-ambition PARTLY_AGREE pos-russia-constitution-forswear-nato / pos-ukraine-may-abandon-nato-ambition",
		"ukraine-cedes-donbas DISAGREE pos-russia-demands-donbas / pos-ukraine-refuses-to-give-up-donbas",
	}
	if diff := cmp.Diff(want, got); diff != "" || resp.RU.Disagree != 2 || resp.RU.Agree != 0 || resp.RU.PartlyAgree != 1 {
		t.Errorf("Russia and Ukraine (-want +got):\n%s", diff)
	}
	if resp.UE.PartlyAgree != 1 || len(resp.UE.Items) != 1 || resp.UE.Items[0].Proposition.ID != "donbas-free-economic-zone" {
		t.Errorf("US and Ukraine = %+v, want partly agreeing on the free economic zone", resp.UE)
	}
	_, errs := raw(t, h, `{ alignment(a: "russia", b: "atlantis") { agree } }`)
	if len(errs) != 1 || errs[0].Extensions["code"] != "NOT_FOUND" {
		t.Errorf("alignment with a missing actor: %+v", errs)
	}
}

func TestPathAndNeighbourhood(t *testing.T) {
	h := newHandler(t)
	var resp struct {
		Kushner, None, Self *struct {
			Length int
			Nodes  []struct{ ID string }
			Links  []struct{ Kind string }
		}
		Family *struct{ Length int }
		Back   *struct {
			Length int
			Nodes  []struct{ ID string }
			Links  []struct {
				Kind     string
				Reversed bool
				From, To struct{ ID string }
			}
		}
		Hood struct {
			Truncated bool
			Nodes     []struct{ ID string }
			Links     []struct {
				Kind     string
				Reversed bool
				From, To struct{ ID string }
				Evidence []evidence
			}
		}
		Capped struct {
			Truncated bool
			Nodes     []struct{ ID string }
		}
	}
	n := `length nodes { ... on Node { id } } links { kind }`
	query(t, h, `{
		kushner: path(from: "jared-kushner", to: "vladimir-putin") { `+n+` }
		none: path(from: "keir-giles", to: "vladimir-putin", maxHops: 1) { `+n+` }
		self: path(from: "ukraine", to: "ukraine") { `+n+` }
		family: path(from: "jared-kushner", to: "vladimir-putin", kinds: [FAMILY]) { length }
		back: path(from: "vladimir-putin", to: "jared-kushner") { length nodes { ... on Node { id } }
			links { kind reversed from { ... on Node { id } } to { ... on Node { id } } } }
		hood: neighbourhood(id: "rustem-umerov", hops: 1) { truncated nodes { ... on Node { id } }
			links { kind reversed from { ... on Node { id } } to { ... on Node { id } } `+ev+` } }
		capped: neighbourhood(id: "ukraine", hops: 2, limit: 5) { truncated nodes { ... on Node { id } } }
	}`, &resp)
	if resp.Kushner == nil || resp.Kushner.Length != 2 {
		t.Fatalf("Kushner to Putin = %+v, want 2 links (Kushner acts for the US, in touch with Putin)", resp.Kushner)
	}
	if resp.Back == nil || resp.Back.Length != 2 || len(resp.Back.Links) != 2 {
		t.Fatalf("Putin to Kushner = %+v, want 2 links", resp.Back)
	}
	// Walked from Putin, each link reads from the node nearer Putin, and
	// says where that goes against the stored link (Kushner acts for the
	// US, the US is in touch with Putin).
	var chain []string
	for i, l := range resp.Back.Links {
		if l.From.ID != resp.Back.Nodes[i].ID || l.To.ID != resp.Back.Nodes[i+1].ID {
			t.Errorf("link %d runs %s to %s, not along the path %v", i, l.From.ID, l.To.ID, resp.Back.Nodes)
		}
		chain = append(chain, fmt.Sprintf("%s %s %s reversed=%v", l.From.ID, l.Kind, l.To.ID, l.Reversed))
	}
	wantChain := []string{"vladimir-putin IN_CONTACT united-states reversed=true", "united-states ACTS_FOR jared-kushner reversed=true"}
	if diff := cmp.Diff(wantChain, chain); diff != "" {
		t.Errorf("Putin to Kushner, link by link (-want +got):\n%s", diff)
	}
	for _, l := range resp.Hood.Links {
		if l.Reversed {
			t.Errorf("a neighbourhood link is reversed: %+v", l)
		}
	}
	if resp.None != nil || resp.Family != nil {
		t.Errorf("paths that should not exist: %+v %+v", resp.None, resp.Family)
	}
	if resp.Self == nil || resp.Self.Length != 0 || len(resp.Self.Nodes) != 1 {
		t.Errorf("path to itself = %+v", resp.Self)
	}
	var hood []string
	for _, l := range resp.Hood.Links {
		hood = append(hood, l.From.ID+" "+l.Kind+" "+l.To.ID)
		checkEvidence(t, "link "+l.Kind, l.Evidence)
	}
	sort.Strings(hood)
	wantHood := []string{"rustem-umerov ACTS_FOR ukraine", "rustem-umerov HOLDS_POST_IN ukraine", "rustem-umerov TOOK_PART_IN berlin-talks"}
	if diff := cmp.Diff(wantHood, hood); diff != "" || len(resp.Hood.Nodes) != 3 || resp.Hood.Nodes[0].ID != "rustem-umerov" || resp.Hood.Truncated {
		t.Errorf("Umerov's neighbourhood (-want +got):\n%s\nnodes %+v", diff, resp.Hood.Nodes)
	}
	if !resp.Capped.Truncated || len(resp.Capped.Nodes) != 5 || resp.Capped.Nodes[0].ID != "ukraine" {
		t.Errorf("capped neighbourhood = %+v", resp.Capped)
	}

	for _, tt := range []struct{ q, code string }{
		{`{ path(from: "ukraine", to: "russia", maxHops: 7) { length } }`, "BAD_USER_INPUT"},
		{`{ path(from: "ukraine", to: "atlantis") { length } }`, "NOT_FOUND"},
		{`{ neighbourhood(id: "ukraine", hops: 4) { truncated } }`, "BAD_USER_INPUT"},
		{`{ neighbourhood(id: "ukraine", limit: 501) { truncated } }`, "BAD_USER_INPUT"},
		{`{ neighbourhood(id: "atlantis") { truncated } }`, "NOT_FOUND"},
		{`{ neighbourhood(id: "atlantis", hops: 0) { truncated } }`, "NOT_FOUND"},
		{`{ neighbourhood(id: "atlantis", hops: 2, kinds: [FAMILY]) { truncated } }`, "NOT_FOUND"},
		{`{ path(from: "ukraine", to: "russia", kinds: [FRIENDS]) { length } }`, "GRAPHQL_VALIDATION_FAILED"},
	} {
		_, errs := raw(t, h, tt.q)
		if len(errs) != 1 || errs[0].Extensions["code"] != tt.code {
			t.Errorf("%s: %+v, want %s", tt.q, errs, tt.code)
		}
	}
}

// TestNeighbourhoodStatements: a neighbourhood reads a statement a level
// (and the version); whether its node exists is looked up only when no
// link touches it, which a node with no links of the kinds asked for is
// still answered with.
func TestNeighbourhoodStatements(t *testing.T) {
	h, db := serve(t, berlinFile(t))
	for _, tt := range []struct {
		q     string
		want  string
		stmts int64
	}{
		{`{ neighbourhood(id: "rustem-umerov", hops: 2) { nodes { ... on Node { id } } } }`, "", 4},
		{`{ neighbourhood(id: "rustem-umerov", hops: 0) { nodes { ... on Node { id } } } }`, `{"neighbourhood":{"nodes":[{"id":"rustem-umerov"}]}}`, 2},
		{`{ neighbourhood(id: "rustem-umerov", hops: 2, kinds: [FAMILY]) { nodes { ... on Node { id } } links { kind } } }`, `{"neighbourhood":{"nodes":[{"id":"rustem-umerov"}],"links":[]}}`, 3},
	} {
		before := db.Queries()
		data, errs := raw(t, h, tt.q)
		if len(errs) > 0 {
			t.Fatalf("%s: %+v", tt.q, errs)
		}
		if tt.want != "" && string(data) != tt.want {
			t.Errorf("%s: got %s, want %s", tt.q, data, tt.want)
		}
		if n := db.Queries() - before; n != tt.stmts {
			t.Errorf("%s: %d statements, want %d", tt.q, n, tt.stmts)
		}
	}
}

func TestPagination(t *testing.T) {
	h := newHandler(t)
	page := func(args string) idConn {
		t.Helper()
		var resp struct{ Statements idConn }
		query(t, h, `{ statements(`+args+`) { `+idPage+` } }`, &resp)
		return resp.Statements
	}
	all := page("first: 100").ids()
	if len(all) != 38 {
		t.Fatalf("statements = %d, want 38", len(all))
	}
	// Forward in pages of 10.
	var fwd []string
	var after string
	for i := 0; ; i++ {
		args := "first: 10"
		if after != "" {
			args += fmt.Sprintf(", after: %q", after)
		}
		p := page(args)
		fwd = append(fwd, p.ids()...)
		if p.TotalCount != 38 || p.PageInfo.HasPreviousPage != (i > 0) {
			t.Errorf("forward page %d: total %d, hasPreviousPage %v", i, p.TotalCount, p.PageInfo.HasPreviousPage)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		after = *p.PageInfo.EndCursor
	}
	// Backward in pages of 10 from the end.
	var back []string
	var before string
	for i := 0; ; i++ {
		args := "last: 10"
		if before != "" {
			args += fmt.Sprintf(", before: %q", before)
		}
		p := page(args)
		back = append(p.ids(), back...)
		if p.PageInfo.HasNextPage != (i > 0) {
			t.Errorf("backward page %d: hasNextPage %v", i, p.PageInfo.HasNextPage)
		}
		if !p.PageInfo.HasPreviousPage {
			break
		}
		before = *p.PageInfo.StartCursor
	}
	if diff := cmp.Diff(all, fwd); diff != "" {
		t.Errorf("forward pages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(all, back); diff != "" {
		t.Errorf("backward pages (-want +got):\n%s", diff)
	}
	// Cursors are stable: the same item has the same cursor in any page,
	// and paging back from a page's start gives the page before it.
	p2 := page(fmt.Sprintf("first: 5, after: %q", *page("first: 5").PageInfo.EndCursor))
	p1 := page(fmt.Sprintf("last: 5, before: %q", *p2.PageInfo.StartCursor))
	if diff := cmp.Diff(all[:5], p1.ids()); diff != "" {
		t.Errorf("back from page 2 (-want +got):\n%s", diff)
	}
	if p2.Edges[0].Cursor != page("first: 6").Edges[5].Cursor {
		t.Error("the same statement has two cursors")
	}
	// Nested connections page too.
	var resp struct {
		Node struct{ Statements idConn }
	}
	query(t, h, `{ node(id: "volodymyr-zelenskyy") { ... on Person { statements(first: 5, after: "`+
		page(`speaker: "volodymyr-zelenskyy", first: 5`).Edges[4].Cursor+`") { `+idPage+` } } } }`, &resp)
	if len(resp.Node.Statements.Edges) != 5 || !resp.Node.Statements.PageInfo.HasNextPage || !resp.Node.Statements.PageInfo.HasPreviousPage {
		t.Errorf("nested page = %+v", resp.Node.Statements.PageInfo)
	}
	for _, tt := range []struct{ args, msg string }{
		{"first: 101", "first must be between 0 and 100, got 101"},
		{"last: -1", "last must be between 0 and 100, got -1"},
		{"first: 5, last: 5", "page forward with first and after, or backward with last and before, not both"},
		{`before: "x"`, `before: "x" is not a cursor this API gave out`},
	} {
		_, errs := raw(t, h, `{ statements(`+tt.args+`) { totalCount } }`)
		if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Message != tt.msg {
			t.Errorf("%s: %+v, want BAD_USER_INPUT %q", tt.args, errs, tt.msg)
		}
	}
}

func TestAsOfAndDeprecated(t *testing.T) {
	h, _ := serve(t, testFile(t, "dated.yaml"))
	var resp struct {
		Now, In2023, In2024, WithDeprecated, AtStart idConn
		Ministers2023, Ministers2025                 idConn
		Com2023, Com2025                             idConn
		Conflicts                                    struct{ Edges []struct{ Cursor string } }
		Conflicts2023                                struct{ Edges []struct{ Cursor string } }
		Com                                          struct {
			Status        string
			StatusHistory []struct {
				Status string
				Date   string
			}
		}
	}
	query(t, h, `{
		now: positions { `+idPage+` }
		in2023: positions(asOf: "2023-06") { `+idPage+` }
		in2024: positions(asOf: "2024-02-10") { `+idPage+` }
		withDeprecated: positions(includeDeprecated: true) { `+idPage+` }
		atStart: positions(asOf: "2023-03-01", includeDeprecated: true) { `+idPage+` }
		ministers2023: roles(organization: "ruritania", asOf: "2023") { `+idPage+` }
		ministers2025: roles(organization: "ruritania", asOf: "2025") { `+idPage+` }
		com2023: commitments(asOf: "2023-05") { `+idPage+` }
		com2025: commitments(asOf: "2025") { `+idPage+` }
		conflicts { edges { cursor } }
		conflicts2023: conflicts(asOf: "2023") { edges { cursor } }
		com: node(id: "com-freedonia-reconstruction") { ... on Commitment { status statusHistory { status date } } }
	}`, &resp)
	checks := []struct {
		what      string
		got, want []string
	}{
		{"current positions (deprecated left out)", resp.Now.ids(), []string{"pos-freedonia-backs", "pos-ruritania-accepts"}},
		{"in mid-2023 (the deprecated one is left out; the 2024 one had not begun)", resp.In2023.ids(), []string{"pos-freedonia-backs"}},
		{"in 2024", resp.In2024.ids(), []string{"pos-freedonia-backs", "pos-ruritania-accepts"}},
		{"with deprecated", resp.WithDeprecated.ids(), []string{"pos-freedonia-backs", "pos-ruritania-accepts", "pos-ruritania-opposes", "pos-ruritania-opposes-misreported"}},
		{"March 2023 with deprecated", resp.AtStart.ids(), []string{"pos-freedonia-backs", "pos-ruritania-opposes", "pos-ruritania-opposes-misreported"}},
		{"minister in 2023", resp.Ministers2023.ids(), []string{"role-berg-minister"}},
		{"minister in 2025", resp.Ministers2025.ids(), []string{"role-moss-minister"}},
		{"commitments in 2023", resp.Com2023.ids(), []string{"com-freedonia-reconstruction"}},
		{"commitments in 2025", resp.Com2025.ids(), nil},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.what, diff)
		}
	}
	// Deprecated positions take no part in conflicts: Ruritania's
	// superseded opposition does not clash with Freedonia.
	if len(resp.Conflicts.Edges) != 0 || len(resp.Conflicts2023.Edges) != 0 {
		t.Errorf("conflicts = %d (2023: %d), want none", len(resp.Conflicts.Edges), len(resp.Conflicts2023.Edges))
	}
	if resp.Com.Status != "WITHDRAWN" || len(resp.Com.StatusHistory) != 2 || resp.Com.StatusHistory[0].Date != "2023" {
		t.Errorf("commitment status = %+v", resp.Com)
	}
}

// TestNoNPlusOne counts the SQL statements of a deep nested query and
// fails if the count grows with the number of rows: every level is one
// batched query, whatever the number of parents.
func TestNoNPlusOne(t *testing.T) {
	const q = `{ actors(first: 60) { edges { node { id
		positions(first: 10) { edges { node { stance
			proposition { text positions(first: 10) { edges { node { stance holder { name } } } } } } } } } } } }`
	count := func(files ...*parley.Dataset) (int64, int) {
		t.Helper()
		// No batch waits for time (there is no window): the count
		// depends on the code alone.
		h, db := serveWith(t, nil, files...)
		before := db.Queries()
		var resp struct {
			Actors struct {
				Edges []struct {
					Node struct {
						Positions struct{ Edges []struct{} }
					}
				}
			}
		}
		query(t, h, q, &resp)
		positions := 0
		for _, e := range resp.Actors.Edges {
			positions += len(e.Node.Positions.Edges)
		}
		return db.Queries() - before, positions
	}
	small, smallRows := count(berlinFile(t))
	big, bigRows := count(berlinFile(t), extraPositions(t, 25))
	t.Logf("Berlin: %d statements for %d positions; with 25 more actors: %d statements for %d positions", small, smallRows, big, bigRows)
	if bigRows <= smallRows {
		t.Fatalf("the larger graph has no more rows (%d vs %d)", bigRows, smallRows)
	}
	if big != small {
		t.Errorf("SQL statements grew with the rows: %d for %d positions, %d for %d", small, smallRows, big, bigRows)
	}
	if small > 8 {
		t.Errorf("%d statements for a four-level query, want at most 8", small)
	}
}

// extraPositions makes n more actors, each holding positions on two of the
// Berlin propositions, backed by the article's words.
func extraPositions(t *testing.T, n int) *parley.Dataset {
	t.Helper()
	ds := &parley.Dataset{Name: "extra"}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("extra-actor-%02d", i)
		ds.Actors = append(ds.Actors, &parley.Actor{ID: id, Kind: parley.Group, Name: fmt.Sprintf("Extra %d", i)})
		for j, prop := range []string{"ukraine-cedes-donbas", "temporary-truce"} {
			ds.Positions = append(ds.Positions, &parley.Position{
				ID: fmt.Sprintf("pos-extra-%02d-%d", i, j), Holder: id, Proposition: prop, Stance: parley.Supports, SpeechAct: "STATES",
				Assertion: parley.Assertion{Evidence: []*parley.Evidence{{Source: "berlin-talks-article", Quote: "Russia is demanding"}}},
			})
		}
	}
	return ds
}
