package parley

// The node types in one place: what each is called, where it goes in a
// dataset, and how to take one apart, so that other packages need no
// switch of their own over the types.

// sections names each type's section of a dataset (as in problem paths).
var sections = map[NodeType]string{
	TypeSource: "sources", TypeActor: "actors", TypeEvent: "events", TypeIssue: "issues",
	TypeProposition: "propositions", TypeDocument: "documents", TypeRole: "roles", TypeRelation: "relations",
	TypeParticipation: "participations", TypePosition: "positions", TypeCommitment: "commitments",
	TypeRequirement: "requirements", TypeStatement: "statements", TypeClaim: "claims",
}

// Section names the dataset section that holds nodes of type t, such as
// "positions"; "" for an unknown type.
func Section(t NodeType) string { return sections[t] }

// New returns a new, empty node of type t (a *Actor for TypeActor…), or
// nil for an unknown type.
func New(t NodeType) any {
	switch t {
	case TypeSource:
		return new(Source)
	case TypeActor:
		return new(Actor)
	case TypeEvent:
		return new(Event)
	case TypeIssue:
		return new(Issue)
	case TypeProposition:
		return new(Proposition)
	case TypeDocument:
		return new(Document)
	case TypeRole:
		return new(Role)
	case TypeRelation:
		return new(Relation)
	case TypeParticipation:
		return new(Participation)
	case TypePosition:
		return new(Position)
	case TypeCommitment:
		return new(Commitment)
	case TypeRequirement:
		return new(Requirement)
	case TypeStatement:
		return new(Statement)
	case TypeClaim:
		return new(Claim)
	}
	return nil
}

// Describe returns the type and id of a node; "" for a value that is not
// one.
func Describe(v any) (NodeType, string) {
	switch x := v.(type) {
	case *Source:
		return TypeSource, x.ID
	case *Actor:
		return TypeActor, x.ID
	case *Event:
		return TypeEvent, x.ID
	case *Issue:
		return TypeIssue, x.ID
	case *Proposition:
		return TypeProposition, x.ID
	case *Document:
		return TypeDocument, x.ID
	case *Role:
		return TypeRole, x.ID
	case *Relation:
		return TypeRelation, x.ID
	case *Participation:
		return TypeParticipation, x.ID
	case *Position:
		return TypePosition, x.ID
	case *Commitment:
		return TypeCommitment, x.ID
	case *Requirement:
		return TypeRequirement, x.ID
	case *Statement:
		return TypeStatement, x.ID
	case *Claim:
		return TypeClaim, x.ID
	}
	return "", ""
}

// EvidenceOf returns the evidence a node carries (none for a source).
func EvidenceOf(v any) []*Evidence {
	switch x := v.(type) {
	case *Actor:
		return x.Evidence
	case *Event:
		return x.Evidence
	case *Issue:
		return x.Evidence
	case *Proposition:
		return x.Evidence
	case *Document:
		return x.Evidence
	case *Role:
		return x.Evidence
	case *Relation:
		return x.Evidence
	case *Participation:
		return x.Evidence
	case *Position:
		return x.Evidence
	case *Commitment:
		return x.Evidence
	case *Requirement:
		return x.Evidence
	case *Statement:
		return x.Evidence
	case *Claim:
		return x.Evidence
	}
	return nil
}

// Add appends a node to its section of ds and returns its type and id; ""
// if v is not a node.
func (ds *Dataset) Add(v any) (NodeType, string) {
	switch x := v.(type) {
	case *Source:
		ds.Sources = append(ds.Sources, x)
	case *Actor:
		ds.Actors = append(ds.Actors, x)
	case *Event:
		ds.Events = append(ds.Events, x)
	case *Issue:
		ds.Issues = append(ds.Issues, x)
	case *Proposition:
		ds.Propositions = append(ds.Propositions, x)
	case *Document:
		ds.Documents = append(ds.Documents, x)
	case *Role:
		ds.Roles = append(ds.Roles, x)
	case *Relation:
		ds.Relations = append(ds.Relations, x)
	case *Participation:
		ds.Participations = append(ds.Participations, x)
	case *Position:
		ds.Positions = append(ds.Positions, x)
	case *Commitment:
		ds.Commitments = append(ds.Commitments, x)
	case *Requirement:
		ds.Requirements = append(ds.Requirements, x)
	case *Statement:
		ds.Statements = append(ds.Statements, x)
	case *Claim:
		ds.Claims = append(ds.Claims, x)
	default:
		return "", ""
	}
	return Describe(v)
}
