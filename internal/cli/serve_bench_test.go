package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/sqlite"
)

// BenchmarkServeHTTP measures what serve's whole handler (logging, CORS
// off, the request limits, authentication, Conform, gqlgen with its
// extensions, metrics) costs a request, in process: the peer benchmark's
// cheapest requests, sent as its load generator sends them, on the
// built-in Berlin graph. net/http's own work (reading the request,
// buffering the answer) is not in it.
//
//	go test -tags sqlite_fts5 -run '^$' -bench ServeHTTP -benchmem ./internal/cli
func BenchmarkServeHTTP(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	logOut := newLogBuffer(io.Discard, 100*time.Millisecond)
	defer logOut.Close()
	var level slog.LevelVar // info: a line per request, as serve logs by default
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: &level}))
	if err := loadBerlinIfEmpty(ctx, db, logger); err != nil {
		b.Fatal(err)
	}
	m := metrics.New()
	m.Pool(db.SQL())
	observed := observedStore{store: db, m: m}
	h := serveHandler(serveConfig{
		store: db, observed: observed, metrics: m, metricsHandler: m.Handler(), logger: logger, requestLines: logOut,
		maxBody: 1 << 20, timeout: 30 * time.Second,
		maxSubConns: 10, maxSubsPerConn: 10,
	})
	// The same handler without metrics: no response interceptor, the
	// store not timed, no /metrics. What the metrics cost a request is
	// the difference (BENCHMARKS.md).
	bare := serveHandler(serveConfig{
		store: db, observed: db, logger: logger, requestLines: logOut,
		maxBody: 1 << 20, timeout: 30 * time.Second,
		maxSubConns: 10, maxSubsPerConn: 10,
	})
	// The same handler with the answer cache (serve's default): a
	// query asked again at the same version is a hit.
	cached := serveHandler(serveConfig{
		store: db, observed: observed, metrics: metrics.New(), metricsHandler: m.Handler(), logger: logger, requestLines: logOut,
		maxBody: 1 << 20, timeout: 30 * time.Second,
		maxSubConns: 10, maxSubsPerConn: 10, answerBytes: 64 << 20,
	})
	typename := `{"query":"{ __typename }"}`
	profile := `{"query":"{ node(id: \"ukraine\") { ... on Actor { name positions(first: 20) { edges { node { stance proposition { text positions(stance: OPPOSES, first: 10) { edges { node { holder { name } } } } } } } } } } }"}`
	point := `{"query":"{ node(id: \"pos-russia-demands-donbas\") { ... on Position { id stance speechAct summary redLine } } }"}`
	for _, q := range []struct {
		name, body, want string
		level            slog.Level
		bare, cached     bool
	}{
		{"typename", typename, `{"data":{"__typename":"Query"}}`, slog.LevelInfo, false, false},
		{"point", point, `{"data":{"node":{"id":"pos-russia-demands-donbas","stance":"SUPPORTS"`, slog.LevelInfo, false, false},
		// What the request line costs: --log-level warn logs none.
		{"typename-unlogged", typename, `{"data":{"__typename":"Query"}}`, slog.LevelWarn, false, false},
		// What the metrics cost.
		{"typename-nometrics", typename, `{"data":{"__typename":"Query"}}`, slog.LevelInfo, true, false},
		{"point-nometrics", point, `{"data":{"node":{"id":"pos-russia-demands-donbas","stance":"SUPPORTS"`, slog.LevelInfo, true, false},
		// The profile query (the busiest Berlin actor's), executed, and
		// answered from the answer cache; a point read from the cache.
		{"profile", profile, `{"data":{"node":{"name":"Ukraine"`, slog.LevelInfo, false, false},
		{"profile-cached", profile, `{"data":{"node":{"name":"Ukraine"`, slog.LevelInfo, false, true},
		{"point-cached", point, `{"data":{"node":{"id":"pos-russia-demands-donbas","stance":"SUPPORTS"`, slog.LevelInfo, false, true},
	} {
		level.Set(q.level)
		h := h
		if q.bare {
			h = bare
		}
		if q.cached {
			h = cached
		}
		b.Run(q.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:8080/query", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("User-Agent", "Go-http-client/1.1")
			req.RemoteAddr = "127.0.0.1:50000"
			req.ContentLength = int64(len(q.body))
			body := []byte(q.body)
			w := &benchWriter{header: http.Header{}}
			serve := func() {
				r := *req
				r.Body = io.NopCloser(bytes.NewReader(body))
				clear(w.header)
				w.body.Reset()
				w.status = 0
				h.ServeHTTP(w, &r)
			}
			serve()
			if w.status != http.StatusOK || !strings.HasPrefix(w.body.String(), q.want) {
				b.Fatalf("status %d, answer %s; want 200 and %s…", w.status, w.body.String(), q.want)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				serve()
			}
		})
	}
}

// benchWriter is a ResponseWriter that keeps the answer, reused from one
// request to the next.
type benchWriter struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (w *benchWriter) Header() http.Header { return w.header }
func (w *benchWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *benchWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(p)
}
