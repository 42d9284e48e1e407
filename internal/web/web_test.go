package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// echo stands in for the GraphQL handler: it reads the body and reports
// its length, or the error reading it.
var echo = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	if r.URL.Query().Get("slow") != "" {
		select {
		case <-r.Context().Done():
			http.Error(w, "timed out", http.StatusGatewayTimeout)
			return
		case <-time.After(5 * time.Second):
		}
	}
	w.Write([]byte(strings.Repeat("x", len(b))))
})

func do(h http.Handler, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestCORS(t *testing.T) {
	h := NewHandler(Config{GraphQL: echo, Logger: quiet(), CORSOrigins: []string{"https://analyst.example"}})
	w := do(h, http.MethodOptions, "/query", "", map[string]string{
		"Origin": "https://analyst.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://analyst.example" {
		t.Errorf("preflight from an allowed origin: Allow-Origin %q (status %d)", got, w.Code)
	}
	w = do(h, http.MethodPost, "/query", "{}", map[string]string{"Origin": "https://analyst.example"})
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://analyst.example" || w.Body.String() != "xx" {
		t.Errorf("POST from an allowed origin: Allow-Origin %q, body %q", got, w.Body.String())
	}
	w = do(h, http.MethodPost, "/query", "{}", map[string]string{"Origin": "https://elsewhere.example"})
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("POST from another origin: Allow-Origin %q, want none", got)
	}
	// Without an allow-list, no cross-origin access at all.
	h = NewHandler(Config{GraphQL: echo, Logger: quiet()})
	w = do(h, http.MethodPost, "/query", "{}", map[string]string{"Origin": "https://analyst.example"})
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("no allow-list: Allow-Origin %q, want none", got)
	}
}

func TestLimits(t *testing.T) {
	h := NewHandler(Config{GraphQL: echo, Logger: quiet(), MaxBodyBytes: 10, Timeout: 50 * time.Millisecond})
	if w := do(h, http.MethodPost, "/query", "0123456789", nil); w.Code != 200 || w.Body.Len() != 10 {
		t.Errorf("body at the limit: %d %q", w.Code, w.Body.String())
	}
	if w := do(h, http.MethodPost, "/query", "0123456789A", nil); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: %d, want 413", w.Code)
	}
	// A chunked body announces no length: it is read up to the limit,
	// and refused with 413 too, not handed on cut.
	for _, body := range []string{"0123456789", "0123456789A"} {
		req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		req.ContentLength = -1
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch {
		case len(body) <= 10 && (w.Code != 200 || w.Body.Len() != 10):
			t.Errorf("chunked body at the limit: %d %q", w.Code, w.Body.String())
		case len(body) > 10 && (w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), `"code":"BAD_REQUEST"`)):
			t.Errorf("chunked body over the limit: %d %q, want 413 with a code", w.Code, w.Body.String())
		}
	}
	start := time.Now()
	if w := do(h, http.MethodPost, "/query?slow=1", "", nil); w.Code != http.StatusGatewayTimeout || time.Since(start) > 2*time.Second {
		t.Errorf("slow request: %d after %v, want the context cancelled after the timeout", w.Code, time.Since(start))
	}
}

func TestHealthAndPlayground(t *testing.T) {
	var logs bytes.Buffer
	ready := errors.New("database is locked")
	h := NewHandler(Config{GraphQL: echo, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Ready: func(context.Context) error { return ready }})
	if w := do(h, http.MethodGet, "/healthz", "", nil); w.Code != 200 {
		t.Errorf("/healthz = %d", w.Code)
	}
	if w := do(h, http.MethodGet, "/readyz", "", nil); w.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database unreachable = %d, want 503", w.Code)
	}
	ready = nil
	if w := do(h, http.MethodGet, "/readyz", "", nil); w.Code != 200 {
		t.Errorf("/readyz = %d", w.Code)
	}
	w := do(h, http.MethodGet, "/", "", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "/assets/graphiql/graphiql.min.js") {
		t.Errorf("/ = %d", w.Code)
	}
	if w := do(h, http.MethodGet, "/nothing", "", nil); w.Code != 404 {
		t.Errorf("/nothing = %d, want 404", w.Code)
	}
	if !strings.Contains(logs.String(), "msg=request method=GET path=/readyz status=503") {
		t.Errorf("request log:\n%s", logs.String())
	}
}

