package parley

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Lookup answers what a store already holds, so that a dataset may refer
// to nodes imported earlier. The zero Lookup (nil) knows nothing.
type Lookup interface {
	// NodeType returns the type of the stored node id, if there is one.
	NodeType(id string) (NodeType, bool)
	// SourceText returns the stored text of source id, if there is one.
	SourceText(id string) (string, bool)
}

// Limits on sizes, so that a mistaken file cannot fill the database.
const (
	MaxIDLength   = 100
	MaxTextLength = 10_000    // names, words, summaries, descriptions
	MaxSourceText = 5_000_000 // a source's full text
	MaxListLength = 1_000
)

var idPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Validate checks datasets (the files of one import) against the rules of
// the domain and against what existing already holds, and returns every
// problem found, in file order. On the way it completes the datasets:
// evidence without a source gets the file's default source, each evidence
// span gets its offsets and the source's exact words, and ranks default to
// NORMAL. Datasets that produce no problems are ready to store.
func Validate(files []*Dataset, existing Lookup) []Problem {
	c := NewChecker(existing)
	// Every id first, so references can point forwards and across files.
	for _, ds := range files {
		ds.Each(func(it Item) { c.Declare(it) })
	}
	for _, ds := range files {
		c.Check(Item{File: ds.Name, Path: "defaultSource", Node: ds.DefaultSource})
		ds.Each(func(it Item) { c.Check(it) })
	}
	c.Finish()
	return c.Problems()
}

// IDs returns the id of every node of ds.
func (ds *Dataset) IDs() []string {
	var out []string
	eachNode(ds, func(_, id string, _ NodeType) { out = append(out, id) })
	return out
}

// Each calls fn with every node of ds as an Item, sources first, in the
// order of the sections.
func (ds *Dataset) Each(fn func(Item)) {
	each := func(section string, n int, node func(int) any) {
		for i := 0; i < n; i++ {
			fn(Item{File: ds.Name, Path: fmt.Sprintf("%s[%d]", section, i), Node: node(i)})
		}
	}
	each("sources", len(ds.Sources), func(i int) any { return ds.Sources[i] })
	each("actors", len(ds.Actors), func(i int) any { return ds.Actors[i] })
	each("events", len(ds.Events), func(i int) any { return ds.Events[i] })
	each("issues", len(ds.Issues), func(i int) any { return ds.Issues[i] })
	each("propositions", len(ds.Propositions), func(i int) any { return ds.Propositions[i] })
	each("documents", len(ds.Documents), func(i int) any { return ds.Documents[i] })
	each("roles", len(ds.Roles), func(i int) any { return ds.Roles[i] })
	each("relations", len(ds.Relations), func(i int) any { return ds.Relations[i] })
	each("participations", len(ds.Participations), func(i int) any { return ds.Participations[i] })
	each("positions", len(ds.Positions), func(i int) any { return ds.Positions[i] })
	each("commitments", len(ds.Commitments), func(i int) any { return ds.Commitments[i] })
	each("requirements", len(ds.Requirements), func(i int) any { return ds.Requirements[i] })
	each("statements", len(ds.Statements), func(i int) any { return ds.Statements[i] })
	each("claims", len(ds.Claims), func(i int) any { return ds.Claims[i] })
}

