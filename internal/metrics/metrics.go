// Package metrics holds the server's Prometheus metrics: GraphQL requests
// by operation, their latency and errors, database statement time, the
// connection pool and open subscriptions, with Go's runtime and the
// process's own collectors. Each is measured once per request or per
// statement, never per field.
package metrics

import (
	"database/sql"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MaxOperationNames is how many distinct operation names are counted
// apart; the names after those are counted as "other" (the client chooses
// the names: the series they make must stay bounded).
const MaxOperationNames = 200

// maxNameLength is the longest operation name kept as a label.
const maxNameLength = 80

// Metrics is one server's set of metrics, in its own registry.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	db       *prometheus.HistogramVec
	batches  *prometheus.HistogramVec
	// Subscriptions counts the subscriptions open; SubscriptionConns
	// their connections (WebSocket and Server-Sent Events).
	Subscriptions     prometheus.Gauge
	SubscriptionConns prometheus.Gauge
	refusals          *prometheus.CounterVec

	mu    sync.Mutex
	names map[string]bool
	// observers are the series of each operation name, type and
	// outcome, looked up once: prometheus's own lookup hashes the label
	// values at every request.
	observers map[requestKey]requestObservers
}

type requestKey struct {
	name, opType string
	failed       bool
}

type requestObservers struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// New returns the metrics, registered with Go's runtime and process
// collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_graphql_requests_total",
			Help: "GraphQL operations answered, by operation name (\"\" if anonymous, \"other\" past the first 200 names), type (query, mutation, subscription, unknown if the document did not parse) and outcome (ok, or error if the answer holds any error).",
		}, []string{"operation", "type", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parley_graphql_request_duration_seconds",
			Help:    "Time from a GraphQL request's arrival to its answer, by operation type.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"type"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_graphql_errors_total",
			Help: "Errors in GraphQL answers, by extensions.code.",
		}, []string{"code"}),
		db: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parley_store_call_duration_seconds",
			Help:    "Time of the store's calls, by method (node, nodes, list, search, apply, update…): each is one transaction or one batch of statements on the database.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 5},
		}, []string{"method"}),
		batches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parley_loader_batch_size",
			Help:    "Keys in each batch the request loaders send to the store, by loader: nodes (ids not in the node cache, one store call) and lists (parents whose pages are not in the cache, one store call).",
			Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000},
		}, []string{"loader"}),
		Subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "parley_subscriptions_open",
			Help: "GraphQL subscriptions open.",
		}),
		SubscriptionConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "parley_subscription_connections_open",
			Help: "Subscription connections open (WebSocket and Server-Sent Events).",
		}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_subscriptions_refused_total",
			Help: "Subscription connections refused (TOO_MANY_CONNECTIONS), subscriptions refused (TOO_MANY_SUBSCRIPTIONS) and subscriptions dropped because their client did not take its changes (SLOW_CONSUMER), by code.",
		}, []string{"code"}),
		names:     map[string]bool{},
		observers: map[requestKey]requestObservers{},
	}
	m.reg.MustRegister(m.requests, m.latency, m.errors, m.db, m.batches, m.Subscriptions, m.SubscriptionConns, m.refusals,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry returns the registry, for more collectors and for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Request counts one answered operation: its name, type, how long it took
// and the codes of its errors.
func (m *Metrics) Request(name, opType string, d time.Duration, codes []string) {
	if m == nil {
		return
	}
	o := m.observersOf(name, opType, len(codes) > 0)
	o.count.Inc()
	o.latency.Observe(d.Seconds())
	for _, c := range codes {
		m.errors.WithLabelValues(c).Inc()
	}
}

// observersOf returns the series of an operation, made the first time.
func (m *Metrics) observersOf(name, opType string, failed bool) requestObservers {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := requestKey{m.name(name), opType, failed}
	o, ok := m.observers[key]
	if !ok {
		outcome := "ok"
		if failed {
			outcome = "error"
		}
		o = requestObservers{m.requests.WithLabelValues(key.name, opType, outcome), m.latency.WithLabelValues(opType)}
		m.observers[key] = o
	}
	return o
}

// name bounds the operation names used as labels; m.mu is held.
func (m *Metrics) name(n string) string {
	if len(n) > maxNameLength {
		return "other"
	}
	if m.names[n] {
		return n
	}
	if len(m.names) >= MaxOperationNames {
		return "other"
	}
	m.names[n] = true
	return n
}

// Statement records the time of one call of the store's method.
func (m *Metrics) Statement(method string, d time.Duration) {
	if m == nil {
		return
	}
	m.db.WithLabelValues(method).Observe(d.Seconds())
}

// Batch records the size of one batch a loader sent to the store.
func (m *Metrics) Batch(loader string, n int) {
	if m == nil {
		return
	}
	m.batches.WithLabelValues(loader).Observe(float64(n))
}

// PgxPool adds the gauges of Pool for a pgx pool (PostgreSQL), under the
// same names: connections open, in use (acquired) and idle, and the
// acquisitions that had to wait for a connection; and the pool's size.
func (m *Metrics) PgxPool(stat func() *pgxpool.Stat) {
	gauge := func(name, help string, f func(*pgxpool.Stat) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "parley_db_pool_" + name, Help: help}, func() float64 { return f(stat()) })
	}
	m.reg.MustRegister(
		gauge("open_connections", "Connections to the database open.", func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) }),
		gauge("in_use", "Connections to the database in use.", func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }),
		gauge("idle", "Connections to the database idle.", func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }),
		gauge("max_connections", "The most connections the pool opens.", func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "parley_db_pool_wait_total", Help: "Times a statement waited for a free connection."}, func() float64 { return float64(stat().EmptyAcquireCount()) }),
	)
}