func TestExplorerServed(t *testing.T) {
	h := NewHandler(Config{GraphQL: echo, Logger: quiet()})
	w := do(h, http.MethodGet, "/explore", "", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `src="/assets/explore/explore.js"`) {
		t.Fatalf("/explore = %d", w.Code)
	}
	if strings.Contains(w.Body.String(), "http://") || strings.Contains(w.Body.String(), "https://") {
		t.Error("the explorer page loads something from another host")
	}
	for _, p := range []string{"/assets/explore/explore.js", "/assets/explore/explore.css", "/assets/explore/vendor/cytoscape.esm.min.mjs",
		"/assets/explore/vendor/LICENSE.cytoscape", "/assets/explore/queries/Issue.graphql", "/assets/explore/queries/Search.graphql"} {
		w := do(h, http.MethodGet, p, "", nil)
		if w.Code != 200 || w.Body.Len() < 100 {
			t.Errorf("%s = %d, %d bytes", p, w.Code, w.Body.Len())
		}
		if strings.HasSuffix(p, ".mjs") || strings.HasSuffix(p, ".js") {
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
				t.Errorf("%s served as %q; module scripts need text/javascript", p, ct)
			}
		}
	}
}

// TestFavicon checks the pages name an icon and /favicon.ico, which
// browsers ask for anyway, serves it.
func TestFavicon(t *testing.T) {
	h := NewHandler(Config{GraphQL: echo, Logger: quiet()})
	for _, path := range []string{"/favicon.ico", "/assets/favicon.svg"} {
		w := do(h, http.MethodGet, path, "", nil)
		if w.Code != 200 || w.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(w.Body.String(), "<svg") {
			t.Errorf("%s = %d %s %.40q", path, w.Code, w.Header().Get("Content-Type"), w.Body.String())
		}
	}
	for _, page := range []string{"/", "/explore"} {
		if w := do(h, http.MethodGet, page, "", nil); !strings.Contains(w.Body.String(), `<link rel="icon" href="/assets/favicon.svg"`) {
			t.Errorf("%s names no icon", page)
		}
	}
}

// TestInFlightBound: past MaxInFlight, a GraphQL request waits (without
// running) for a running one to end, while /healthz answers at once; one
// still waiting at its time limit is answered 503 TIMEOUT and never runs;
// subscriptions are not held back.
func TestInFlightBound(t *testing.T) {
	entered := make(chan string, 10)
	release := make(chan struct{})
	gql := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.URL.Query().Get("n")
		<-release
		w.Write([]byte("ran " + r.URL.Query().Get("n")))
	})
	h := NewHandler(Config{GraphQL: gql, Logger: quiet(), MaxInFlight: 1, Timeout: time.Hour})
	results := make(chan string, 10)
	send := func(n string) {
		go func() {
			w := do(h, http.MethodPost, "/query?n="+n, "{}", nil)
			results <- w.Body.String()
		}()
	}
	send("1")
	if got := <-entered; got != "1" {
		t.Fatalf("entered %q first", got)
	}
	send("2")
	// Request 2 waits for its turn; health answers meanwhile.
	if w := do(h, http.MethodGet, "/healthz", "", nil); w.Code != 200 || w.Body.String() != "ok\n" {
		t.Errorf("/healthz while the bound is reached: %d %q", w.Code, w.Body.String())
	}
	select {
	case n := <-entered:
		t.Fatalf("request %s ran past the bound of one", n)
	case <-time.After(50 * time.Millisecond):
	}
	release <- struct{}{} // 1 ends
	if got := <-results; got != "ran 1" {
		t.Errorf("first answer %q", got)
	}
	if got := <-entered; got != "2" {
		t.Fatalf("entered %q second", got)
	}
	// A subscription's stream is not held back by the bound.
	sub := make(chan int, 1)
	go func() {
		w := do(h, http.MethodPost, "/query?n=sub", "{}", map[string]string{"Accept": "text/event-stream"})
		sub <- w.Code
	}()
	if got := <-entered; got != "sub" {
		t.Fatalf("entered %q, want the subscription", got)
	}
	release <- struct{}{}
	release <- struct{}{}
	<-results
	<-sub

	// Waiting past the time limit: 503, TIMEOUT, the handler never runs.
	short := NewHandler(Config{GraphQL: gql, Logger: quiet(), MaxInFlight: 1, Timeout: 100 * time.Millisecond})
	go func() { do(short, http.MethodPost, "/query?n=long", "{}", nil) }()
	if got := <-entered; got != "long" {
		t.Fatalf("entered %q", got)
	}
	w := do(short, http.MethodPost, "/query?n=late", "{}", nil)
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), `"code":"TIMEOUT"`) || !strings.Contains(w.Body.String(), "busy") {
		t.Errorf("a request past its time limit in the queue: %d %s", w.Code, w.Body.String())
	}
	release <- struct{}{}
	select {
	case n := <-entered:
		t.Errorf("request %s ran after it was answered 503", n)
	case <-time.After(50 * time.Millisecond):
	}
}

