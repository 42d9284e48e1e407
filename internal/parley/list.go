package parley

import "context"

// Lister is the part of a store that lists nodes a page at a time,
// for one parent or for many at once (so that a nested list costs one
// query for all its parents, not one per parent).
type Lister interface {
	// List returns one page of the nodes of type req.Of that relate to each
	// of req.Parents by req.Via and match req.Filter, ordered by id. It
	// returns EInvalid for a type and relation it does not know.
	List(ctx context.Context, req ListRequest) (*ListResult, error)
}

// ListRequest asks for a page of a list.
type ListRequest struct {
	// Of is the type listed; empty with Via "source" lists the nodes of
	// any type that have evidence in the source.
	Of NodeType
	// Via names how each parent relates to the listed nodes, such as
	// "holder" (positions held by the parent) or "issue" (positions on
	// propositions within the parent issue or its sub-issues). Empty for
	// a top-level list, which has the one parent "".
	Via     string
	Parents []string
	Filter  Filter
	// First is the page size; the result says whether there is more.
	First int
	// After is a keyset cursor: only nodes whose id sorts after it.
	After string
	// Backward pages from the end: the First nodes whose ids sort before
	// Before (or the last First nodes when Before is empty), still
	// returned in id order.
	Backward bool
	Before   string
	// Count asks for the totals as well.
	Count bool
	// IDsOnly asks for the ids of each page (ListResult.IDs) instead of
	// the nodes, for a caller that keeps nodes of its own and fetches only
	// those it lacks.
	IDsOnly bool
}

// Filter narrows a list; nil fields are not given. Which fields apply
// depends on the type listed.
type Filter struct {
	Kind         *string // actors: kind; events: kind; documents: type; relations: kind; claims: kind
	NamePrefix   *string // actors: a word of a name or alias starting so (any case)
	Affiliation  *string // actors: holding a post in, or a member or part of, this actor
	Holder       *string // positions, roles
	Proposition  *string // positions
	Issue        *string // positions, commitments, propositions, documents: within this issue or its sub-issues
	Stance       *string // positions
	SpeechAct    *string // positions
	Promisor     *string // commitments
	Beneficiary  *string // commitments
	Status       *string // commitments: current status; documents: status
	Bindingness  *string // commitments
	Document     *string // commitments
	Speaker      *string // statements
	Event        *string // statements
	ReportedVia  *string // statements and other assertions: the outlet in their attribution
	Basis        *string // assertions: their attribution's basis (ANONYMOUS_OFFICIAL, ...)
	AttributedTo *string // assertions: whose claim they are (their attribution's by)
	Organization *string // roles
	About        *string // claims: about this node
	Claimant     *string // claims: whose claim it is (the attribution's by)
	// AsOf keeps the assertions that held on that date: begun by then (or
	// with no start) and not ended before it (or with no end).
	AsOf *Date
	// IncludeDeprecated keeps deprecated assertions, which are left out
	// by default.
	IncludeDeprecated bool
}

// ListResult is a page for each parent.
type ListResult struct {
	Items map[string][]any    // nodes by parent, in id order (unless IDsOnly)
	IDs   map[string][]string // their ids by parent, in id order (with IDsOnly)
	More  map[string]bool     // whether a parent has more beyond its page, in the paging direction
	Total map[string]int      // how many nodes match, by parent, ignoring the page (when counted)
}
