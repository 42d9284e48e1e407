package graph

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
)

// AnswerCache keeps whole answers of queries, as sent, across requests:
// a query asked again with the same document, operation name, variables
// and extensions, by the same caller (the token's name and role, or none),
// by the same method and for the same response type, while the graph is
// at the same version, is answered with the bytes and headers of the
// first answer, without parsing or executing anything.
//
// It stays exact as the node cache does (see nodeCache): each request
// reads the store's version once, before anything else, and the node and
// list caches of its execution use that same number. An answer is kept
// under the version its request read; a write in any process sharing the
// database moves the version, and the first request that reads the new
// number drops every answer kept (they are all of the old version).
// Nothing else that an answer depends on is left out of the key: no read
// depends on the wall clock (asOf is an argument, hence in the variables
// or the document), and the one read of data the version does not cover
// (the tokens, for an admin) marks its answer as not to be kept
// (noStore).
//
// An operation that reads nothing from the store (its root selections are
// only __typename, __schema and __type, in fragments too: storeFree) gives
// the same answer at every version, the schema being fixed while the
// process runs: its answer is kept under a key without a version, which
// the version's moves leave alone, and a request that finds it there is
// answered without reading the version at all. Which operations those are
// is read from the document the execution ran, so only the first request
// of such a document reads the version.
//
// Only answers of queries with data and no error (nor extensions, nor an
// incremental delivery) are kept; mutations, subscriptions, refused and
// failed requests pass through. Requests that name a persisted query by
// its hash alone pass through too (the hash's document may be gone from
// the server's list of persisted queries, which the answer must say).
//
// Identical requests that miss at once are answered by one execution
// (singleflight), once their document is known to give answers that are
// kept. The answers kept hold at most a given number of bytes (key and
// body, and a fixed overhead each); the least recently used go first.
type AnswerCache struct {
	store   parley.Versioner
	max     int64
	metrics *metrics.Metrics

	mu      sync.Mutex
	version int64
	entries map[string]*list.Element // of *answerEntry
	lru     list.List                // most recently used first
	bytes   int64
	free    atomic.Int64 // entries of store-free answers (kept across versions); changed under mu
	// known holds the operations (operation name and document) whose
	// answers have been kept: concurrent misses of those wait for one
	// execution. Others (a mutation, a document seen for the first time)
	// each run their own.
	known      map[string]struct{}
	knownBytes int64

	flight singleflight.Group

	hits, misses, stored, evicted, dropped, uncacheable atomic.Int64
	size, count                                         atomic.Int64
}

// answerEntryOverhead is what an entry costs besides its key and body:
// the entry, its list element, its map slot, its header map.
const answerEntryOverhead = 512

// maxKnownBytes bounds the operations remembered as known (their names
// and documents); past it the set is emptied.
const maxKnownBytes = 4 << 20

// DefaultAnswerCacheBytes is the answer cache's default size.
const DefaultAnswerCacheBytes = 64 << 20

// NewAnswerCache returns a cache of answers of at most maxBytes over
// store, counted in m (if not nil); nil (no cache) when maxBytes is 0 or
// the store cannot say its version.
func NewAnswerCache(store parley.Store, maxBytes int64, m *metrics.Metrics) *AnswerCache {
	v, ok := store.(parley.Versioner)
	if maxBytes <= 0 || !ok {
		return nil
	}
	c := &AnswerCache{store: v, max: maxBytes, metrics: m, version: -1, entries: map[string]*list.Element{}, known: map[string]struct{}{}}
	if m != nil {
		m.AnswerCache(c.Stats)
	}
	return c
}

// Stats reads the cache's counters.
func (c *AnswerCache) Stats() metrics.AnswerCacheStats {
	return metrics.AnswerCacheStats{
		Hits: c.hits.Load(), Misses: c.misses.Load(), Stored: c.stored.Load(),
		Evicted: c.evicted.Load(), Dropped: c.dropped.Load(), Uncacheable: c.uncacheable.Load(),
		Bytes: c.size.Load(), Entries: c.count.Load(), MaxBytes: c.max,
	}
}

// answerEntry is one answer kept: shared by the requests it answers,
// never changed.
type answerEntry struct {
	key    string
	header http.Header
	body   []byte
	etag   string
	name   string // the operation's name, for the metrics of a hit
	size   int64
	free   bool // the answer reads nothing from the store: no version in its key
}

