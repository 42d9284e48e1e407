package parley

import "strings"

// NodeType names the kind of a node. Every node has an id unique across
// all types, so that node(id:) and paths can reach any of them.
type NodeType string

// Node types.
const (
	TypeSource        NodeType = "Source"
	TypeActor         NodeType = "Actor"
	TypeEvent         NodeType = "Event"
	TypeIssue         NodeType = "Issue"
	TypeProposition   NodeType = "Proposition"
	TypeDocument      NodeType = "Document"
	TypeRole          NodeType = "Role"
	TypeRelation      NodeType = "Relation"
	TypeParticipation NodeType = "Participation"
	TypePosition      NodeType = "Position"
	TypeCommitment    NodeType = "Commitment"
	TypeRequirement   NodeType = "Requirement"
	TypeStatement     NodeType = "Statement"
	TypeClaim         NodeType = "Claim"
)

// withArticle returns the type's name after "a" or "an".
func (t NodeType) withArticle() string {
	if strings.ContainsRune("AEIOU", rune(t[0])) {
		return "an " + string(t)
	}
	return "a " + string(t)
}

// Dataset is a set of nodes as one file (or one export) holds them. The
// field order is the order of sections in the file format.
type Dataset struct {
	// Name is where the dataset came from (a file name), for messages.
	Name string `json:"-" yaml:"-"`
	// DefaultSource is the source of any evidence that names none.
	DefaultSource  string           `json:"defaultSource,omitempty"`
	Sources        []*Source        `json:"sources,omitempty"`
	Actors         []*Actor         `json:"actors,omitempty"`
	Events         []*Event         `json:"events,omitempty"`
	Issues         []*Issue         `json:"issues,omitempty"`
	Propositions   []*Proposition   `json:"propositions,omitempty"`
	Documents      []*Document      `json:"documents,omitempty"`
	Roles          []*Role          `json:"roles,omitempty"`
	Relations      []*Relation      `json:"relations,omitempty"`
	Participations []*Participation `json:"participations,omitempty"`
	Positions      []*Position      `json:"positions,omitempty"`
	Commitments    []*Commitment    `json:"commitments,omitempty"`
	Requirements   []*Requirement   `json:"requirements,omitempty"`
	Statements     []*Statement     `json:"statements,omitempty"`
	Claims         []*Claim         `json:"claims,omitempty"`
}

// Source is a document Parley's evidence points into, with its full text.
type Source struct {
	ID        string `json:"id"`
	Version   int    `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Title     string `json:"title"`
	Publisher string `json:"publisher,omitempty"`
	URL       string `json:"url,omitempty"`
	Published Date   `json:"published,omitempty"`
	// Text is the full text, byte for byte; evidence offsets point into it.
	Text string `json:"text,omitempty"`
	// TextFile, in a file only, names a file (relative to it) that holds
	// the text. Importers read it into Text.
	TextFile string `json:"textFile,omitempty"`
	// LeftOut lists passages deliberately left uncited, each with the
	// reason, so that coverage can tell them from omissions.
	LeftOut []*LeftOut `json:"leftOut,omitempty"`
}

// Evidence is a span of a source's text that backs an assertion.
type Evidence struct {
	Source string `json:"source,omitempty"`
	// Quote is the exact words. In a file, whitespace and typographic
	// quotes may differ from the source; once stored it is the source's
	// own text between Start and End.
	Quote string `json:"quote"`
	// Start and End are offsets in characters (Unicode code points) into
	// the source text, End exclusive. In a file they are optional: given,
	// they pick the occurrence; absent, the first occurrence is used.
	Start *int `json:"start,omitempty"`
	End   *int `json:"end,omitempty"`
}

// Attribution says on whose word an assertion rests and how it reached us.
type Attribution struct {
	Basis string `json:"basis"`
	// By is the actor whose claim it is, when not the speaker or holder
	// themselves ("US officials familiar with the negotiations").
	By string `json:"by,omitempty"`
	// Via is the outlet it came through ("as per a CNN report").
	Via string `json:"via,omitempty"`
}

// Assertion holds what every assertion carries: evidence, attribution,
// the three clocks (two of them here; the third is when Parley recorded
// it, kept by the store) and a rank.
type Assertion struct {
	Evidence    []*Evidence  `json:"evidence"`
	Attribution *Attribution `json:"attribution,omitempty"`
	ValidFrom   Date         `json:"validFrom,omitempty"`
	ValidTo     Date         `json:"validTo,omitempty"`
	AssertedAt  Date         `json:"assertedAt,omitempty"`
	Rank        string       `json:"rank,omitempty"`
	RankReason  string       `json:"rankReason,omitempty"`
}

// Actor is anything that can speak, commit or be a party.
type Actor struct {
	ID          string      `json:"id"`
	Version     int         `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Kind        ActorKind   `json:"kind"`
	Name        string      `json:"name"`
	Aliases     []string    `json:"aliases,omitempty"`
	Description string      `json:"description,omitempty"`
	Evidence    []*Evidence `json:"evidence,omitempty"`
}