// eachNode calls fn for every node of ds with its path and type.
func eachNode(ds *Dataset, fn func(path, id string, t NodeType)) {
	for i, x := range ds.Sources {
		fn(fmt.Sprintf("sources[%d]", i), x.ID, TypeSource)
	}
	for i, x := range ds.Actors {
		fn(fmt.Sprintf("actors[%d]", i), x.ID, TypeActor)
	}
	for i, x := range ds.Events {
		fn(fmt.Sprintf("events[%d]", i), x.ID, TypeEvent)
	}
	for i, x := range ds.Issues {
		fn(fmt.Sprintf("issues[%d]", i), x.ID, TypeIssue)
	}
	for i, x := range ds.Propositions {
		fn(fmt.Sprintf("propositions[%d]", i), x.ID, TypeProposition)
	}
	for i, x := range ds.Documents {
		fn(fmt.Sprintf("documents[%d]", i), x.ID, TypeDocument)
	}
	for i, x := range ds.Roles {
		fn(fmt.Sprintf("roles[%d]", i), x.ID, TypeRole)
	}
	for i, x := range ds.Relations {
		fn(fmt.Sprintf("relations[%d]", i), x.ID, TypeRelation)
	}
	for i, x := range ds.Participations {
		fn(fmt.Sprintf("participations[%d]", i), x.ID, TypeParticipation)
	}
	for i, x := range ds.Positions {
		fn(fmt.Sprintf("positions[%d]", i), x.ID, TypePosition)
	}
	for i, x := range ds.Commitments {
		fn(fmt.Sprintf("commitments[%d]", i), x.ID, TypeCommitment)
	}
	for i, x := range ds.Requirements {
		fn(fmt.Sprintf("requirements[%d]", i), x.ID, TypeRequirement)
	}
	for i, x := range ds.Statements {
		fn(fmt.Sprintf("statements[%d]", i), x.ID, TypeStatement)
	}
	for i, x := range ds.Claims {
		fn(fmt.Sprintf("claims[%d]", i), x.ID, TypeClaim)
	}
}

type validator struct {
	existing Lookup
	// file is the file of the node being checked, with its default source.
	file          string
	defaultSource string
	types         map[string]NodeType // ids declared so far
	raw           map[string]string   // source texts by id
	prepared      map[string]*prepared
	problems      []Problem
	keys          []problemKey
	// phase and seq order the problems: those of ids first, then those of
	// the checks, each in the order of the nodes. pinned, when not zero, is
	// the seq a deferred check reserved.
	phase  int
	seq    int
	pinned int
	// final is set once every node is declared: what is unknown then does
	// not exist. Before, an unknown reference is checked again at the end.
	final   bool
	pending []pendingRef
}

// prepared is a source text made ready for quotes; a few are kept, as the
// nodes that cite a source tend to come together.
type prepared struct {
	text  *SourceText
	runes []rune
	// ascii is set once the text is known to be all ASCII (its bytes are
	// its characters, and runes is not needed).
	ascii bool
}

type problemKey struct{ phase, seq int }

// pendingRef is a reference to an id not declared yet.
type pendingRef struct {
	file, path, field, id string
	required              bool
	types                 []NodeType
	seq                   int
}