// answerSlot is what the GraphQL handler tells the cache of the request
// it executed (NewHandler's hooks), and what the cache tells it: the
// version the request read.
type answerSlot struct {
	version int64

	mu      sync.Mutex
	query   bool // the operation executed is a query
	name    string
	answers int  // responses given
	clean   bool // the (only) response has data and nothing else
	noStore bool // a resolver read what the version does not cover
	free    bool // the operation reads nothing from the store (storeFree)
}

type answerSlotKey struct{}

func answerSlotFrom(ctx context.Context) *answerSlot {
	s, _ := ctx.Value(answerSlotKey{}).(*answerSlot)
	return s
}

// operation records the operation a request executes.
func (s *answerSlot) operation(oc *graphql.OperationContext) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if op := oc.Operation; op != nil {
		s.query = op.Operation == ast.Query
		s.free = storeFree(oc.Doc, op)
		s.name = oc.OperationName
		if s.name == "" {
			s.name = op.Name
		}
	}
}

// response records a response given.
func (s *answerSlot) response(resp *graphql.Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers++
	s.clean = resp != nil && len(resp.Errors) == 0 && len(resp.Data) > 0 && len(resp.Extensions) == 0 &&
		resp.HasNext == nil && resp.Label == "" && len(resp.Path) == 0
}

// keep reports whether the answer may be kept, and whether it reads
// nothing from the store.
func (s *answerSlot) keep() (keep, free bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keep = s.query && s.answers == 1 && s.clean && !s.noStore
	return keep, keep && s.free
}

// storeFree reports whether op, a query of doc, reads nothing from the
// store: every root selection, through inline fragments and fragment
// spreads, is __typename, __schema or __type (answered from the schema
// alone), with no directive but @skip and @include (which only leave
// those out). Anything else, a directive on the operation among it,
// counts as reading the store.
func storeFree(doc *ast.QueryDocument, op *ast.OperationDefinition) bool {
	if op == nil || op.Operation != ast.Query || len(op.Directives) > 0 {
		return false
	}
	return storeFreeSet(doc, op.SelectionSet, 0)
}

func storeFreeSet(doc *ast.QueryDocument, set ast.SelectionSet, depth int) bool {
	if depth > 10 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !onlySkipInclude(s.Directives) {
				return false
			}
			switch s.Name {
			case "__typename", "__schema", "__type":
			default:
				return false
			}
		case *ast.InlineFragment:
			if !onlySkipInclude(s.Directives) || !storeFreeSet(doc, s.SelectionSet, depth+1) {
				return false
			}
		case *ast.FragmentSpread:
			if doc == nil || !onlySkipInclude(s.Directives) {
				return false
			}
			f := doc.Fragments.ForName(s.Name)
			if f == nil || len(f.Directives) > 0 || !storeFreeSet(doc, f.SelectionSet, depth+1) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func onlySkipInclude(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			return false
		}
	}
	return true
}

// noStore marks the request's answer as not to be kept: it depends on
// what the store's version does not cover.
func noStore(ctx context.Context) {
	if s := answerSlotFrom(ctx); s != nil {
		s.mu.Lock()
		s.noStore = true
		s.mu.Unlock()
	}
}

// answerRequest is what the key of a request is made of.
type answerRequest struct {
	get                   bool
	graphQLResponse       bool
	query, operation      string
	variables, extensions string // canonical JSON, "" for none
}

// Handler answers the queries it holds from the cache and passes every
// other request to next, keeping the answers it may. It goes inside
// Authenticate (the caller is part of the key) and outside Conform (the
// bytes and headers kept are the ones sent).
func (c *AnswerCache) Handler(next http.Handler) http.Handler {
	if c == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		req, ok := answerable(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		parts := answerKeyParts(parley.PrincipalFrom(r.Context()), req)
		if e := c.getFree(parts); e != nil {
			// A store-free answer: no version to read.
			c.hits.Add(1)
			if c.metrics != nil {
				c.metrics.Request(e.name, string(ast.Query), time.Since(start), nil)
			}
			writeAnswer(w, r, e)
			return
		}
		v, err := c.store.Version(r.Context())
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		key := versionKey(parts, v)
		if e := c.get(v, key); e != nil {
			c.hits.Add(1)
			if c.metrics != nil {
				c.metrics.Request(e.name, string(ast.Query), time.Since(start), nil)
			}
			writeAnswer(w, r, e)
			return
		}
		c.misses.Add(1)
		op := req.operation + "\x00" + req.query
		if !c.isKnown(op) {
			a := c.compute(next, r, v, parts, key, op)
			a.write(w, r)
			return
		}
		leader := false
		res, _, _ := c.flight.Do(key, func() (any, error) {
			leader = true
			return c.compute(next, r, v, parts, key, op), nil
		})
		a := res.(*computed)
		if leader || a.entry != nil {
			a.write(w, r)
			return
		}
		// The one execution gave an answer not to keep: this request
		// runs its own.
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), answerSlotKey{}, &answerSlot{version: v})))
	})
}