// Event is a meeting, call, address or other occasion.
type Event struct {
	ID          string      `json:"id"`
	Version     int         `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Name        string      `json:"name"`
	Kind        string      `json:"kind"`
	Place       string      `json:"place,omitempty"`
	Date        Date        `json:"date,omitempty"`
	PartOf      string      `json:"partOf,omitempty"`
	Description string      `json:"description,omitempty"`
	Evidence    []*Evidence `json:"evidence,omitempty"`
}

// Issue is an agenda topic, possibly within a broader one.
type Issue struct {
	ID          string      `json:"id"`
	Version     int         `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Name        string      `json:"name"`
	Parent      string      `json:"parent,omitempty"`
	Description string      `json:"description,omitempty"`
	Evidence    []*Evidence `json:"evidence,omitempty"`
}

// Proposition is a precise option within an issue that actors can be for
// or against; conflicts are found where stances on one proposition oppose.
type Proposition struct {
	ID       string      `json:"id"`
	Version  int         `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Issue    string      `json:"issue"`
	Text     string      `json:"text"`
	Evidence []*Evidence `json:"evidence,omitempty"`
}

// Document is a draft or agreement, or a package of them.
type Document struct {
	ID       string   `json:"id"`
	Version  int      `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Title    string   `json:"title"`
	Type     string   `json:"type"`
	Stage    string   `json:"stage,omitempty"`
	Status   string   `json:"status,omitempty"`
	Drafters []string `json:"drafters,omitempty"`
	Backers  []string `json:"backers,omitempty"`
	Parties  []string `json:"parties,omitempty"`
	// Package is the package document this one belongs to.
	Package string `json:"package,omitempty"`
	// PackageSize is how many documents a package is said to hold, which
	// may be more than the graph names.
	PackageSize *int `json:"packageSize,omitempty"`
	// Refines is the document this one refines or elaborates.
	Refines     string      `json:"refines,omitempty"`
	Issues      []string    `json:"issues,omitempty"`
	Description string      `json:"description,omitempty"`
	Evidence    []*Evidence `json:"evidence,omitempty"`
}

// Role is a person's tenure of a post for or on behalf of an actor.
type Role struct {
	ID           string `json:"id"`
	Version      int    `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Holder       string `json:"holder"`
	Post         string `json:"post"`
	Organization string `json:"organization,omitempty"`
	OnBehalfOf   string `json:"onBehalfOf,omitempty"`
	Assertion    `yaml:",inline"`
}

// Relation is a light tie between two actors: family, membership, contact.
type Relation struct {
	ID        string `json:"id"`
	Version   int    `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Kind      string `json:"kind"`
	Subject   string `json:"subject"`
	Object    string `json:"object"`
	Label     string `json:"label,omitempty"`
	Assertion `yaml:",inline"`
}

