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

// listCacheSize bounds the ids of the list pages kept across requests
// (about 40 bytes an id, the key and its strings besides): the profile
// query keeps 21 pages, 220 ids. A full cache is emptied, as the nodes'.
const listCacheSize = 100000

// nodeCache keeps decoded nodes across requests, for one version of the
// graph (parley.Versioner). A request asks the store for the version once,
// then reads the cache only if it holds that version: when a write moved
// the version (in this process or another on the same database), the
// first request to see the new number empties the cache, and a request
// that began before the write neither reads nor fills it any more.
//
// The nodes are shared between requests: nothing may change them.
//
// It keeps the pages of lists the same way (the ids of one parent's page
// of a list, with its page info and total), so that a list asked again at
// the same version costs no statement: the page was read after the
// version was, so it is at least as new as the version says, exactly as
// the nodes are.
type nodeCache struct {
	mu      sync.RWMutex
	version int64
	nodes   map[string]any
	lists   map[listKey]*cachedPage
	listIDs int // the ids the pages in lists hold
}

// cachedPage is one parent's page of a list as the store answered it.
// Shared: nothing may change it.
type cachedPage struct {
	ids   []string
	more  bool
	total int
}

func newNodeCache() *nodeCache {
	return &nodeCache{version: -1, nodes: map[string]any{}, lists: map[listKey]*cachedPage{}}
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
		c.lists, c.listIDs = map[listKey]*cachedPage{}, 0
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

// pages returns the pages of keys it holds at version v (nil for a key it
// lacks), and how many it lacks.
func (c *nodeCache) pages(v int64, keys []listKey, out []*cachedPage) (missing int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for i, k := range keys {
		if c.version == v {
			out[i] = c.lists[k]
		}
		if out[i] == nil {
			missing++
		}
	}
	return missing
}

// putPages keeps pages read at version v, unless the cache moved on.
func (c *nodeCache) putPages(v int64, keys []listKey, pages []*cachedPage) {
	n := 0
	for _, p := range pages {
		if p != nil {
			n += len(p.ids) + 1
		}
	}
	if n == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v {
		return
	}
	if c.listIDs+n > listCacheSize {
		c.lists, c.listIDs = map[listKey]*cachedPage{}, 0
	}
	for i, k := range keys {
		if pages[i] == nil {
			continue
		}
		if _, had := c.lists[k]; !had {
			c.lists[k] = pages[i]
			c.listIDs += len(pages[i].ids) + 1
		}
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

// shared reads the store's version, the first time in a request, and
// reports whether the shared cache serves it.
func (s *nodeSource) shared(ctx context.Context) bool {
	if s.cache == nil {
		return false
	}
	s.once.Do(func() {
		// A request the answer cache saw has read the version already:
		// its answer is kept under that number.
		if slot := answerSlotFrom(ctx); slot != nil {
			s.version, s.ok = slot.version, s.cache.sync(slot.version)
			return
		}
		v, err := s.store.(parley.Versioner).Version(ctx)
		if err == nil {
			s.version, s.ok = v, s.cache.sync(v)
		}
	})
	return s.ok
}

func (s *nodeSource) fetch(ctx context.Context, ids []string) (map[string]any, error) {
	if !s.shared(ctx) {
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
