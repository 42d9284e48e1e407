// Package gen makes synthetic negotiation graphs of any size, for load
// tests and benchmarks: valid datasets with a realistic shape (a few actors
// in most statements, many issues and propositions, conflicting stances,
// commitments with status histories) whose sources contain every evidence
// span. The same configuration gives the same dataset, byte for byte.
package gen

import (
	"fmt"
	"math/rand"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
)

// Config sizes a graph.
type Config struct {
	Actors     int   // actors (at least 10)
	Statements int   // statements; positions, commitments and the rest scale with it
	Seed       int64 // the same seed gives the same graph
}

// Assertions is how many assertions a dataset holds.
func Assertions(ds *parley.Dataset) int {
	return len(ds.Roles) + len(ds.Relations) + len(ds.Participations) + len(ds.Positions) +
		len(ds.Commitments) + len(ds.Requirements) + len(ds.Statements)
}

var (
	syllables = []string{"an", "bor", "ca", "da", "el", "fen", "gor", "ha", "il", "jo", "ka", "lev", "mi", "na", "ol", "pet",
		"ra", "sa", "ta", "ul", "va", "wen", "yar", "zo", "mir", "sla", "ten", "dor", "lin", "vik"}
	verbs  = []string{"said", "told reporters", "insisted", "warned", "argued", "stressed", "noted", "claimed", "added", "repeated"}
	topics = []string{"territory", "security guarantees", "ceasefire", "sanctions", "reconstruction", "prisoner exchange", "energy",
		"grain exports", "nuclear safety", "troop levels", "monitoring", "elections", "minority rights", "assets", "border crossings"}
	options = []string{"a phased withdrawal", "an international monitoring mission", "a demilitarised zone", "a freeze along the line",
		"a referendum", "a reconstruction fund", "a guarantee pact", "an amnesty", "a joint commission", "a sanctions review"}
	stances = []parley.Stance{parley.Supports, parley.Supports, parley.Opposes, parley.Opposes, parley.ConditionallySupports, parley.OpenTo, parley.Undecided}
	acts    = []string{"DEMANDS", "PROPOSES", "FLOATS", "ACCEPTS", "REJECTS", "STATES", "CONCEDES", "THREATENS"}
	status  = []string{"PROPOSED", "UNDER_NEGOTIATION", "AGREED_IN_PRINCIPLE", "IN_PROGRESS", "STALLED", "FULFILLED", "BROKEN"}
)

// builder accumulates sources: each assertion's evidence is a sentence of
// the current source, which is closed after a few hundred sentences.
type builder struct {
	r      *rand.Rand
	ds     *parley.Dataset
	src    *parley.Source
	text   strings.Builder
	inSrc  int
	serial int
	perSrc int
}

// sentence adds a sentence to the current source and returns it as
// evidence. The serial number makes every sentence unique in its source.
func (b *builder) sentence(s string) []*parley.Evidence {
	if b.src == nil || b.inSrc >= b.perSrc {
		b.flush()
		b.src = &parley.Source{ID: fmt.Sprintf("src-%06d", len(b.ds.Sources)+1), Title: fmt.Sprintf("Negotiation report %d", len(b.ds.Sources)+1),
			Publisher: "Synthetic wire", Published: parley.Date(fmt.Sprintf("2025-%02d", len(b.ds.Sources)%12+1))}
		b.ds.Sources = append(b.ds.Sources, b.src)
		b.inSrc = 0
	}
	b.serial++
	b.inSrc++
	s = fmt.Sprintf("%s (item %d).", s, b.serial)
	b.text.WriteString(s)
	if b.inSrc%6 == 0 {
		b.text.WriteString("\n")
	} else {
		b.text.WriteString(" ")
	}
	return []*parley.Evidence{{Source: b.src.ID, Quote: s}}
}

func (b *builder) flush() {
	if b.src != nil {
		b.src.Text = b.text.String()
		b.text.Reset()
	}
}

func (b *builder) name() string {
	n := 2 + b.r.Intn(2)
	var s strings.Builder
	for i := 0; i < n; i++ {
		s.WriteString(syllables[b.r.Intn(len(syllables))])
	}
	w := s.String()
	return strings.ToUpper(w[:1]) + w[1:]
}