// computed is the answer of one execution: kept (entry), or as recorded.
type computed struct {
	entry *answerEntry
	rec   *capture
}

func (a *computed) write(w http.ResponseWriter, r *http.Request) {
	if a.entry != nil {
		writeAnswer(w, r, a.entry)
		return
	}
	h := w.Header()
	for k, v := range a.rec.header {
		h[k] = v
	}
	w.WriteHeader(a.rec.status)
	w.Write(a.rec.body.Bytes())
}

// compute runs the request and keeps its answer if it may: under key (of
// version v), or under the key without a version (of parts) when the
// operation reads nothing from the store.
func (c *AnswerCache) compute(next http.Handler, r *http.Request, v int64, parts []byte, key, op string) *computed {
	slot := &answerSlot{version: v}
	rec := &capture{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), answerSlotKey{}, slot)))
	body := rec.body.Bytes()
	keep, free := slot.keep()
	if rec.status != http.StatusOK || !keep || !bytes.HasPrefix(body, []byte(`{"data":`)) {
		c.uncacheable.Add(1)
		return &computed{rec: rec}
	}
	if free {
		key = freeKey(parts)
	}
	sum := sha256.Sum256(body)
	e := &answerEntry{key: key, header: rec.header, body: body, name: slot.name, free: free,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
	e.size = int64(len(key)+len(body)) + answerEntryOverhead
	c.put(v, e, op)
	return &computed{entry: e}
}

// get returns the answer kept for key at version v, moving the cache to
// v first if v is newer than what it holds.
func (c *AnswerCache) get(v int64, key string) *answerEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(v)
	el, ok := c.entries[key]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(el)
	return el.Value.(*answerEntry)
}

// getFree returns the store-free answer kept under the key of parts.
func (c *AnswerCache) getFree(parts []byte) *answerEntry {
	if c.free.Load() == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[string(append(parts, keyFree))]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(el)
	return el.Value.(*answerEntry)
}

// sync drops every answer kept when v is newer than their version, but
// the store-free ones.
func (c *AnswerCache) sync(v int64) {
	if v <= c.version {
		return
	}
	c.version = v
	if c.free.Load() == 0 {
		c.dropped.Add(int64(len(c.entries)))
		clear(c.entries)
		c.lru.Init()
		c.bytes = 0
	} else {
		for el := c.lru.Front(); el != nil; {
			e, after := el.Value.(*answerEntry), el.Next()
			if !e.free {
				c.remove(el)
				c.dropped.Add(1)
			}
			el = after
		}
	}
	c.size.Store(c.bytes)
	c.count.Store(int64(len(c.entries)))
}

// remove takes the entry of el out of the cache.
func (c *AnswerCache) remove(el *list.Element) {
	e := el.Value.(*answerEntry)
	c.lru.Remove(el)
	delete(c.entries, e.key)
	c.bytes -= e.size
	if e.free {
		c.free.Add(-1)
	}
}

// put keeps e, read at version v, unless the cache has moved on or e is
// too large to keep (more than an eighth of the cache); the least
// recently used answers make room.
func (c *AnswerCache) put(v int64, e *answerEntry, op string) {
	if e.size > c.max/8 {
		c.uncacheable.Add(1)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(v)
	if v != c.version && !e.free {
		return
	}
	if _, ok := c.known[op]; !ok {
		if c.knownBytes+int64(len(op)) > maxKnownBytes {
			clear(c.known)
			c.knownBytes = 0
		}
		c.known[op] = struct{}{}
		c.knownBytes += int64(len(op))
	}
	if _, ok := c.entries[e.key]; ok {
		return
	}
	for c.bytes+e.size > c.max {
		c.remove(c.lru.Back())
		c.evicted.Add(1)
	}
	c.entries[e.key] = c.lru.PushFront(e)
	c.bytes += e.size
	if e.free {
		c.free.Add(1)
	}
	c.stored.Add(1)
	c.size.Store(c.bytes)
	c.count.Store(int64(len(c.entries)))
}

func (c *AnswerCache) isKnown(op string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.known[op]
	return ok
}

// writeAnswer sends a kept answer, as it was first sent; a GET answer
// carries an ETag, and a GET whose If-None-Match names it is answered 304
// Not Modified.
func writeAnswer(w http.ResponseWriter, r *http.Request, e *answerEntry) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusOK)
		w.Write(e.body)
		return
	}
	h["Etag"] = []string{e.etag}
	if etagMatch(r.Header.Get("If-None-Match"), e.etag) {
		delete(h, "Content-Length")
		delete(h, "Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(e.body)
}

// etagMatch reports whether an If-None-Match header names etag (or is
// "*"), weak comparison as RFC 9110 says for If-None-Match.
func etagMatch(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == etag || part == "*" {
			return true
		}
	}
	return false
}