func (v *validator) addf(path, code, format string, args ...any) {
	seq := v.pinned
	if seq == 0 {
		v.seq++
		seq = v.seq
	}
	v.problems = append(v.problems, Problem{File: v.file, Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
	v.keys = append(v.keys, problemKey{v.phase, seq})
}

func (v *validator) declare(path, id string, t NodeType) {
	p := path + ".id"
	switch {
	case id == "":
		v.addf(p, EInvalid, "id is required")
		return
	case len(id) > MaxIDLength:
		v.addf(p, EInvalid, "id %q is longer than %d characters", id, MaxIDLength)
		return
	case !idPattern.MatchString(id):
		v.addf(p, EInvalid, "id %q must be lower-case letters and digits in words joined by '-' (like \"volodymyr-zelenskyy\")", id)
		return
	}
	if prev, dup := v.types[id]; dup {
		v.addf(p, EConflict, "duplicate id %q (already used by %s)", id, prev.withArticle())
		return
	}
	v.types[id] = t
	if v.existing != nil {
		if have, ok := v.existing.NodeType(id); ok && have != t {
			v.addf(p, EConflict, "id %q is already %s in the database, not %s", id, have.withArticle(), t.withArticle())
		}
	}
}

// typeOf returns the type of id among the datasets and the store.
func (v *validator) typeOf(id string) (NodeType, bool) {
	if t, ok := v.types[id]; ok {
		return t, true
	}
	if v.existing != nil {
		return v.existing.NodeType(id)
	}
	return "", false
}

func (v *validator) text(path, field, s string, required bool) {
	if s == "" {
		if required {
			v.addf(path+"."+field, EInvalid, "%s is required", field)
		}
		return
	}
	if utf8.RuneCountInString(s) > MaxTextLength {
		v.addf(path+"."+field, EInvalid, "%s is longer than %d characters", field, MaxTextLength)
	}
	if !utf8.ValidString(s) {
		v.addf(path+"."+field, EInvalid, "%s is not valid UTF-8", field)
	}
}

func (v *validator) enum(path, field, s string, e enum, required bool) {
	if s == "" {
		if required {
			v.addf(path+"."+field, EInvalid, "%s is required (one of %s)", field, e)
		}
		return
	}
	if !e.valid(s) {
		v.addf(path+"."+field, EInvalid, "unknown %s %q: use one of %s", field, s, e)
	}
}

func (v *validator) date(path, field string, d Date) {
	if err := d.Check(); err != nil {
		v.addf(path+"."+field, EInvalid, "%s: %v", field, err)
	}
}

// ref checks that id names a node of one of the types; an empty id is an
// error only if required.
func (v *validator) ref(path, field, id string, required bool, types ...NodeType) {
	p := path + "." + field
	if path == "" {
		p = field
	}
	if id == "" {
		if required {
			v.addf(p, EInvalid, "%s is required", field)
		}
		return
	}
	t, ok := v.typeOf(id)
	if !ok && !v.final {
		v.seq++
		v.pending = append(v.pending, pendingRef{file: v.file, path: path, field: field, id: id, required: required, types: types, seq: v.seq})
		return
	}
	if !ok {
		v.addf(p, ENotFound, "%s refers to %q, which does not exist", field, id)
		return
	}
	for _, want := range types {
		if t == want {
			return
		}
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = t.withArticle()
	}
	v.addf(p, EInvalid, "%s refers to %q, which is %s, not %s", field, id, t.withArticle(), strings.Join(names, " or "))
}

func (v *validator) refs(path, field string, ids []string, required bool, types ...NodeType) {
	if len(ids) == 0 && required {
		v.addf(path+"."+field, EInvalid, "%s needs at least one id", field)
	}
	if len(ids) > MaxListLength {
		v.addf(path+"."+field, EInvalid, "%s has more than %d entries", field, MaxListLength)
		return
	}
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			v.addf(fmt.Sprintf("%s.%s[%d]", path, field, i), EInvalid, "%s lists %q twice", field, id)
		}
		seen[id] = true
		v.ref(path, fmt.Sprintf("%s[%d]", field, i), id, true, types...)
	}
}

func (v *validator) sourceText(id string) (*SourceText, bool) {
	p, ok := v.prepare(id)
	if !ok {
		return nil, false
	}
	if p.text == nil {
		p.text = NewSourceText(v.raw[id])
	}
	return p.text, true
}

// prepare returns the cache entry of source id's text, loading the text
// from the store if the datasets do not have it.
func (v *validator) prepare(id string) (*prepared, bool) {
	if p, ok := v.prepared[id]; ok {
		return p, true
	}
	if _, ok := v.raw[id]; !ok {
		if v.existing == nil {
			return nil, false
		}
		s, ok := v.existing.SourceText(id)
		if !ok {
			return nil, false
		}
		v.raw[id] = s
	}
	if len(v.prepared) >= 64 {
		clear(v.prepared)
	}
	p := &prepared{}
	v.prepared[id] = p
	return p, true
}

