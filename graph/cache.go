package graph

import (
	"context"
	"sync"

	"github.com/parley-graph/parley/internal/parley"
)

// nodeCacheSize bounds the nodes kept across requests. The profile query
// reads about 440 nodes; a full cache is emptied rather than evicted by
// age, which is simple and keeps memory flat (about 1 KB a node).
const nodeCacheSize = 20000

// nodeCache keeps decoded nodes across requests, for one version of the
// graph (parley.Versioner). A request asks the store for the version once,
// then reads the cache only if it holds that version: when a write moved
// the version (in this process or another on the same database), the
// first request to see the new number empties the cache, and a request
// that began before the write neither reads nor fills it any more.
//
// The nodes are shared between requests: nothing may change them.
type nodeCache struct {
	mu      sync.RWMutex
	version int64
	nodes   map[string]any
}

func newNodeCache() *nodeCache {
	return &nodeCache{version: -1, nodes: map[string]any{}}
}

// sync moves the cache to version v if v is newer than what it holds, and
// reports whether the cache now serves v.
func (c *nodeCache) sync(v int64) bool {
	c.mu.RLock()
	cur := c.version
	c.mu.RUnlock()
	if cur == v {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v > c.version {
		c.version, c.nodes = v, map[string]any{}
	}
	return c.version == v
}

// get returns the nodes of ids it holds at version v, and the ids it
// lacks, in order.
func (c *nodeCache) get(v int64, ids []string, out map[string]any) (missing []string) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != v {
		return ids
	}
	for _, id := range ids {
		if n, ok := c.nodes[id]; ok {
			out[id] = n
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// put keeps nodes read at version v, unless the cache moved on.
func (c *nodeCache) put(v int64, nodes map[string]any) {
	if len(nodes) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v {
		return
	}
	if len(c.nodes)+len(nodes) > nodeCacheSize {
		c.nodes = make(map[string]any, len(nodes))
	}
	for id, n := range nodes {
		c.nodes[id] = n
	}
}

// nodeSource fetches nodes for one request: from the shared cache when the
// store can say its version, else (and for what the cache lacks) from the
// store, in one call.
type nodeSource struct {
	store parley.Store
	cache *nodeCache // nil: no sharing (a store without versions, or a mutation)

	once    sync.Once
	version int64
	ok      bool // the cache serves this request's version
}

func (s *nodeSource) fetch(ctx context.Context, ids []string) (map[string]any, error) {
	if s.cache == nil {
		return s.store.Nodes(ctx, ids)
	}
	s.once.Do(func() {
		v, err := s.store.(parley.Versioner).Version(ctx)
		if err == nil {
			s.version, s.ok = v, s.cache.sync(v)
		}
	})
	if !s.ok {
		return s.store.Nodes(ctx, ids)
	}
	out := make(map[string]any, len(ids))
	missing := s.cache.get(s.version, ids, out)
	if len(missing) == 0 {
		return out, nil
	}
	got, err := s.store.Nodes(ctx, missing)
	if err != nil {
		return nil, err
	}
	s.cache.put(s.version, got)
	for id, n := range got {
		out[id] = n
	}
	return out, nil
}