// Generate makes a dataset.
func Generate(c Config) *parley.Dataset {
	if c.Actors < 10 {
		c.Actors = 10
	}
	r := rand.New(rand.NewSource(c.Seed))
	ds := &parley.Dataset{Name: fmt.Sprintf("generated (actors %d, statements %d, seed %d)", c.Actors, c.Statements, c.Seed)}
	b := &builder{r: r, ds: ds, perSrc: 200}

	// Actors: a tenth states, a tenth organizations, a twentieth groups,
	// the rest persons.
	nStates, nOrgs, nGroups := max(3, c.Actors/10), max(2, c.Actors/10), max(1, c.Actors/20)
	var persons, bodies []string
	for i := 0; i < c.Actors; i++ {
		a := &parley.Actor{ID: fmt.Sprintf("actor-%06d", i+1)}
		switch {
		case i < nStates:
			a.Kind, a.Name = parley.State, "Republic of "+b.name()
			a.Aliases = []string{b.name()}
			bodies = append(bodies, a.ID)
		case i < nStates+nOrgs:
			a.Kind, a.Name = parley.Organization, b.name()+" "+[]string{"Council", "Institute", "Union", "Agency", "News"}[r.Intn(5)]
			bodies = append(bodies, a.ID)
		case i < nStates+nOrgs+nGroups:
			a.Kind, a.Name = parley.Group, "Officials of "+b.name()
		default:
			a.Kind, a.Name = parley.Person, b.name()+" "+b.name()
			persons = append(persons, a.ID)
		}
		a.Evidence = b.sentence(fmt.Sprintf("%s was present", a.Name))
		ds.Actors = append(ds.Actors, a)
	}
	actorName := func(id string) string {
		var n int
		fmt.Sscanf(id, "actor-%d", &n)
		return ds.Actors[n-1].Name
	}
	// A few actors speak in most statements: Zipf over the actors.
	zipf := rand.NewZipf(r, 1.2, 4, uint64(c.Actors-1))
	speaker := func() string { return ds.Actors[zipf.Uint64()].ID }

	// Issues (a quarter nested) and four propositions each.
	nIssues := max(5, c.Statements/2000)
	var props []*parley.Proposition
	for i := 0; i < nIssues; i++ {
		is := &parley.Issue{ID: fmt.Sprintf("issue-%05d", i+1), Name: fmt.Sprintf("%s %d", topics[i%len(topics)], i+1)}
		if i >= 4 && r.Intn(4) == 0 {
			is.Parent = ds.Issues[r.Intn(i)].ID
		}
		ds.Issues = append(ds.Issues, is)
		for j := 0; j < 4; j++ {
			p := &parley.Proposition{ID: fmt.Sprintf("prop-%05d-%d", i+1, j+1), Issue: is.ID,
				Text: fmt.Sprintf("Agree on %s for %s", options[(i+j)%len(options)], is.Name)}
			ds.Propositions = append(ds.Propositions, p)
			props = append(props, p)
		}
	}

	// Roles: every person holds a post in a state or organization.
	for i, p := range persons {
		org := bodies[r.Intn(len(bodies))]
		post := []string{"Minister", "Envoy", "Spokesperson", "Negotiator", "Director", "Adviser"}[r.Intn(6)]
		ds.Roles = append(ds.Roles, &parley.Role{ID: fmt.Sprintf("role-%06d", i+1), Holder: p, Post: post, Organization: org,
			Assertion: parley.Assertion{Evidence: b.sentence(fmt.Sprintf("%s is %s of %s", actorName(p), post, actorName(org)))}})
	}
	// Relations between actors.
	for i := 0; i < c.Actors/2; i++ {
		s, o := speaker(), ds.Actors[r.Intn(c.Actors)].ID
		if s == o {
			continue
		}
		ds.Relations = append(ds.Relations, &parley.Relation{ID: fmt.Sprintf("rel-%06d", len(ds.Relations)+1), Kind: "IN_CONTACT",
			Subject: s, Object: o, Label: "in touch with",
			Assertion: parley.Assertion{Evidence: b.sentence(fmt.Sprintf("%s has been in touch with %s", actorName(s), actorName(o)))}})
	}
	// Events with participants.
	for i := 0; i < max(2, c.Statements/1000); i++ {
		ev := &parley.Event{ID: fmt.Sprintf("event-%05d", i+1), Name: fmt.Sprintf("Round %d of talks", i+1), Kind: "TALKS",
			Date: parley.Date(fmt.Sprintf("2025-%02d-%02d", i%12+1, i%28+1))}
		ev.Evidence = b.sentence(fmt.Sprintf("%s took place", ev.Name))
		ds.Events = append(ds.Events, ev)
		seen := map[string]bool{}
		for j := 0; j < 5; j++ {
			a := speaker()
			if seen[a] {
				continue
			}
			seen[a] = true
			ds.Participations = append(ds.Participations, &parley.Participation{ID: fmt.Sprintf("part-%06d", len(ds.Participations)+1),
				Event: ev.ID, Actor: a, Role: "PARTY",
				Assertion: parley.Assertion{Evidence: b.sentence(fmt.Sprintf("%s attended %s", actorName(a), ev.Name))}})
		}
	}
	// Positions: half as many as statements, on a Zipf-chosen holder.
	byHolder := map[string][]string{}
	for i := 0; i < c.Statements/2; i++ {
		h := speaker()
		p := props[r.Intn(len(props))]
		st := stances[r.Intn(len(stances))]
		act := acts[r.Intn(len(acts))]
		pos := &parley.Position{ID: fmt.Sprintf("pos-%07d", i+1), Holder: h, Proposition: p.ID, Stance: st, SpeechAct: act,
			Summary: fmt.Sprintf("%s %s: %s", actorName(h), strings.ToLower(string(st)), strings.ToLower(p.Text))}
		pos.Evidence = b.sentence(fmt.Sprintf("%s %s that it %s: %s", actorName(h), verbs[r.Intn(len(verbs))], strings.ToLower(strings.ReplaceAll(string(st), "_", " ")), strings.ToLower(p.Text)))
		ds.Positions = append(ds.Positions, pos)
		byHolder[h] = append(byHolder[h], pos.ID)
	}
	// Commitments: a tenth as many as statements, with status histories.
	for i := 0; i < c.Statements/10; i++ {
		pr, be := speaker(), ds.Actors[r.Intn(c.Actors)].ID
		is := ds.Issues[r.Intn(len(ds.Issues))]
		cm := &parley.Commitment{ID: fmt.Sprintf("com-%07d", i+1), Promisors: []string{pr}, Obligation: fmt.Sprintf("Deliver on %s", is.Name),
			Polarity: []string{"POSITIVE", "POSITIVE", "NEGATIVE"}[r.Intn(3)], Issue: is.ID,
			Bindingness: []string{"LEGALLY_BINDING", "POLITICALLY_BINDING", "INFORMAL", "FLOATED"}[r.Intn(4)]}
		if be != pr {
			cm.Beneficiaries = []string{be}
		}
		cm.Evidence = b.sentence(fmt.Sprintf("%s committed to deliver on %s", actorName(pr), is.Name))
		for k, n := 0, 1+r.Intn(3); k < n; k++ {
			cm.Status = append(cm.Status, &parley.StatusEntry{Status: status[min(k*2+r.Intn(2), len(status)-1)],
				Date:     parley.Date(fmt.Sprintf("%d-%02d", 2024+k, r.Intn(12)+1)),
				Evidence: b.sentence(fmt.Sprintf("The commitment of %s on %s was rated", actorName(pr), is.Name))})
		}
		ds.Commitments = append(ds.Commitments, cm)
	}
	// Statements: the words are the sentence's own.
	for i := 0; i < c.Statements; i++ {
		sp := speaker()
		topic := topics[r.Intn(len(topics))]
		words := fmt.Sprintf("%s %s about %s", actorName(sp), verbs[r.Intn(len(verbs))], topic)
		st := &parley.Statement{ID: fmt.Sprintf("st-%07d", i+1), Speaker: sp, Mode: "INDIRECT", Words: words,
			Assertion: parley.Assertion{Evidence: b.sentence(words), Attribution: &parley.Attribution{Basis: "ON_RECORD"}}}
		if ps := byHolder[sp]; len(ps) > 0 && r.Intn(4) == 0 {
			st.Expresses = []string{ps[r.Intn(len(ps))]}
		} else {
			st.ExpressesNothing = "A generated remark that voices no position."
		}
		if len(ds.Events) > 0 && r.Intn(3) == 0 {
			st.Event = ds.Events[r.Intn(len(ds.Events))].ID
		}
		ds.Statements = append(ds.Statements, st)
	}
	b.flush()
	return ds
}