// evidence checks each span and fills in its source, offsets and exact
// words.
func (v *validator) evidence(path string, evs []*Evidence, required bool) {
	if len(evs) == 0 {
		if required {
			v.addf(path+".evidence", EInvalid, "evidence is required: at least one quote from a source")
		}
		return
	}
	for i, ev := range evs {
		p := fmt.Sprintf("%s.evidence[%d]", path, i)
		if ev == nil {
			v.addf(p, EInvalid, "evidence entry is empty")
			continue
		}
		if ev.Source == "" {
			ev.Source = v.defaultSource
		}
		if ev.Source == "" {
			v.addf(p+".source", EInvalid, "source is required (or set defaultSource for the file)")
			continue
		}
		if strings.TrimSpace(ev.Quote) == "" {
			v.addf(p+".quote", EInvalid, "quote is required: the exact words of the source")
			continue
		}
		v.text(p, "quote", ev.Quote, true)
		t, ok := v.typeOf(ev.Source)
		if !ok {
			v.addf(p+".source", ENotFound, "source refers to %q, which does not exist", ev.Source)
			continue
		}
		if t != TypeSource {
			v.addf(p+".source", EInvalid, "source refers to %q, which is %s, not a Source", ev.Source, t.withArticle())
			continue
		}
		st, ok := v.sourceText(ev.Source)
		if !ok {
			v.addf(p+".source", EInvalid, "source %q has no text to check the quote against", ev.Source)
			continue
		}
		start, end, found := st.Locate(ev.Quote, ev.Start)
		if !found {
			if ev.Start != nil {
				v.addf(p+".quote", EInvalid, "the words %q are not in source %q at character %d", short(ev.Quote), ev.Source, *ev.Start)
			} else {
				v.addf(p+".quote", EInvalid, "the words %q are not in source %q", short(ev.Quote), ev.Source)
			}
			continue
		}
		if ev.End != nil && *ev.End != end {
			v.addf(p+".end", EInvalid, "end is %d, but the quote ends at character %d", *ev.End, end)
			continue
		}
		ev.Start, ev.End = &start, &end
	}
}

// resolveQuotes replaces each quote by the source's exact words; done after
// all checks so that messages quote what the user wrote.
func (v *validator) resolveQuotes(evs []*Evidence) {
	for _, ev := range evs {
		if ev == nil || ev.Start == nil || ev.End == nil {
			continue
		}
		p, ok := v.prepare(ev.Source)
		if !ok {
			continue
		}
		if p.runes == nil && !p.ascii {
			if raw := v.raw[ev.Source]; isASCII(raw) {
				p.ascii = true
			} else {
				p.runes = []rune(raw)
			}
		}
		if p.ascii {
			if raw := v.raw[ev.Source]; *ev.Start >= 0 && *ev.End <= len(raw) && *ev.Start <= *ev.End {
				ev.Quote = raw[*ev.Start:*ev.End]
			}
			continue
		}
		r := p.runes
		if *ev.Start >= 0 && *ev.End <= len(r) && *ev.Start <= *ev.End {
			ev.Quote = string(r[*ev.Start:*ev.End])
		}
	}
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 80 {
		return string([]rune(s)[:77]) + "..."
	}
	return s
}

func (v *validator) assertion(path string, a *Assertion) {
	v.evidence(path, a.Evidence, true)
	if a.Attribution != nil {
		v.enum(path+".attribution", "basis", a.Attribution.Basis, attributionBases, true)
		v.ref(path+".attribution", "by", a.Attribution.By, false, TypeActor)
		v.ref(path+".attribution", "via", a.Attribution.Via, false, TypeActor)
	}
	v.date(path, "validFrom", a.ValidFrom)
	v.date(path, "validTo", a.ValidTo)
	v.date(path, "assertedAt", a.AssertedAt)
	if a.ValidFrom != "" && a.ValidTo != "" && a.ValidFrom.Check() == nil && a.ValidTo.Check() == nil &&
		a.ValidFrom.Start() > a.ValidTo.End() {
		v.addf(path+".validTo", EInvalid, "validTo %s is before validFrom %s", a.ValidTo, a.ValidFrom)
	}
	if a.Rank == "" {
		a.Rank = RankNormal
	}
	v.enum(path, "rank", a.Rank, ranks, true)
	v.enum(path, "rankReason", a.RankReason, rankReasons, false)
	if a.RankReason != "" && a.Rank != RankDeprecated {
		v.addf(path+".rankReason", EInvalid, "rankReason is only for rank DEPRECATED")
	}
}