// Pool adds gauges of a database/sql pool: connections open, in use and
// idle, and the waits for one.
func (m *Metrics) Pool(db *sql.DB) {
	stat := func(name, help string, f func(sql.DBStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "parley_db_pool_" + name, Help: help}, func() float64 { return f(db.Stats()) })
	}
	m.reg.MustRegister(
		stat("open_connections", "Connections to the database open.", func(s sql.DBStats) float64 { return float64(s.OpenConnections) }),
		stat("in_use", "Connections to the database in use.", func(s sql.DBStats) float64 { return float64(s.InUse) }),
		stat("idle", "Connections to the database idle.", func(s sql.DBStats) float64 { return float64(s.Idle) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "parley_db_pool_wait_total", Help: "Times a statement waited for a free connection."}, func() float64 { return float64(db.Stats().WaitCount) }),
	)
}

// SubscriptionOpened and SubscriptionClosed count the subscriptions open.
func (m *Metrics) SubscriptionOpened() {
	if m != nil {
		m.Subscriptions.Inc()
	}
}

// SubscriptionClosed: see SubscriptionOpened.
func (m *Metrics) SubscriptionClosed() {
	if m != nil {
		m.Subscriptions.Dec()
	}
}

// SubscriptionConnOpened and SubscriptionConnClosed count the
// subscription connections open.
func (m *Metrics) SubscriptionConnOpened() {
	if m != nil {
		m.SubscriptionConns.Inc()
	}
}

// SubscriptionConnClosed: see SubscriptionConnOpened.
func (m *Metrics) SubscriptionConnClosed() {
	if m != nil {
		m.SubscriptionConns.Dec()
	}
}

// SubscriptionRefused counts a connection or subscription refused, or a
// subscription dropped, by its code.
func (m *Metrics) SubscriptionRefused(code string) {
	if m != nil {
		m.refusals.WithLabelValues(code).Inc()
	}
}

// AnswerCacheStats are the answer cache's counters (graph.AnswerCache).
type AnswerCacheStats struct {
	Hits, Misses, Stored, Evicted, Dropped, Uncacheable int64
	Bytes, Entries, MaxBytes                            int64
}

// AnswerCache exports the answer cache's counters, read from stats at
// each scrape.
func (m *Metrics) AnswerCache(stats func() AnswerCacheStats) {
	counter := func(name, help string, f func(AnswerCacheStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "parley_answer_cache_" + name, Help: help}, func() float64 { return float64(f(stats())) })
	}
	gauge := func(name, help string, f func(AnswerCacheStats) int64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "parley_answer_cache_" + name, Help: help}, func() float64 { return float64(f(stats())) })
	}
	m.reg.MustRegister(
		counter("hits_total", "Queries answered from the answer cache, without execution.", func(s AnswerCacheStats) int64 { return s.Hits }),
		counter("misses_total", "Requests the answer cache could have answered but did not hold (executed, or waiting for an identical request's execution).", func(s AnswerCacheStats) int64 { return s.Misses }),
		counter("stored_total", "Answers kept by the answer cache.", func(s AnswerCacheStats) int64 { return s.Stored }),
		counter("evictions_total", "Answers the answer cache dropped to make room (least recently used first).", func(s AnswerCacheStats) int64 { return s.Evicted }),
		counter("invalidated_total", "Answers the answer cache dropped because the graph's version moved (a write, in any process sharing the database).", func(s AnswerCacheStats) int64 { return s.Dropped }),
		counter("uncacheable_total", "Executed requests whose answer was not kept: a mutation, an error, a read the version does not cover, or too large.", func(s AnswerCacheStats) int64 { return s.Uncacheable }),
		gauge("bytes", "Bytes the answers kept count for (key, body and a fixed overhead each).", func(s AnswerCacheStats) int64 { return s.Bytes }),
		gauge("entries", "Answers kept.", func(s AnswerCacheStats) int64 { return s.Entries }),
		gauge("max_bytes", "The answer cache's bound in bytes (--answer-cache-mb).", func(s AnswerCacheStats) int64 { return s.MaxBytes }),
	)
}