// Participation is an actor's part in an event.
type Participation struct {
	ID         string `json:"id"`
	Version    int    `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Event      string `json:"event"`
	Actor      string `json:"actor"`
	Role       string `json:"role"`
	OnBehalfOf string `json:"onBehalfOf,omitempty"`
	Assertion  `yaml:",inline"`
}

// Position is a holder's stance on a proposition.
type Position struct {
	ID          string   `json:"id"`
	Version     int      `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Holder      string   `json:"holder"`
	Proposition string   `json:"proposition"`
	Stance      Stance   `json:"stance"`
	SpeechAct   string   `json:"speechAct"`
	Summary     string   `json:"summary,omitempty"`
	Conditions  []string `json:"conditions,omitempty"`
	RedLine     bool     `json:"redLine,omitempty"`
	// Supersedes and SupersededBy link a position that replaced another,
	// both ways; the superseded one is ranked DEPRECATED.
	Supersedes   string `json:"supersedes,omitempty"`
	SupersededBy string `json:"supersededBy,omitempty"`
	Assertion    `yaml:",inline"`
}

// Commitment is an obligation that promisors take on, or are proposed to
// take on, towards beneficiaries.
type Commitment struct {
	ID            string   `json:"id"`
	Version       int      `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Promisors     []string `json:"promisors"`
	Beneficiaries []string `json:"beneficiaries,omitempty"`
	Obligation    string   `json:"obligation"`
	Polarity      string   `json:"polarity"`
	Conditions    []string `json:"conditions,omitempty"`
	Bindingness   string   `json:"bindingness,omitempty"`
	Document      string   `json:"document,omitempty"`
	Issue         string   `json:"issue,omitempty"`
	// Status is the dated history of the commitment's status, oldest
	// first; the current status is the last.
	Status    []*StatusEntry `json:"status"`
	Assertion `yaml:",inline"`
}

// StatusEntry is one rating of a commitment's status.
type StatusEntry struct {
	Status  string `json:"status"`
	Date    Date   `json:"date,omitempty"`
	RatedBy string `json:"ratedBy,omitempty"`
	// RecordedBy is who entered the rating (a token's name), set by Parley.
	RecordedBy string      `json:"recordedBy,omitempty"`
	Note       string      `json:"note,omitempty"`
	Evidence   []*Evidence `json:"evidence"`
}

// Requirement is a condition a document or commitment needs to take
// effect, such as approval by the US Congress.
type Requirement struct {
	ID          string `json:"id"`
	Version     int    `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Subject     string `json:"subject"`
	Kind        string `json:"kind"`
	Actor       string `json:"actor,omitempty"`
	Description string `json:"description"`
	Assertion   `yaml:",inline"`
}

// Statement is an utterance: a direct or indirect quote of a speaker.
type Statement struct {
	ID      string `json:"id"`
	Version int    `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Speaker string `json:"speaker"`
	Mode    string `json:"mode"`
	// Words is what was said: the quoted words for a direct quote, the
	// reported content for an indirect one.
	Words    string   `json:"words"`
	CueVerb  string   `json:"cueVerb,omitempty"`
	Event    string   `json:"event,omitempty"`
	Venue    string   `json:"venue,omitempty"`
	Audience []string `json:"audience,omitempty"`
	// Expresses lists the positions, commitments and claims the statement
	// voices.
	Expresses []string `json:"expresses,omitempty"`
	// ExpressesNothing says why a statement voices no position, commitment
	// or claim (a purely procedural utterance); validation requires it
	// exactly when Expresses is empty.
	ExpressesNothing string `json:"expressesNothing,omitempty"`
	Assertion        `yaml:",inline"`
}

// Claim is what a voice asserts as fact or assessment about the state of
// things (who controls what, what has or has not been seen or specified,
// when something will happen, how likely an outcome is), as opposed to a
// position, which is an actor's stance on a proposition. Its voice is its
// attribution: the journalist's own (basis JOURNALIST, no one in By), a
// named actor's (By), or an anonymous source's that reached us through an
// outlet (By and Via).
type Claim struct {
	ID      string `json:"id"`
	Version int    `json:"-" yaml:"-"` // the stored revision, set by the store (see Revision)
	Kind    string `json:"kind"`
	// Text is what is claimed, in a sentence.
	Text string `json:"text"`
	// About lists what the claim is about: actors, events, issues,
	// propositions, documents or commitments.
	About     []string `json:"about,omitempty"`
	Assertion `yaml:",inline"`
}
