package parley

import "context"

// Store keeps the graph. Every method is one transaction: it either does
// all of its work or none.
type Store interface {
	Lister
	Walker
	Writer
	Tokens
	Searcher

	// Import validates the datasets against the domain's rules and what
	// the store already holds, then writes them in one transaction. A node
	// whose content is unchanged is left alone, so importing the same
	// files twice changes nothing; a node whose content changed is
	// replaced. It returns an *Error with code EInvalid (or ENotFound,
	// EConflict) listing every problem when validation fails, and then
	// writes nothing.
	Import(ctx context.Context, files []*Dataset) (*ImportResult, error)

	// Export returns the whole graph as one dataset, every section sorted
	// by id, evidence with its offsets and the source's exact words.
	Export(ctx context.Context) (*Dataset, error)

	// Node returns the node with the id: one of *Source, *Actor, *Event,
	// *Issue, *Proposition, *Document, *Role, *Relation, *Participation,
	// *Position, *Commitment, *Requirement or *Statement. ENotFound if
	// there is none.
	Node(ctx context.Context, id string) (any, error)

	// Nodes returns the nodes with the ids, by id; ids with no node are
	// left out of the map.
	Nodes(ctx context.Context, ids []string) (map[string]any, error)

	// Counts returns how many nodes of each type the store holds.
	Counts(ctx context.Context) (map[NodeType]int, error)
}

// Versioner is implemented by a store that can tell cheaply whether the
// graph changed: Version returns a number that grows whenever a change to
// the nodes is committed, by this process or by any other sharing the
// database. A reader that keeps nodes across requests (the GraphQL node
// cache) asks at the start of each request and drops what it holds when
// the number moved, so a write in one process is seen by the next read in
// another.
type Versioner interface {
	Version(ctx context.Context) (int64, error)
}

// ImportResult says what an import did.
type ImportResult struct {
	Created   int // nodes that were new
	Updated   int // nodes whose content changed and were replaced
	Unchanged int // nodes already stored as given
}

// ChangeNotifier is implemented by a store that is told of committed
// changes as they happen, by this process or any other sharing the
// database (PostgreSQL's LISTEN/NOTIFY). WatchChanges returns a channel
// that receives a value soon after each commit that changed nodes (sends
// are coalesced: one value may stand for several commits) and is closed
// when ctx is done or the notifications are lost; the caller then falls
// back to polling Version. Readers that must not serve stale data still
// ask Version: a notification says when to look, not what is current.
type ChangeNotifier interface {
	WatchChanges(ctx context.Context) (<-chan struct{}, error)
}
