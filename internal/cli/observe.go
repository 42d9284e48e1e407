package cli

import (
	"context"
	"errors"
	"time"

	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
)

// observedStore is the store, SQLite or PostgreSQL, with the time of each
// of its calls recorded in the metrics (parley_store_call_duration_seconds),
// by method: one observation per call, each call one transaction or
// statement batch. The methods not listed here (tokens, counts, export)
// pass untimed. The loaders' batches are seen here too, as they reach
// the store (parley_loader_batch_size): the ids of a Nodes call, the
// parents of a List call.
type observedStore struct {
	store
	m *metrics.Metrics
}

func (s observedStore) since(method string, start time.Time) {
	s.m.Statement(method, time.Since(start))
}

func (s observedStore) Node(ctx context.Context, id string) (any, error) {
	defer s.since("node", time.Now())
	return s.store.Node(ctx, id)
}

func (s observedStore) Nodes(ctx context.Context, ids []string) (map[string]any, error) {
	s.m.Batch("nodes", len(ids))
	defer s.since("nodes", time.Now())
	return s.store.Nodes(ctx, ids)
}

func (s observedStore) List(ctx context.Context, req parley.ListRequest) (*parley.ListResult, error) {
	if len(req.Parents) > 0 {
		s.m.Batch("lists", len(req.Parents))
	}
	defer s.since("list", time.Now())
	return s.store.List(ctx, req)
}

func (s observedStore) Search(ctx context.Context, q parley.SearchQuery) ([]parley.SearchHit, bool, error) {
	defer s.since("search", time.Now())
	return s.store.Search(ctx, q)
}

// SearchCount passes the store's count on: without it the API would
// count a search's hits by reading them (and, on SQLite, only those among
// its best-ranked texts).
func (s observedStore) SearchCount(ctx context.Context, q parley.SearchQuery) (int, error) {
	defer s.since("search_count", time.Now())
	return s.store.SearchCount(ctx, q)
}

func (s observedStore) Conflicts(ctx context.Context, q parley.ConflictQuery) ([]parley.Conflict, bool, error) {
	defer s.since("conflicts", time.Now())
	return s.store.Conflicts(ctx, q)
}

func (s observedStore) Path(ctx context.Context, from, to string, maxHops int, kinds []string) (*parley.Path, error) {
	defer s.since("path", time.Now())
	return s.store.Path(ctx, from, to, maxHops, kinds)
}

func (s observedStore) Neighbourhood(ctx context.Context, id string, hops, limit int, kinds []string) (*parley.Subgraph, error) {
	defer s.since("neighbourhood", time.Now())
	return s.store.Neighbourhood(ctx, id, hops, limit, kinds)
}

func (s observedStore) Changes(ctx context.Context, q parley.ChangeQuery) ([]parley.Change, bool, error) {
	defer s.since("changes", time.Now())
	return s.store.Changes(ctx, q)
}

func (s observedStore) CountChanges(ctx context.Context, q parley.ChangeQuery) (int, error) {
	defer s.since("count_changes", time.Now())
	return s.store.CountChanges(ctx, q)
}

func (s observedStore) Version(ctx context.Context) (int64, error) {
	defer s.since("version", time.Now())
	return s.store.Version(ctx)
}

func (s observedStore) Apply(ctx context.Context, muts []parley.Mutation) ([]parley.Change, error) {
	defer s.since("apply", time.Now())
	return s.store.Apply(ctx, muts)
}

func (s observedStore) Update(ctx context.Context, id string, edit func(current any) ([]parley.Mutation, error)) ([]parley.Change, error) {
	defer s.since("update", time.Now())
	return s.store.Update(ctx, id, edit)
}

func (s observedStore) Import(ctx context.Context, files []*parley.Dataset) (*parley.ImportResult, error) {
	defer s.since("import", time.Now())
	return s.store.Import(ctx, files)
}

// WatchChanges passes on the store's change notices (PostgreSQL's
// LISTEN/NOTIFY) to the subscriptions' signal; a store without them says
// so, and the signal reads the version instead.
func (s observedStore) WatchChanges(ctx context.Context) (<-chan struct{}, error) {
	if n, ok := s.store.(parley.ChangeNotifier); ok {
		return n.WatchChanges(ctx)
	}
	return nil, errors.ErrUnsupported
}