// TestRequestLineAsSlog checks the request lines logRequests writes
// itself: the same bytes as slog's text handler for the same record, and
// through the handler for what it does not write itself.
func TestRequestLineAsSlog(t *testing.T) {
	times := []time.Time{
		time.Date(2026, 12, 1, 3, 4, 5, 0, time.UTC),
		time.Date(2026, 12, 1, 3, 4, 5, 999_999_999, time.UTC),
		time.Date(2026, 1, 2, 23, 59, 59, 120_500_000, time.FixedZone("X", 5*3600+1800)),
		time.Now(),
	}
	for _, tm := range times {
		for _, ms := range []float64{0, 0.001, 0.123, 1, 12.5, 1234.567, 1e21, 123456789.125} {
			for _, path := range []string{"/query", "/", "/assets/explore/app.js", "/a-b_c.d~e:f@g+h,i;j!k*l(m)n'o%20p"} {
				want := slogLine(tm, "POST", path, 200, 31, ms)
				got := string(appendRequestLine(nil, tm, "POST", path, 200, 31, ms))
				if !plainText(path) {
					t.Errorf("plainText(%q) = false", path)
				}
				if got != want {
					t.Errorf("line:\n got %q\nwant %q", got, want)
				}
			}
		}
	}

	// Through the whole handler: a plain path, and paths the text
	// handler quotes, both as it writes them.
	var lines bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&lines, nil))
	h := NewHandler(Config{GraphQL: echo, Logger: logger, RequestLines: &lines})
	line := regexp.MustCompile(`^time=\S+ level=INFO msg=request method=(\S+) path=("[^"]*"|\S+) status=(\d+) bytes=(\d+) duration_ms=\S+$`)
	for _, tt := range []struct{ path, logged string }{
		{"/query", "/query"},
		{"/query%20x", `"/query x"`},
		{"/h%C3%A9", "/hé"},
		{"/a=b", `"/a=b"`},
	} {
		lines.Reset()
		do(h, http.MethodPost, tt.path, "{}", map[string]string{"Content-Type": "application/json"})
		m := line.FindStringSubmatch(strings.TrimSuffix(lines.String(), "\n"))
		if m == nil || m[1] != "POST" || m[2] != tt.logged || strings.Count(lines.String(), "\n") != 1 {
			t.Errorf("%s: logged %q, want one line with path=%s", tt.path, lines.String(), tt.logged)
		}
	}
	// Below the level, nothing.
	lines.Reset()
	quietLogger := slog.New(slog.NewTextHandler(&lines, &slog.HandlerOptions{Level: slog.LevelWarn}))
	do(NewHandler(Config{GraphQL: echo, Logger: quietLogger, RequestLines: &lines}), http.MethodPost, "/query", "{}", nil)
	if lines.Len() != 0 {
		t.Errorf("at level warn: logged %q", lines.String())
	}
}

// slogLine is the line slog's text handler writes for logRequests's record.
func slogLine(tm time.Time, method, path string, status, size int, ms float64) string {
	var b bytes.Buffer
	rec := slog.NewRecord(tm, slog.LevelInfo, "request", 0)
	rec.AddAttrs(slog.String("method", method), slog.String("path", path), slog.Int("status", status),
		slog.Int("bytes", size), slog.Float64("duration_ms", ms))
	slog.NewTextHandler(&b, nil).Handle(context.Background(), rec)
	return b.String()
}