func (v *validator) list(path, field string, xs []string) {
	if len(xs) > MaxListLength {
		v.addf(path+"."+field, EInvalid, "%s has more than %d entries", field, MaxListLength)
	}
	for i, x := range xs {
		v.text(path, fmt.Sprintf("%s[%d]", field, i), x, true)
	}
}

// node checks one node, whose path is p (such as "positions[3]"), and
// completes it.
func (v *validator) node(p string, x any) {
	switch x := x.(type) {
	case *Source:
		v.text(p, "title", x.Title, true)
		v.date(p, "published", x.Published)
		if x.Text == "" {
			v.addf(p+".text", EInvalid, "text is required: the source's full text (or textFile)")
		} else if len(x.Text) > MaxSourceText {
			v.addf(p+".text", EInvalid, "text is longer than %d bytes", MaxSourceText)
		} else if !utf8.ValidString(x.Text) {
			v.addf(p+".text", EInvalid, "text is not valid UTF-8")
		}
		if v.existing != nil {
			if old, ok := v.existing.SourceText(x.ID); ok && old != x.Text {
				v.addf(p+".text", EConflict, "source %q is stored with a different text; evidence offsets point into it, so it cannot change", x.ID)
				return
			}
		}
		if len(x.LeftOut) > MaxListLength {
			v.addf(p+".leftOut", EInvalid, "leftOut has more than %d entries", MaxListLength)
		}
		for j, l := range x.LeftOut {
			lp := fmt.Sprintf("%s.leftOut[%d]", p, j)
			if l == nil {
				v.addf(lp, EInvalid, "leftOut entry is empty")
				continue
			}
			v.text(lp, "reason", l.Reason, true)
			if strings.TrimSpace(l.Quote) == "" {
				v.addf(lp+".quote", EInvalid, "quote is required: the exact words left out")
				continue
			}
			v.text(lp, "quote", l.Quote, true)
			st, ok := v.sourceText(x.ID)
			if !ok {
				continue
			}
			start, end, found := st.Locate(l.Quote, l.Start)
			if !found {
				v.addf(lp+".quote", EInvalid, "the words %q are not in source %q", short(l.Quote), x.ID)
				continue
			}
			l.Start, l.End = &start, &end
		}
	case *Actor:
		v.enum(p, "kind", string(x.Kind), actorKinds, true)
		v.text(p, "name", x.Name, true)
		v.list(p, "aliases", x.Aliases)
		v.text(p, "description", x.Description, false)
		v.evidence(p, x.Evidence, false)
	case *Event:
		v.text(p, "name", x.Name, true)
		v.enum(p, "kind", x.Kind, eventKinds, true)
		v.text(p, "place", x.Place, false)
		v.date(p, "date", x.Date)
		v.ref(p, "partOf", x.PartOf, false, TypeEvent)
		v.text(p, "description", x.Description, false)
		v.evidence(p, x.Evidence, false)
	case *Issue:
		v.text(p, "name", x.Name, true)
		v.ref(p, "parent", x.Parent, false, TypeIssue)
		v.text(p, "description", x.Description, false)
		v.evidence(p, x.Evidence, false)
	case *Proposition:
		v.ref(p, "issue", x.Issue, true, TypeIssue)
		v.text(p, "text", x.Text, true)
		v.evidence(p, x.Evidence, false)
	case *Document:
		v.text(p, "title", x.Title, true)
		v.enum(p, "type", x.Type, documentTypes, true)
		v.enum(p, "stage", x.Stage, documentStages, false)
		v.enum(p, "status", x.Status, documentStatuses, false)
		v.refs(p, "drafters", x.Drafters, false, TypeActor)
		v.refs(p, "backers", x.Backers, false, TypeActor)
		v.refs(p, "parties", x.Parties, false, TypeActor)
		v.ref(p, "package", x.Package, false, TypeDocument)
		v.ref(p, "refines", x.Refines, false, TypeDocument)
		v.refs(p, "issues", x.Issues, false, TypeIssue)
		if x.PackageSize != nil {
			if x.Type != "PACKAGE" {
				v.addf(p+".packageSize", EInvalid, "packageSize is only for documents of type PACKAGE")
			} else if *x.PackageSize < 1 {
				v.addf(p+".packageSize", EInvalid, "packageSize must be at least 1")
			}
		}
		v.text(p, "description", x.Description, false)
		v.evidence(p, x.Evidence, false)
	case *Role:
		v.ref(p, "holder", x.Holder, true, TypeActor)
		v.text(p, "post", x.Post, true)
		v.ref(p, "organization", x.Organization, false, TypeActor)
		v.ref(p, "onBehalfOf", x.OnBehalfOf, false, TypeActor)
		v.assertion(p, &x.Assertion)
	case *Relation:
		v.enum(p, "kind", x.Kind, relationKinds, true)
		v.ref(p, "subject", x.Subject, true, TypeActor)
		v.ref(p, "object", x.Object, true, TypeActor)
		if x.Subject != "" && x.Subject == x.Object {
			v.addf(p+".object", EInvalid, "a relation needs two different actors")
		}
		v.text(p, "label", x.Label, false)
		v.assertion(p, &x.Assertion)
	case *Participation:
		v.ref(p, "event", x.Event, true, TypeEvent)
		v.ref(p, "actor", x.Actor, true, TypeActor)
		v.enum(p, "role", x.Role, participationRoles, true)
		v.ref(p, "onBehalfOf", x.OnBehalfOf, false, TypeActor)
		v.assertion(p, &x.Assertion)
	case *Position:
		v.ref(p, "holder", x.Holder, true, TypeActor)
		v.ref(p, "proposition", x.Proposition, true, TypeProposition)
		v.enum(p, "stance", string(x.Stance), stances, true)
		v.enum(p, "speechAct", x.SpeechAct, speechActs, true)
		v.text(p, "summary", x.Summary, false)
		v.list(p, "conditions", x.Conditions)
		v.ref(p, "supersedes", x.Supersedes, false, TypePosition)
		v.ref(p, "supersededBy", x.SupersededBy, false, TypePosition)
		if x.Supersedes != "" && x.Supersedes == x.ID {
			v.addf(p+".supersedes", EInvalid, "a position cannot supersede itself")
		}
		v.assertion(p, &x.Assertion)
	case *Commitment:
		v.refs(p, "promisors", x.Promisors, true, TypeActor)
		v.refs(p, "beneficiaries", x.Beneficiaries, false, TypeActor)
		v.text(p, "obligation", x.Obligation, true)
		v.enum(p, "polarity", x.Polarity, polarities, true)
		v.list(p, "conditions", x.Conditions)
		v.enum(p, "bindingness", x.Bindingness, bindingnesses, false)
		v.ref(p, "document", x.Document, false, TypeDocument)
		v.ref(p, "issue", x.Issue, false, TypeIssue)
		if len(x.Status) == 0 {
			v.addf(p+".status", EInvalid, "status is required: at least one dated rating with evidence")
		}
		var last Date
		for j, s := range x.Status {
			sp := fmt.Sprintf("%s.status[%d]", p, j)
			if s == nil {
				v.addf(sp, EInvalid, "status entry is empty")
				continue
			}
			v.enum(sp, "status", s.Status, commitmentStatuses, true)
			v.date(sp, "date", s.Date)
			if s.Date != "" && last != "" && s.Date.Check() == nil && last.Check() == nil && s.Date.End() < last.Start() {
				v.addf(sp+".date", EInvalid, "status history must be oldest first: %s is before %s", s.Date, last)
			}
			if s.Date != "" {
				last = s.Date
			}
			v.ref(sp, "ratedBy", s.RatedBy, false, TypeActor)
			v.text(sp, "recordedBy", s.RecordedBy, false)
			v.text(sp, "note", s.Note, false)
			v.evidence(sp, s.Evidence, true)
		}
		v.assertion(p, &x.Assertion)
	case *Requirement:
		v.ref(p, "subject", x.Subject, true, TypeDocument, TypeCommitment)
		v.enum(p, "kind", x.Kind, requirementKinds, true)
		v.ref(p, "actor", x.Actor, false, TypeActor)
		v.text(p, "description", x.Description, true)
		v.assertion(p, &x.Assertion)
	case *Statement:
		v.ref(p, "speaker", x.Speaker, true, TypeActor)
		v.enum(p, "mode", x.Mode, statementModes, true)
		v.text(p, "words", x.Words, true)
		v.text(p, "cueVerb", x.CueVerb, false)
		v.ref(p, "event", x.Event, false, TypeEvent)
		v.text(p, "venue", x.Venue, false)
		v.refs(p, "audience", x.Audience, false, TypeActor)
		v.refs(p, "expresses", x.Expresses, false, TypePosition, TypeCommitment, TypeClaim)
		v.text(p, "expressesNothing", x.ExpressesNothing, false)
		// Every statement voices something, or says why it voices nothing
		// (a purely procedural utterance): never neither, never both.
		switch {
		case x.ExpressesNothing != "" && len(x.Expresses) > 0:
			v.addf(p+".expressesNothing", EInvalid, "statement %q expresses %d node(s), so it cannot also say why it voices nothing: give expresses or expressesNothing, not both", x.ID, len(x.Expresses))
		case x.ExpressesNothing == "" && len(x.Expresses) == 0:
			v.addf(p+".expresses", EInvalid, "statement %q expresses nothing: list the positions, claims or commitments it voices in expresses, or say why it voices none in expressesNothing", x.ID)
		}
		v.assertion(p, &x.Assertion)
		// Direct or reported, the words are the source's own: never a
		// paraphrase.
		if x.Words != "" && len(x.Evidence) > 0 && !v.inEvidence(x.Words, x.Evidence) {
			v.addf(p+".words", EInvalid, "a statement's words must be the source's own, within its evidence: %q is not in any of its quotes", short(x.Words))
		}
	case *Claim:
		v.enum(p, "kind", x.Kind, claimKinds, true)
		v.text(p, "text", x.Text, true)
		v.refs(p, "about", x.About, false, ClaimSubjects...)
		if x.Attribution == nil {
			v.addf(p+".attribution", EInvalid, "attribution is required: a claim is the journalist's (basis JOURNALIST) or someone's (by)")
		}
		v.assertion(p, &x.Assertion)
	}
	v.resolveQuotes(EvidenceOf(x))
	if c, ok := x.(*Commitment); ok {
		for _, s := range c.Status {
			if s != nil {
				v.resolveQuotes(s.Evidence)
			}
		}
	}
}

// ClaimSubjects are the types of node a claim can be about.
var ClaimSubjects = []NodeType{TypeActor, TypeEvent, TypeIssue, TypeProposition, TypeDocument, TypeCommitment}

// inEvidence reports whether words occur within one of the spans. When a
// span could not be verified, that problem is reported already, and this
// one is not added to it.
func (v *validator) inEvidence(words string, evs []*Evidence) bool {
	for _, ev := range evs {
		if ev == nil || ev.Start == nil || ev.End == nil {
			return true
		}
		if Contains(ev.Quote, words) {
			return true
		}
	}
	return false
}
