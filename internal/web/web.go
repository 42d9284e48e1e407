// Package web is Parley's HTTP surface: the GraphQL endpoint, the
// playground and its assets (embedded, so it works with no internet
// access), health checks and request logging.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/cors"

	"github.com/parley-graph/parley/internal/parley"
)

//go:embed assets
var assets embed.FS

// Config says what the handler serves.
type Config struct {
	// GraphQL serves /query.
	GraphQL http.Handler
	// Ready reports whether the service can answer (the database is
	// reachable and can take writes); /readyz calls it. A *parley.Error
	// with a STORAGE_* code names the fault in /readyz's answer.
	Ready func(context.Context) error
	// Logger receives one line per request.
	Logger *slog.Logger
	// MaxBodyBytes caps a request body; 0 means 1 MiB.
	MaxBodyBytes int64
	// Timeout bounds one GraphQL request; 0 means 30 s.
	Timeout time.Duration
	// CORSOrigins lists the origins whose pages may call /query from a
	// browser ("*" for any). Empty: no cross-origin access.
	CORSOrigins []string
	// Metrics, when set, is served at GET /metrics.
	Metrics http.Handler
	// MaxInFlight bounds the GraphQL requests that run at once
	// (subscriptions aside); the others wait their turn, within their
	// time limit. 0 means four per CPU Go may use (GOMAXPROCS).
	MaxInFlight int
	// RequestLines, when set, is the writer under Logger, whose handler
	// is a slog.TextHandler with no options but the level: the request
	// lines are then written to it directly, the bytes the handler would
	// write, at a fraction of its cost (see logRequests).
	RequestLines io.Writer
}

// NewHandler returns the HTTP handler of Parley's server.
func NewHandler(c Config) http.Handler {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, static, "index.html")
	})
	mux.HandleFunc("GET /explore", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, static, "explore/explore.html")
	})
	// Browsers ask for /favicon.ico whatever the page says; both get the SVG.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "max-age=86400")
		http.ServeFileFS(w, r, static, "favicon.svg")
	})
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	if c.MaxInFlight == 0 {
		c.MaxInFlight = 4 * runtime.GOMAXPROCS(0)
	}
	var query http.Handler = limit(c.MaxBodyBytes, c.Timeout, make(chan struct{}, c.MaxInFlight), c.GraphQL)
	if len(c.CORSOrigins) > 0 {
		query = cors.New(cors.Options{
			AllowedOrigins: c.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
			AllowedHeaders: []string{"Content-Type", "Accept", "Authorization"},
			MaxAge:         600,
		}).Handler(query)
	}
	mux.Handle("/query", query)
	if c.Metrics != nil {
		mux.Handle("GET /metrics", c.Metrics)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if c.Ready != nil {
			if err := c.Ready(r.Context()); err != nil {
				c.Logger.WarnContext(r.Context(), "not ready", "error", err)
				w.WriteHeader(http.StatusServiceUnavailable)
				// A fault of the storage is named by its code and said
				// plainly; anything else is the database not answering.
				var pe *parley.Error
				if errors.As(err, &pe) && parley.IsStorageFault(pe.Code) {
					fmt.Fprintf(w, "not ready: %s: %s\n", pe.Code, pe.Message)
				} else {
					w.Write([]byte("not ready: database unreachable\n"))
				}
				return
			}
		}
		w.Write([]byte("ready\n"))
	})
	return logRequests(c.Logger, c.RequestLines, mux)
}

