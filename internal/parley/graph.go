package parley

import (
	"context"
	"sort"
)

// Link is one relationship between two nodes, backed by the node Via
// (an assertion, or the node itself for a structural link such as a
// proposition's issue) whose evidence supports it. Kind names it:
// HOLDS_POST_IN, ACTS_FOR, TOOK_PART_IN, HOLDS_POSITION_ON, COMMITS_TO,
// FAMILY, IN_CONTACT, REQUIRES, PART_OF, IN_ISSUE and so on.
type Link struct {
	From, To, Kind, Via string
	// Reversed says From and To are turned round from the stored link's
	// direction: a path reports each link in the direction it walks it.
	Reversed bool
}

// Oriented returns the path's links each turned to run from Nodes[i] to
// Nodes[i+1], marked Reversed where that is against the stored direction.
func (p *Path) Oriented() []Link {
	out := make([]Link, len(p.Links))
	for i, l := range p.Links {
		if l.From != p.Nodes[i] && l.To == p.Nodes[i] {
			l.From, l.To, l.Reversed = l.To, l.From, !l.Reversed
		}
		out[i] = l
	}
	return out
}

// Path is a chain of links from one node to another: Nodes has one more
// element than Links, and Links[i] joins Nodes[i] and Nodes[i+1] (in
// either direction: From and To keep the link's own direction).
type Path struct {
	Nodes []string
	Links []Link
}

// Subgraph is a set of nodes and the links among them.
type Subgraph struct {
	Nodes []string
	Links []Link
	// Truncated says the limit stopped the walk before it was done.
	Truncated bool
}

// Conflict is a pair of positions on one proposition, by different
// holders, with opposed stances.
type Conflict struct {
	Proposition string
	A, B        *Position
}

// ConflictQuery selects conflicts; nil fields are not given. After is the
// cursor of the last conflict of the previous page: its two position ids.
type ConflictQuery struct {
	Issue       *string // within the issue or its sub-issues
	Proposition *string
	Actor       *string // one side held by the actor
	First       int
	After       *[2]string
	// Backward pages from the end, before Before (if given).
	Backward bool
	Before   *[2]string
	AsOf     *Date
}

// MaxPathHops and MaxNeighbourhoodHops bound graph walks.
const (
	MaxPathHops          = 6
	MaxNeighbourhoodHops = 3
)

// Walker answers questions about the shape of the graph.
type Walker interface {
	// Conflicts returns one page of conflicts, ordered by the ids of the
	// two positions, and whether there are more. Deprecated positions take
	// no part.
	Conflicts(ctx context.Context, q ConflictQuery) ([]Conflict, bool, error)
	// Path returns a shortest chain of links from one node to another of
	// at most maxHops links, following only the given kinds of link (all if
	// none), or nil if there is none. ENotFound if either node does not
	// exist.
	Path(ctx context.Context, from, to string, maxHops int, kinds []string) (*Path, error)
	// Neighbourhood returns the nodes within hops links of id (id first),
	// at most limit of them, and the links that reached them. ENotFound if
	// id does not exist.
	Neighbourhood(ctx context.Context, id string, hops, limit int, kinds []string) (*Subgraph, error)
}

// Agreement says how two actors' stances on one proposition compare.
type Agreement string

// Agreements.
const (
	Agree       Agreement = "AGREE"
	Disagree    Agreement = "DISAGREE"
	PartlyAgree Agreement = "PARTLY_AGREE"
)

// Alignment is two actors' positions on one proposition they both hold a
// position on, and how they compare.
type Alignment struct {
	Proposition string
	Agreement   Agreement
	A, B        []*Position
}

// Align compares the positions of two actors: for each proposition both
// hold a position on, they agree when their stances are the same, disagree
// when one is for it (even on conditions) and the other against it, and
// partly agree otherwise (one for it on conditions and the other for it
// outright, or one open to it or undecided). Results are ordered by
// proposition id.
func Align(a, b []*Position) []Alignment {
	byProp := func(ps []*Position) map[string][]*Position {
		m := map[string][]*Position{}
		for _, p := range ps {
			m[p.Proposition] = append(m[p.Proposition], p)
		}
		return m
	}
	ma, mb := byProp(a), byProp(b)
	var out []Alignment
	for prop, pa := range ma {
		pb, ok := mb[prop]
		if !ok {
			continue
		}
		out = append(out, Alignment{Proposition: prop, Agreement: compare(pa, pb), A: pa, B: pb})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Proposition < out[j].Proposition })
	return out
}

func compare(a, b []*Position) Agreement {
	same, opposed := true, false
	for _, x := range a {
		for _, y := range b {
			if x.Stance != y.Stance {
				same = false
			}
			if Opposed(x.Stance, y.Stance) {
				opposed = true
			}
		}
	}
	switch {
	case opposed:
		return Disagree
	case same:
		return Agree
	}
	return PartlyAgree
}
