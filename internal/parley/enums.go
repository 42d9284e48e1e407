package parley

import (
	"slices"
	"strings"
)

// enum lists the allowed values of one enumeration, for validation and for
// messages that tell the user what would have been accepted.
type enum []string

func (e enum) valid(v string) bool { return slices.Contains(e, v) }
func (e enum) String() string      { return strings.Join(e, ", ") }

// ActorKind says what sort of actor an actor is.
type ActorKind string

// Actor kinds.
const (
	Person       ActorKind = "PERSON"       // a natural person
	State        ActorKind = "STATE"        // a polity: Ukraine, Russia, the United States
	Organization ActorKind = "ORGANIZATION" // an institution: EU, NATO, CNN, the Kremlin
	Group        ActorKind = "GROUP"        // a collective or unnamed speaker: "analysts"
)

var actorKinds = enum{"PERSON", "STATE", "ORGANIZATION", "GROUP"}

// Stance is what a holder thinks of a proposition.
type Stance string

// Stances.
const (
	Supports              Stance = "SUPPORTS"
	Opposes               Stance = "OPPOSES"
	ConditionallySupports Stance = "CONDITIONALLY_SUPPORTS"
	OpenTo                Stance = "OPEN_TO"
	Undecided             Stance = "UNDECIDED"
)

var stances = enum{"SUPPORTS", "OPPOSES", "CONDITIONALLY_SUPPORTS", "OPEN_TO", "UNDECIDED"}

// Opposed reports whether two stances on one proposition are in conflict:
// one side for it (even on conditions), the other against it.
func Opposed(a, b Stance) bool {
	pro := func(s Stance) bool { return s == Supports || s == ConditionallySupports }
	return (pro(a) && b == Opposes) || (pro(b) && a == Opposes)
}

// SpeechAct is the act by which a position was taken (after CAMEO/PLOVER).
var speechActs = enum{"DEMANDS", "PROPOSES", "FLOATS", "PROMISES", "ACCEPTS", "REJECTS", "CONCEDES", "THREATENS", "STATES"}

var commitmentStatuses = enum{"PROPOSED", "UNDER_NEGOTIATION", "AGREED_IN_PRINCIPLE", "FORMALISED", "IN_PROGRESS",
	"STALLED", "PARTIALLY_FULFILLED", "FULFILLED", "BROKEN", "WITHDRAWN", "SUPERSEDED"}

var bindingnesses = enum{"LEGALLY_BINDING", "POLITICALLY_BINDING", "INFORMAL", "FLOATED"}

var polarities = enum{"POSITIVE", "NEGATIVE"}

var attributionBases = enum{"ON_RECORD", "SPOKESPERSON", "OFFICIAL_TEXT", "ANONYMOUS_OFFICIAL", "ANALYST", "JOURNALIST"}

// Ranks, after Wikidata: wrong or superseded values are deprecated, never deleted.
const (
	RankPreferred  = "PREFERRED"
	RankNormal     = "NORMAL"
	RankDeprecated = "DEPRECATED"
)

var ranks = enum{RankPreferred, RankNormal, RankDeprecated}

var rankReasons = enum{"SUPERSEDED", "MISREPORTED", "RETRACTED", "OTHER"}

var eventKinds = enum{"TALKS", "MEETING", "DINNER", "CALL", "ADDRESS", "PRESS_REMARKS", "INTERVIEW", "POST", "OTHER"}

var participationRoles = enum{"PARTY", "MEDIATOR", "HOST", "PARTICIPANT", "OBSERVER", "SPEAKER", "AUDIENCE"}

var relationKinds = enum{"FAMILY", "MEMBER_OF", "PART_OF", "AFFILIATED_WITH", "IN_CONTACT"}

var documentTypes = enum{"PEACE_PLAN", "SECURITY_GUARANTEES", "FRAMEWORK", "PLAN", "AGREEMENT", "DECLARATION", "PACKAGE", "OTHER"}

// Document stages, after PA-X.
var documentStages = enum{"PRE_NEGOTIATION", "CEASEFIRE", "FRAMEWORK", "PARTIAL", "COMPREHENSIVE", "IMPLEMENTATION"}

var documentStatuses = enum{"DRAFT", "UNDER_NEGOTIATION", "AGREED", "SIGNED", "IN_FORCE", "ABANDONED"}

var requirementKinds = enum{"APPROVAL", "RATIFICATION", "LEGISLATION", "FUNDING", "OTHER"}

var statementModes = enum{"DIRECT", "INDIRECT", "MIXED"}

// Claim kinds: a fact (the state of things, what has or has not been seen,
// said or specified), an assessment (a judgement, such as how likely an
// outcome is) or a forecast (what will happen, and when).
var claimKinds = enum{"FACT", "ASSESSMENT", "FORECAST"}

// Enums lists every enumeration of the domain with its values, so that other
// layers (the GraphQL schema's tests, the docs) can check they agree.
func Enums() map[string][]string {
	return map[string][]string{
		"ActorKind":         actorKinds,
		"Stance":            stances,
		"SpeechAct":         speechActs,
		"CommitmentStatus":  commitmentStatuses,
		"Bindingness":       bindingnesses,
		"Polarity":          polarities,
		"AttributionBasis":  attributionBases,
		"Rank":              ranks,
		"RankReason":        rankReasons,
		"EventKind":         eventKinds,
		"ParticipationRole": participationRoles,
		"RelationKind":      relationKinds,
		"DocumentType":      documentTypes,
		"DocumentStage":     documentStages,
		"DocumentStatus":    documentStatuses,
		"RequirementKind":   requirementKinds,
		"StatementMode":     statementModes,
		"ClaimKind":         claimKinds,
	}
}