// limit caps the body size and the time of a request, and how many run at
// once (turns holds a token for each running request). A body too large
// is refused with 413 and a GraphQL-shaped error: at once when its length
// is announced, after reading up to the limit when it is not (a chunked
// body), so that the handler never sees a cut body.
//
// Requests past the bound wait, taking no CPU, for a running one to end:
// with every request running at once, a burst of heavy ones left dozens of
// goroutines sharing the cores, and a health check or a cheap query queued
// behind all of them (/healthz took up to 1.7 s at 1M assertions under
// sixteen clients' paths and searches). A request still waiting at its
// time limit is answered 503, code TIMEOUT, without running.
func limit(maxBytes int64, timeout time.Duration, turns chan struct{}, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBytes {
			tooLarge(w, maxBytes)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
		if r.ContentLength < 0 && r.Body != nil {
			body, err := io.ReadAll(r.Body)
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				tooLarge(w, maxBytes)
				return
			}
			if err != nil {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"errors":[{"message":"the request body could not be read","extensions":{"code":"BAD_REQUEST"}}]}`)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if streaming(r) {
			// A subscription lives as long as its client: no request time
			// limit, and no read or write deadline of the server's.
			rc := http.NewResponseController(w)
			rc.SetReadDeadline(time.Time{})
			rc.SetWriteDeadline(time.Time{})
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		select {
		case turns <- struct{}{}:
			defer func() { <-turns }()
		case <-ctx.Done():
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"errors":[{"message":"the server is busy: the request waited its whole time limit (%s) for its turn","extensions":{"code":"TIMEOUT"}}]}`, timeout)
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func tooLarge(w http.ResponseWriter, maxBytes int64) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Connection", "close")
	w.WriteHeader(http.StatusRequestEntityTooLarge)
	fmt.Fprintf(w, `{"errors":[{"message":"the request body is larger than the server's limit of %d bytes (parley serve --max-body-mb)","extensions":{"code":"BAD_REQUEST"}}]}`, maxBytes)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

// Unwrap lets http.ResponseController and the websocket upgrade reach the
// connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes Server-Sent Events on at once.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// logRequests writes one structured line per request. It hands the
// handler a record with typed attributes and no caller (the logger would
// look up the caller's frame for every line, which no handler here
// prints): a third less of the line's cost, when a cheap request's line
// cost about 8% of the server's CPU.
//
// With lines (the text handler's writer), a line whose method and path
// need no quoting is formatted here, byte for byte as the text handler
// formats it (TestRequestLineAsSlog), and written at once: the handler's
// generic walk over the record's attributes cost about 8% of a cheap
// request's CPU in the server's handler, this a quarter of that.
func logRequests(logger *slog.Logger, lines io.Writer, next http.Handler) http.Handler {
	h := logger.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		ctx := r.Context()
		if !h.Enabled(ctx, slog.LevelInfo) {
			return
		}
		end := time.Now()
		ms := float64(end.Sub(start).Microseconds()) / 1000
		if lines != nil && plainText(r.Method) && plainText(r.URL.Path) {
			bp := lineBuffers.Get().(*[]byte)
			*bp = appendRequestLine((*bp)[:0], end, r.Method, r.URL.Path, sw.status, sw.bytes, ms)
			lines.Write(*bp)
			lineBuffers.Put(bp)
			return
		}
		rec := slog.NewRecord(end, slog.LevelInfo, "request", 0)
		rec.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes), slog.Float64("duration_ms", ms))
		h.Handle(ctx, rec)
	})
}

var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// appendRequestLine appends the line slog.TextHandler writes for the
// request record of logRequests, for a method and path that need no
// quoting (plainText).
func appendRequestLine(b []byte, t time.Time, method, path string, status, size int, ms float64) []byte {
	b = append(b, "time="...)
	// slog's appendRFC3339Millis: RFC 3339 with exactly three decimals.
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Round(0).Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	b = append(b[:n+prefixLen], b[n+prefixLen+1:]...)
	b = append(b, " level=INFO msg=request method="...)
	b = append(b, method...)
	b = append(b, " path="...)
	b = append(b, path...)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, " bytes="...)
	b = strconv.AppendInt(b, int64(size), 10)
	b = append(b, " duration_ms="...)
	b = strconv.AppendFloat(b, ms, 'g', -1, 64)
	return append(b, '\n')
}

// plainText reports whether slog's text handler writes s as it is: not
// empty, and only letters, digits and a few marks that need no quoting.
// (The handler quotes less than this refuses; the rest goes through it.)
func plainText(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '/', c == '-', c == '_', c == '.', c == '~', c == ':', c == '@', c == '+', c == ',', c == ';', c == '!', c == '*', c == '(', c == ')', c == '\'', c == '%':
		default:
			return false
		}
	}
	return true
}

// streaming reports whether r asks for a subscription's stream (a
// websocket upgrade, or Server-Sent Events).
func streaming(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket") ||
		(r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream"))
}
