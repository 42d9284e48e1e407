package graph_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestProvenanceFilters: every top-level list of assertions filters by
// its attribution's basis, by whose claim it is and by the outlet it came
// through; relations and participations have top-level lists too.
func TestProvenanceFilters(t *testing.T) {
	h := newHandler(t)
	type ids struct {
		TotalCount int
		Edges      []struct{ Node struct{ ID string } }
	}
	var r struct {
		AnonClaims, AnonCommitments, ViaCNN, Family, AtBerlin, Umerov, Analysts, ByAnalystsOnRecord ids
	}
	page := `{ totalCount edges { node { id } } }`
	query(t, h, `{
		anonClaims: claims(basis: ANONYMOUS_OFFICIAL) `+page+`
		anonCommitments: commitments(basis: ANONYMOUS_OFFICIAL) `+page+`
		viaCNN: statements(reportedVia: "cnn") `+page+`
		family: relations(kind: FAMILY) `+page+`
		atBerlin: participations(event: "berlin-talks", actor: "rustem-umerov") `+page+`
		umerov: participations(actor: "rustem-umerov") `+page+`
		analysts: positions(attributedTo: "analysts") `+page+`
		byAnalystsOnRecord: positions(attributedTo: "analysts", basis: ON_RECORD) `+page+`
	}`, &r)
	got := func(c ids) []string {
		out := []string{}
		for _, e := range c.Edges {
			out = append(out, e.Node.ID)
		}
		if c.TotalCount != len(out) {
			t.Errorf("totalCount %d for %d ids %v", c.TotalCount, len(out), out)
		}
		return out
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"claims that rest on anonymous officials", got(r.AnonClaims), []string{"claim-us-officials-90-per-cent-solved", "claim-us-officials-territory-sticking-point"}},
		{"commitments that rest on anonymous officials", got(r.AnonCommitments), []string{"com-us-article-5-like-guarantees", "com-us-no-troops-on-the-ground"}},
		{"statements through CNN", got(r.ViaCNN), []string{"st-us-officials-90-per-cent"}},
		{"family relations", got(r.Family), []string{"rel-kushner-son-in-law-of-trump"}},
		{"Umerov at the Berlin talks", got(r.AtBerlin), []string{"part-umerov-berlin-talks"}},
		{"Umerov's participations", got(r.Umerov), []string{"part-umerov-berlin-talks"}},
		{"positions that are the analysts' claim", got(r.Analysts), []string{"pos-analysts-peace-not-close"}},
		{"the analysts' claim on the record", got(r.ByAnalystsOnRecord), []string{}},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.what, diff)
		}
	}
}

// TestEventParticipationsFromParts: an event's participations include its
// parts' (each saying which event it is in), unless includeParts is false.
func TestEventParticipationsFromParts(t *testing.T) {
	h := newHandler(t)
	type parts struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				ID    string
				Event struct{ ID string }
			}
		}
	}
	var r struct {
		Node struct {
			All, Own parts
		}
	}
	query(t, h, `{ node(id: "berlin-talks") { ... on Event {
		all: participations { totalCount edges { node { id event { id } } } }
		own: participations(includeParts: false) { totalCount edges { node { id event { id } } } } } } }`, &r)
	fromParts := 0
	for _, e := range r.Node.All.Edges {
		if e.Node.Event.ID != "berlin-talks" {
			fromParts++
		}
	}
	for _, e := range r.Node.Own.Edges {
		if e.Node.Event.ID != "berlin-talks" {
			t.Errorf("includeParts: false lists %s, in %s", e.Node.ID, e.Node.Event.ID)
		}
	}
	if fromParts == 0 || r.Node.Own.TotalCount != r.Node.All.TotalCount-fromParts || r.Node.Own.TotalCount != len(r.Node.Own.Edges) || r.Node.Own.TotalCount == 0 {
		t.Errorf("all %d (%d from parts), own %d (%d listed)", r.Node.All.TotalCount, fromParts, r.Node.Own.TotalCount, len(r.Node.Own.Edges))
	}
}

// TestAlignmentTies: alignment reports where two actors meet through
// commitments, shared documents and claims, beside their positions.
func TestAlignmentTies(t *testing.T) {
	h := newHandler(t)
	type ties struct {
		Commitments []struct {
			Tie        string
			Commitment struct{ ID string }
		}
		Documents []struct{ ID string }
		Claims    []struct{ ID string }
	}
	var r struct{ UsUkraine, UkraineUs, TrumpPutin, GilesRussia ties }
	f := `{ commitments { tie commitment { id } } documents { id } claims { id } }`
	query(t, h, `{
		usUkraine: alignment(a: "united-states", b: "ukraine") `+f+`
		ukraineUs: alignment(a: "ukraine", b: "united-states") `+f+`
		trumpPutin: alignment(a: "donald-trump", b: "vladimir-putin") `+f+`
		gilesRussia: alignment(a: "keir-giles", b: "russia") `+f+`
	}`, &r)
	flat := func(x ties) []string {
		out := []string{}
		for _, c := range x.Commitments {
			out = append(out, c.Tie+" "+c.Commitment.ID)
		}
		for _, d := range x.Documents {
			out = append(out, "document "+d.ID)
		}
		for _, c := range x.Claims {
			out = append(out, "claim "+c.ID)
		}
		return out
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"the US and Ukraine", flat(r.UsUkraine), []string{"A_PROMISES_B com-us-article-5-like-guarantees", "document doc-security-guarantees"}},
		{"Ukraine and the US, turned round", flat(r.UkraineUs), []string{"B_PROMISES_A com-us-article-5-like-guarantees", "document doc-security-guarantees"}},
		{"Trump and Putin", flat(r.TrumpPutin), []string{"claim claim-trump-us-in-touch-with-putin"}},
		{"Giles and Russia", flat(r.GilesRussia), []string{"claim claim-giles-ceasefire-incentive"}},
	} {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.what, diff)
		}
	}
}