// answerable reads what identifies a request's answer, and reports
// whether the request may be answered from the cache: a GET or a JSON POST
// that names a query by its text (a subscription's stream never). A POST's
// body is read here, and left decoded for the transport.
func answerable(r *http.Request) (answerRequest, bool) {
	var req answerRequest
	if Streaming(r) || r.Header.Get("Upgrade") != "" {
		return req, false
	}
	req.graphQLResponse = responseType(r) == typeGraphQLResponse
	switch r.Method {
	case http.MethodGet:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return req, false
		}
		req.get = true
		req.query, req.operation = q.Get("query"), q.Get("operationName")
		var ok bool
		if req.variables, ok = canonicalJSON(q.Get("variables")); !ok {
			return req, false
		}
		if req.extensions, ok = canonicalJSON(q.Get("extensions")); !ok {
			return req, false
		}
	case http.MethodPost:
		if !(postTransport{}).Supports(r) || r.Body == nil {
			return req, false
		}
		d, ok := r.Body.(*decodedBody)
		if !ok {
			body, err := readBody(r)
			if err != nil {
				r.Body = io.NopCloser(bytes.NewReader(body))
				return req, false
			}
			p, given, ok := fastParams(body)
			if !ok {
				r.Body = io.NopCloser(bytes.NewReader(body))
				return req, false
			}
			d = &decodedBody{params: p, given: given}
			d.Reset(body)
			r.Body = d
		}
		if d.given.more {
			return req, false
		}
		req.query, req.operation = d.params.Query, d.params.OperationName
		if req.variables, ok = canonicalMap(d.params.Variables); !ok {
			return req, false
		}
		if req.extensions, ok = canonicalMap(d.params.Extensions); !ok {
			return req, false
		}
	default:
		return req, false
	}
	return req, req.query != ""
}

// canonicalJSON gives the JSON object s in one spelling (keys sorted, no
// spaces; numbers as written): "" for none.
func canonicalJSON(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	var m map[string]any
	if err := decodeJSON(strings.NewReader(s), &m); err != nil {
		return "", false
	}
	return canonicalMap(m)
}

func canonicalMap(m map[string]any) (string, bool) {
	if len(m) == 0 {
		return "", true
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", false
	}
	return string(b), true
}

// The key of an answer is every part of what the answer's bytes depend on
// (answerKeyParts), then keyFree for an answer that reads nothing from the
// store, or keyVersion and the version the request read.
const (
	keyFree    = 'f'
	keyVersion = 'v'
)

// freeKey is the key of a store-free answer.
func freeKey(parts []byte) string { return string(append(parts, keyFree)) }

// versionKey is the key of an answer read at version v.
func versionKey(parts []byte, v int64) string {
	return string(binary.AppendVarint(append(parts, keyVersion), v))
}

// answerKeyParts is what an answer's key is made of but the version: every
// part of what the answer's bytes depend on, each part's length first,
// with room left for the rest of the key.
func answerKeyParts(p *parley.Principal, req answerRequest) []byte {
	n := 32 + len(req.query) + len(req.operation) + len(req.variables) + len(req.extensions)
	var name, role string
	if p != nil {
		name, role = p.Name, p.Role
		n += len(name) + len(role)
	}
	b := make([]byte, 0, n+6*binary.MaxVarintLen64)
	var flags byte
	if req.get {
		flags |= 1
	}
	if req.graphQLResponse {
		flags |= 2
	}
	if p != nil {
		flags |= 4
	}
	b = append(b, flags)
	for _, s := range []string{name, role, req.operation, req.variables, req.extensions, req.query} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// capture records a response.
type capture struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (c *capture) Header() http.Header         { return c.header }
func (c *capture) Write(b []byte) (int, error) { return c.body.Write(b) }
func (c *capture) WriteHeader(code int)        { c.status = code }