// TestConflictsTotalCount: conflicts count across all pages, as every
// other connection does.
func TestConflictsTotalCount(t *testing.T) {
	h := newHandler(t)
	var r struct {
		All, Page struct {
			TotalCount int
			Edges      []struct{ Cursor string }
		}
	}
	query(t, h, `{ all: conflicts(first: 100) { totalCount edges { cursor } } page: conflicts(first: 1) { totalCount edges { cursor } } }`, &r)
	if r.All.TotalCount == 0 || r.All.TotalCount != len(r.All.Edges) || r.Page.TotalCount != r.All.TotalCount || len(r.Page.Edges) != 1 {
		t.Errorf("conflicts: %d listed of %d; a page of one says %d", len(r.All.Edges), r.All.TotalCount, r.Page.TotalCount)
	}
}

// TestNestedProvenanceFilters: an actor's positions and commitments filter
// by provenance too; the filter keeps exactly the items of the unfiltered
// list whose attribution matches.
func TestNestedProvenanceFilters(t *testing.T) {
	h := newHandler(t)
	type ref struct{ ID string }
	type list struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				ID          string
				Attribution *struct {
					Basis   string
					By, Via *ref
				}
			}
		}
	}
	var r struct {
		Node struct {
			Commitments, AnonCommitments, Positions, AnonPositions list
		}
	}
	page := `{ totalCount edges { node { id attribution { basis by { id } via { id } } } } }`
	query(t, h, `{ node(id: "united-states") { ... on State {
		commitments `+page+`
		anonCommitments: commitments(basis: ANONYMOUS_OFFICIAL) `+page+`
		positions `+page+`
		anonPositions: positions(basis: ANONYMOUS_OFFICIAL) `+page+`
	} } }`, &r)
	ids := func(l list, keep func(basis string) bool) []string {
		out := []string{}
		for _, e := range l.Edges {
			b := ""
			if e.Node.Attribution != nil {
				b = e.Node.Attribution.Basis
			}
			if keep(b) {
				out = append(out, e.Node.ID)
			}
		}
		return out
	}
	anon := func(b string) bool { return b == "ANONYMOUS_OFFICIAL" }
	any := func(string) bool { return true }
	n := r.Node
	if n.Commitments.TotalCount != len(n.Commitments.Edges) || n.Positions.TotalCount != len(n.Positions.Edges) {
		t.Fatalf("unfiltered lists are paged: commitments %d of %d, positions %d of %d",
			len(n.Commitments.Edges), n.Commitments.TotalCount, len(n.Positions.Edges), n.Positions.TotalCount)
	}
	want := []string{"com-us-article-5-like-guarantees", "com-us-no-troops-on-the-ground"}
	if diff := cmp.Diff(want, ids(n.Commitments, anon)); diff != "" {
		t.Errorf("the United States' commitments on anonymous officials, from the unfiltered list (-want +got):\n%s", diff)
	}
	if len(ids(n.Commitments, any)) <= len(want) {
		t.Errorf("the unfiltered commitments %v should hold more than the anonymous ones", ids(n.Commitments, any))
	}
	for _, c := range []struct {
		what          string
		all, filtered list
	}{
		{"commitments", n.Commitments, n.AnonCommitments},
		{"positions", n.Positions, n.AnonPositions},
	} {
		if diff := cmp.Diff(ids(c.all, anon), ids(c.filtered, any)); diff != "" {
			t.Errorf("%s(basis: ANONYMOUS_OFFICIAL) against the unfiltered list (-want +got):\n%s", c.what, diff)
		}
		if c.filtered.TotalCount != len(c.filtered.Edges) {
			t.Errorf("%s: totalCount %d for %d edges", c.what, c.filtered.TotalCount, len(c.filtered.Edges))
		}
	}
}

// TestPropositionPositionsByProvenance: a proposition's positions filter by
// whose claim they are; the filter keeps exactly the matching positions of
// the unfiltered list.
func TestPropositionPositionsByProvenance(t *testing.T) {
	h := newHandler(t)
	type list struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				ID          string
				Attribution *struct{ By *struct{ ID string } }
			}
		}
	}
	var r struct{ Node struct{ All, Analysts list } }
	page := `{ totalCount edges { node { id attribution { by { id } } } } }`
	query(t, h, `{ node(id: "peace-is-close") { ... on Proposition {
		all: positions `+page+`
		analysts: positions(attributedTo: "analysts") `+page+`
	} } }`, &r)
	var byAnalysts, filtered []string
	for _, e := range r.Node.All.Edges {
		if a := e.Node.Attribution; a != nil && a.By != nil && a.By.ID == "analysts" {
			byAnalysts = append(byAnalysts, e.Node.ID)
		}
	}
	for _, e := range r.Node.Analysts.Edges {
		filtered = append(filtered, e.Node.ID)
	}
	if r.Node.All.TotalCount != len(r.Node.All.Edges) || len(r.Node.All.Edges) <= len(byAnalysts) {
		t.Fatalf("the unfiltered list should be whole and hold more than the analysts' %v: %d of %d", byAnalysts, len(r.Node.All.Edges), r.Node.All.TotalCount)
	}
	if diff := cmp.Diff([]string{"pos-analysts-peace-not-close"}, byAnalysts); diff != "" {
		t.Errorf("the analysts' positions in the unfiltered list (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(byAnalysts, filtered); diff != "" {
		t.Errorf("positions(attributedTo: \"analysts\") against the unfiltered list (-want +got):\n%s", diff)
	}
}
