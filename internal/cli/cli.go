// Package cli is the parley command: its subcommands, their flags, and the
// wiring of store, API and HTTP server for serve.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"os/user"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/buildtag"
	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/web"
)

const usage = `parley: a knowledge graph of who says, wants and promises what in a negotiation.

Usage:
  parley [serve] [--db PATH] [--addr ADDR]     serve GraphQL at /query, the playground at /
  parley validate FILE...                      check data files without a database
  parley import --db PATH FILE...              import data files, all or nothing
  parley export --db PATH [--format yaml|json] write the whole graph to standard output
  parley backup --db PATH OUT                  copy the database to OUT, safely while serve runs
  parley copy --from DB --to DB                move a whole graph between databases (file or postgres:// URL)
  parley coverage --db PATH [--source ID]      list each source's sentences that no evidence cites
  parley schema                                print the GraphQL schema (SDL)
  parley gen --actors N --statements M [--seed S] [--format yaml|json] [--db PATH]
                                               make a synthetic graph: to stdout, or imported into PATH
  parley token create --db PATH --name NAME --role reader|editor|admin
  parley token list --db PATH
  parley token revoke --db PATH --name NAME

Run 'parley COMMAND -h' for a command's flags.
`

// App holds what a command needs from its surroundings, so tests can run
// commands in-process.
type App struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, if set, is called by serve with the address it listens on.
	Ready func(addr string)
	// SideReady, if set, is called by serve with the address of each side
	// endpoint ("metrics", "debug") it listens on.
	SideReady func(what, addr string)
}

// Main runs the parley command with the arguments (without the program
// name) and returns the exit status.
func Main(ctx context.Context, args []string) int {
	app := &App{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	return app.Run(ctx, args)
}

// Run runs one command and returns its exit status: 0 on success, 1 when
// the input or the command failed, 2 for a usage error.
func (a *App) Run(ctx context.Context, args []string) int {
	if !buildtag.FTS5 {
		fmt.Fprintln(a.Stderr, buildtag.Missing)
		return 1
	}
	cmd := "serve"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		cmd, args = "help", args[1:]
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") && cmd == "serve" {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = a.serve(ctx, args)
	case "validate":
		err = a.validate(args)
	case "import":
		err = a.importFiles(ctx, args)
	case "export":
		err = a.export(ctx, args)
	case "backup":
		err = a.backup(ctx, args)
	case "copy":
		err = a.copyGraph(ctx, args)
	case "coverage":
		err = a.coverage(ctx, args)
	case "schema":
		err = a.schema(args)
	case "token":
		err = a.token(ctx, args)
	case "gen":
		err = a.gen(ctx, args)
	case "help", "-h", "--help":
		fmt.Fprint(a.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(a.Stderr, "parley: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errReported):
		return 1
	}
	fmt.Fprintf(a.Stderr, "parley %s: %v\n", cmd, err)
	return 1
}

var (
	errUsage    = errors.New("usage")
	errReported = errors.New("reported")
)

func (a *App) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	return fs
}

func (a *App) env(key, def string) string {
	if v := a.Getenv(key); v != "" {
		return v
	}
	return def
}

func (a *App) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// report prints problems one a line, as FILE:LINE: message.
func (a *App) report(err error, files []*dataset.File) error {
	var de *parley.Error
	if !errors.As(err, &de) || len(de.Problems) == 0 {
		return err
	}
	dataset.Locate(de.Problems, files)
	for _, p := range de.Problems {
		fmt.Fprintln(a.Stderr, p.String())
	}
	return errReported
}

// openFiles opens every file, reporting all that cannot be read; failed
// says whether there were any.
func (a *App) openFiles(names []string) (files []*dataset.File, failed bool, err error) {
	for _, name := range names {
		f, err := dataset.Open(name)
		if err != nil {
			if a.report(err, nil) != errReported {
				return nil, true, err
			}
			failed = true
			continue
		}
		files = append(files, f)
	}
	return files, failed, nil
}

// scanFiles reads the files an entry at a time, calling yield with each,
// and returns what reading found wrong without stopping (unknown fields,
// values of the wrong type…). A file that cannot be parsed stops it.
func scanFiles(files []*dataset.File, yield func(parley.Item) error) ([]parley.Problem, error) {
	var problems []parley.Problem
	for _, f := range files {
		if err := f.Scan(yield); err != nil {
			return nil, err
		}
		problems = append(problems, f.Problems...)
	}
	return problems, nil
}

// validate checks files without a database. It reads them an entry at a
// time, and reports every problem at once: those of reading, then those of
// the checks.
func (a *App) validate(args []string) error {
	fs := a.flags("validate")
	fs.Usage = func() { fmt.Fprintln(a.Stderr, "usage: parley validate FILE...") }
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	files, failed, err := a.openFiles(fs.Args())
	if err != nil {
		return err
	}
	checker := parley.NewChecker(nil)
	counts := map[string]map[string]int{}
	var readProblems []parley.Problem
	for _, f := range files {
		err := f.Scan(func(it parley.Item) error {
			if it.Path != "defaultSource" {
				if counts[it.File] == nil {
					counts[it.File] = map[string]int{}
				}
				section, _, _ := strings.Cut(it.Path, "[")
				counts[it.File][section]++
			}
			checker.Declare(it)
			checker.Check(it)
			return nil
		})
		if err != nil {
			if a.report(err, files) != errReported {
				return err
			}
			failed = true
			continue
		}
		readProblems = append(readProblems, f.Problems...)
	}
	if failed {
		// Without a whole file, the checks would report what it holds as
		// missing; what could not be read is reported, with what reading
		// the others found.
		for _, p := range readProblems {
			fmt.Fprintln(a.Stderr, p.String())
		}
		return errReported
	}
	checker.Finish()
	problems := checker.Problems()
	dataset.Locate(problems, files)
	if problems = append(readProblems, problems...); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(a.Stderr, p.String())
		}
		return errReported
	}
	for _, f := range files {
		fmt.Fprintf(a.Stdout, "%s: ok, %s\n", f.Name, summary(counts[f.Name]))
	}
	return nil
}

// summary says how many nodes a file has in each section.
func summary(counts map[string]int) string {
	var parts []string
	for k, v := range counts {
		if v > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", v, k))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "empty"
	}
	return strings.Join(parts, ", ")
}

func (a *App) dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", a.env("PARLEY_DB", ""), "database: a SQLite file `path`, or a postgres:// URL (env PARLEY_DB)")
}

func (a *App) importFiles(ctx context.Context, args []string) error {
	fs := a.flags("import")
	db := a.dbFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(a.Stderr, "usage: parley import --db PATH FILE...")
		fs.PrintDefaults()
	}
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *db == "" || fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	files, failed, err := a.openFiles(fs.Args())
	if err != nil || failed {
		if err == nil {
			err = errReported
		}
		return err
	}
	// The files are read as they are imported, an entry at a time, so that
	// a large one is never held whole.
	read := func(yield func(parley.Item) error) ([]parley.Problem, error) {
		return scanFiles(files, yield)
	}
	res, err := a.importInto(parley.WithAuthor(ctx, cliAuthor()), *db, read)
	if err != nil {
		return a.report(err, files)
	}
	fmt.Fprintf(a.Stdout, "imported into %s: %d created, %d updated, %d unchanged\n", *db, res.Created, res.Updated, res.Unchanged)
	return nil
}

func (a *App) export(ctx context.Context, args []string) error {
	fs := a.flags("export")
	db := a.dbFlag(fs)
	format := fs.String("format", "yaml", "output `format`: yaml or json")
	fs.Usage = func() {
		fmt.Fprintln(a.Stderr, "usage: parley export --db PATH [--format yaml|json]")
		fs.PrintDefaults()
	}
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *db == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if *format != "yaml" && *format != "json" {
		fmt.Fprintf(a.Stderr, "parley export: unknown format %q: use yaml or json\n", *format)
		return errUsage
	}
	store, err := a.openStore(ctx, *db, true)
	if err != nil {
		return err
	}
	defer store.Close()
	ds, err := store.Export(ctx)
	if err != nil {
		return err
	}
	// Written an entry at a time, never held whole a second time.
	return dataset.Encode(a.Stdout, ds, dataset.Format(*format))
}

// coverage lists, for each source (or the one given), the sentences that
// no evidence cites and those the data leaves out on purpose.
func (a *App) coverage(ctx context.Context, args []string) error {
	fs := a.flags("coverage")
	db := a.dbFlag(fs)
	source := fs.String("source", "", "only this source (its `id`)")
	fs.Usage = func() {
		fmt.Fprintln(a.Stderr, "usage: parley coverage --db PATH [--source ID]")
		fs.PrintDefaults()
	}
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *db == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	store, err := a.openStore(ctx, *db, true)
	if err != nil {
		return err
	}
	defer store.Close()
	ids := []string{*source}
	if *source == "" {
		ids = nil
		res, err := store.List(ctx, parley.ListRequest{Of: parley.TypeSource, First: parley.MaxListLength})
		if err != nil {
			return err
		}
		for _, s := range res.Items[""] {
			ids = append(ids, s.(*parley.Source).ID)
		}
	}
	for _, id := range ids {
		c, err := store.Coverage(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "%s: %d sentences, %d cited, %d left out, %d uncovered\n", id, c.Sentences, c.Covered, len(c.LeftOut), len(c.Uncovered))
		for _, l := range c.LeftOut {
			fmt.Fprintf(a.Stdout, "  left out %d..%d %q: %s\n", *l.Start, *l.End, l.Quote, l.Reason)
		}
		for _, u := range c.Uncovered {
			fmt.Fprintf(a.Stdout, "  uncovered %d..%d %q\n", u.Start, u.End, u.Text)
		}
	}
	return nil
}

func (a *App) serve(ctx context.Context, args []string) error {
	fs := a.flags("serve")
	db := fs.String("db", a.env("PARLEY_DB", "parley.db"), "database: a SQLite file `path`, created if absent, or a postgres:// URL (env PARLEY_DB)")
	addr := fs.String("addr", a.env("PARLEY_ADDR", ":8080"), "`address` to listen on (env PARLEY_ADDR)")
	maxBody := fs.Int("max-body-mb", envInt(a.env("PARLEY_MAX_BODY_MB", "1")), "largest request body in `MiB` (importDataset sends whole files) (env PARLEY_MAX_BODY_MB)")
	inFlight := fs.Int("max-in-flight", envInt(a.env("PARLEY_MAX_IN_FLIGHT", "0")), "how many GraphQL requests run at once (the others wait their turn); 0: four per CPU (env PARLEY_MAX_IN_FLIGHT)")
	skipCheck := fs.Bool("skip-check", a.env("PARLEY_SKIP_CHECK", "") != "", "skip SQLite's quick check of the database file at start-up (it reads the whole file: minutes on a very large one) (env PARLEY_SKIP_CHECK=1)")
	requireToken := fs.Bool("require-token", a.env("PARLEY_REQUIRE_TOKEN", "") != "", "refuse every request without a valid token, reads too (env PARLEY_REQUIRE_TOKEN=1)")
	metricsAddr := fs.String("metrics-addr", a.env("PARLEY_METRICS_ADDR", ""), "serve /metrics on this `address` instead of on --addr (env PARLEY_METRICS_ADDR)")
	answerMB := fs.Int("answer-cache-mb", envInt(a.env("PARLEY_ANSWER_CACHE_MB", strconv.Itoa(graph.DefaultAnswerCacheBytes>>20))), "keep whole answers of queries, up to this many `MiB`, for as long as the graph does not change (any write, by any process on the database, empties it); 0: off (env PARLEY_ANSWER_CACHE_MB)")
	debugAddr := fs.String("debug-addr", a.env("PARLEY_DEBUG_ADDR", ""), "serve net/http/pprof at /debug/pprof/ on this loopback `address` (off by default; e.g. localhost:6060) (env PARLEY_DEBUG_ADDR)")
	timeouts := a.timeoutFlags(fs)
	var logLevel slog.Level
	if err := logLevel.UnmarshalText([]byte(a.env("PARLEY_LOG_LEVEL", "info"))); err != nil {
		fmt.Fprintf(a.Stderr, "parley serve: PARLEY_LOG_LEVEL: %v (debug, info, warn or error)\n", err)
		return errUsage
	}
	fs.TextVar(&logLevel, "log-level", logLevel, "the least `level` logged: debug, info (one line per request), warn (no request lines) or error (env PARLEY_LOG_LEVEL)")
	maxSubConns := fs.Int("max-subscription-conns", envInt(a.env("PARLEY_MAX_SUBSCRIPTION_CONNS", strconv.Itoa(graph.DefaultMaxSubscriptionConns))), "the most subscription `connections` (WebSocket and Server-Sent Events) open at once; more are refused with TOO_MANY_CONNECTIONS (env PARLEY_MAX_SUBSCRIPTION_CONNS)")
	maxSubsPerConn := fs.Int("max-subscriptions-per-conn", envInt(a.env("PARLEY_MAX_SUBSCRIPTIONS_PER_CONN", strconv.Itoa(graph.DefaultMaxSubscriptionsPerConn))), "the most `subscriptions` one WebSocket connection carries; more are refused with TOO_MANY_SUBSCRIPTIONS (env PARLEY_MAX_SUBSCRIPTIONS_PER_CONN)")
	var origins []string
	if env := a.env("PARLEY_CORS_ORIGINS", ""); env != "" {
		origins = splitList(env)
	}
	fs.Func("cors-origin", "allow browser pages from these `origins` (comma-separated, repeatable, * for any) to call /query (env PARLEY_CORS_ORIGINS)", func(v string) error {
		origins = append(origins, splitList(v)...)
		return nil
	})
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.Stderr, "parley serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *maxBody < 1 {
		fmt.Fprintln(a.Stderr, "parley serve: --max-body-mb must be at least 1")
		return errUsage
	}
	if *inFlight < 0 {
		fmt.Fprintln(a.Stderr, "parley serve: --max-in-flight must be 0 (four per CPU) or more")
		return errUsage
	}
	if err := timeouts.check(); err != nil {
		fmt.Fprintf(a.Stderr, "parley serve: %v\n", err)
		return errUsage
	}
	if env := a.env("PARLEY_ANSWER_CACHE_MB", ""); env != "" && !flagSet(fs, "answer-cache-mb") {
		if _, err := strconv.Atoi(env); err != nil {
			fmt.Fprintf(a.Stderr, "parley serve: PARLEY_ANSWER_CACHE_MB=%q: a whole number of MiB, 0 (off) or more\n", env)
			return errUsage
		}
	}
	if *answerMB < 0 {
		fmt.Fprintln(a.Stderr, "parley serve: --answer-cache-mb must be a whole number of MiB, 0 (off) or more")
		return errUsage
	}
	if *maxSubConns < 1 || *maxSubsPerConn < 1 {
		fmt.Fprintln(a.Stderr, "parley serve: --max-subscription-conns and --max-subscriptions-per-conn must be whole numbers, at least 1")
		return errUsage
	}
	if *debugAddr != "" && !loopback(*debugAddr) {
		fmt.Fprintf(a.Stderr, "parley serve: --debug-addr %q: the debug endpoint serves only on a loopback address (localhost:6060, 127.0.0.1:6060)\n", *debugAddr)
		return errUsage
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(serveGCPercent)
	}
	logOut := newLogBuffer(a.Stderr, 100*time.Millisecond)
	defer logOut.Close()
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: logLevel}))

	// Listen first: on a busy port, fail before creating or filling a database.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	store, err := a.openStore(ctx, *db, false)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := startupCheck(ctx, store, *skipCheck, logger); err != nil {
		return err
	}
	if err := loadBerlinIfEmpty(ctx, store, logger); err != nil {
		if f := store.StorageFault(err); f != nil {
			return fmt.Errorf("%s: %s", *db, f.Message)
		}
		return err
	}

	m := metrics.New()
	if pg, ok := store.(interface{ PoolStat() *pgxpool.Stat }); ok {
		m.PgxPool(pg.PoolStat)
	} else {
		m.Pool(store.SQL())
	}
	observed := observedStore{store: store, m: m}
	var metricsHandler http.Handler
	if *metricsAddr == "" {
		metricsHandler = m.Handler()
	} else {
		stopMetrics, err := a.side(ctx, *metricsAddr, "metrics", logger, func(mux *http.ServeMux) { mux.Handle("GET /metrics", m.Handler()) })
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	if *debugAddr != "" {
		stopDebug, err := a.side(ctx, *debugAddr, "debug", logger, func(mux *http.ServeMux) {
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
			mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		})
		if err != nil {
			return err
		}
		defer stopDebug()
	}

	handler := serveHandler(serveConfig{
		store:          store,
		observed:       observed,
		metrics:        m,
		metricsHandler: metricsHandler,
		logger:         logger,
		requestLines:   logOut,
		requireToken:   *requireToken,
		origins:        origins,
		maxBody:        int64(*maxBody) << 20,
		inFlight:       *inFlight,
		timeout:        timeouts.request,
		maxSubConns:    *maxSubConns,
		maxSubsPerConn: *maxSubsPerConn,
		answerBytes:    int64(*answerMB) << 20,
	})
	// The timeouts cut clients that hold a connection without using it:
	// headers or a body trickled in, an answer not read, an idle
	// keep-alive.
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: min(10*time.Second, timeouts.read),
		ReadTimeout:       timeouts.read,
		WriteTimeout:      timeouts.write,
		IdleTimeout:       timeouts.idle,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String(), "db", *db, "playground", "http://"+displayAddr(ln.Addr())+"/")
	logOut.Flush() // what start-up said, at once
	if a.Ready != nil {
		a.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	// Requests in flight may finish, up to the request time limit; the
	// connections still open then are closed. Either way the server has
	// stopped as asked.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), timeouts.request+time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("closing the connections still open", "error", err)
		srv.Close()
	}
	logger.Info("stopped")
	return nil
}

// serveGCPercent is the heap growth between collections serve runs with
// (GOGC), unless the environment sets GOGC. A server's live heap is small
// (tens of MB: the node cache, the schema, the connections), so at Go's
// default of 100 cheap requests at ten thousand a second set off a
// collection every few hundred requests, about a fifth of their CPU; at
// 200, __typename took 11-20% less CPU per request and point 8-20% less
// (100k graph), for a peak of 78 MB instead of 62 under profile load at 1M.
const serveGCPercent = 200

// serveConfig is what serveHandler needs of serve's flags.
type serveConfig struct {
	store          store
	observed       store // observedStore; the bare store for BenchmarkServeHTTP's requests without metrics
	metrics        *metrics.Metrics
	metricsHandler http.Handler
	logger         *slog.Logger
	requestLines   io.Writer // the logger's text handler's writer
	requireToken   bool
	origins        []string
	maxBody        int64
	inFlight       int
	timeout        time.Duration
	maxSubConns    int
	maxSubsPerConn int
	answerBytes    int64 // the answer cache's size; 0: none
}

// serveHandler is the whole handler serve puts behind its listener, every
// middleware included (BenchmarkServeHTTP measures it).
func serveHandler(c serveConfig) http.Handler {
	gql := graph.NewHandler(c.observed, c.logger, graph.WithMetrics(c.metrics), graph.WithLive(c.requireToken, c.origins), graph.WithSubscriptionLimits(c.maxSubConns, c.maxSubsPerConn))
	handler := web.NewHandler(web.Config{
		GraphQL:      graph.Authenticate(c.observed, c.requireToken, graph.NewAnswerCache(c.observed, c.answerBytes, c.metrics).Handler(graph.Conform(gql))),
		Metrics:      c.metricsHandler,
		Ready:        c.store.Ping,
		Logger:       c.logger,
		RequestLines: c.requestLines,
		CORSOrigins:  c.origins,
		MaxBodyBytes: c.maxBody,
		MaxInFlight:  c.inFlight,
		Timeout:      c.timeout,
	})
	return graph.Recover(c.logger, handler)
}

// side serves a side endpoint (metrics, pprof) on its own listener until
// stop is called.
func (a *App) side(ctx context.Context, addr, what string, logger *slog.Logger, routes func(*http.ServeMux)) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--%s-addr: %w", what, err)
	}
	mux := http.NewServeMux()
	routes(mux)
	// No write timeout: a CPU profile or trace runs for the seconds asked.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go srv.Serve(ln)
	logger.Info("serving "+what, "addr", ln.Addr().String())
	if a.SideReady != nil {
		a.SideReady(what, ln.Addr().String())
	}
	return func() { srv.Close() }, nil
}

// loopback reports whether addr's host is a loopback name or address.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// timeouts are serve's time limits.
type timeouts struct {
	request, read, write, idle time.Duration
}

func (a *App) timeoutFlags(fs *flag.FlagSet) *timeouts {
	t := &timeouts{}
	fs.DurationVar(&t.request, "request-timeout", envDuration(a.env("PARLEY_REQUEST_TIMEOUT", "30s")), "the longest one GraphQL request may run: its SQL statements are cancelled then (env PARLEY_REQUEST_TIMEOUT)")
	fs.DurationVar(&t.read, "read-timeout", envDuration(a.env("PARLEY_READ_TIMEOUT", "15s")), "the longest a client may take to send a request, body included (env PARLEY_READ_TIMEOUT)")
	fs.DurationVar(&t.write, "write-timeout", envDuration(a.env("PARLEY_WRITE_TIMEOUT", "40s")), "the longest from a request's headers to the end of its answer; longer than --request-timeout (env PARLEY_WRITE_TIMEOUT)")
	fs.DurationVar(&t.idle, "idle-timeout", envDuration(a.env("PARLEY_IDLE_TIMEOUT", "30s")), "how long an idle keep-alive connection is kept (env PARLEY_IDLE_TIMEOUT)")
	return t
}

func (t *timeouts) check() error {
	for name, d := range map[string]time.Duration{"--request-timeout": t.request, "--read-timeout": t.read, "--write-timeout": t.write, "--idle-timeout": t.idle} {
		if d <= 0 {
			return fmt.Errorf("%s must be a positive duration such as 30s", name)
		}
	}
	if t.write <= t.request {
		return fmt.Errorf("--write-timeout (%v) must be longer than --request-timeout (%v), or answers are cut before they are sent", t.write, t.request)
	}
	return nil
}

// envDuration reads a duration from the environment's text; 0 if it is
// not one (the flags' check then refuses it).
func envDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0
	}
	return d
}

func displayAddr(addr net.Addr) string {
	s := addr.String()
	if strings.HasPrefix(s, "[::]:") {
		return "localhost:" + strings.TrimPrefix(s, "[::]:")
	}
	if strings.HasPrefix(s, "0.0.0.0:") {
		return "localhost:" + strings.TrimPrefix(s, "0.0.0.0:")
	}
	return s
}

// startupCheck runs SQLite's quick check unless skipped, and says when the
// database can only be read.
func startupCheck(ctx context.Context, store store, skip bool, logger *slog.Logger) error {
	if !skip {
		start := time.Now()
		if err := store.Check(ctx); err != nil {
			return err
		}
		logger.Info("database checked", "took", time.Since(start).Round(time.Millisecond).String())
	}
	if why := store.ReadOnly(); why != "" {
		logger.Warn("the database cannot be written: serving reads, refusing writes with STORAGE_READ_ONLY", "reason", why)
	}
	return nil
}

// loadBerlinIfEmpty imports the built-in Berlin graph into an empty
// database, so that a newcomer sees a graph at once.
func loadBerlinIfEmpty(ctx context.Context, store store, logger *slog.Logger) error {
	empty, err := store.Empty(ctx)
	if err != nil || !empty {
		return err
	}
	f, err := berlin.Load()
	if err != nil {
		return fmt.Errorf("built-in Berlin graph: %w", err)
	}
	res, err := store.Import(parley.WithAuthor(ctx, "built-in Berlin graph"), []*parley.Dataset{f.Dataset})
	if err != nil {
		return fmt.Errorf("built-in Berlin graph: %w", err)
	}
	logger.Info("loaded the built-in Berlin talks graph", "nodes", res.Created)
	return nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// schema prints the GraphQL schema, descriptions included: what front
// ends generate their types from.
func (a *App) schema(args []string) error {
	fs := a.flags("schema")
	possible := fs.Bool("possible-types", false, "print, as JSON, each interface and union with the types that implement it (Apollo Client's possibleTypes)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if *possible {
		return a.possibleTypes()
	}
	formatter.NewFormatter(a.Stdout, formatter.WithIndent("  ")).FormatSchema(graph.NewExecutableSchema(graph.Config{}).Schema())
	return nil
}

// possibleTypes prints {"Actor": ["Group", …], "Node": […]}: every
// interface and union of the schema, not introspection's own, with the
// object types it stands for, sorted.
func (a *App) possibleTypes() error {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	out := map[string][]string{}
	for name, def := range schema.Types {
		if strings.HasPrefix(name, "__") || (def.Kind != "INTERFACE" && def.Kind != "UNION") {
			continue
		}
		var list []string
		for _, t := range schema.GetPossibleTypes(def) {
			list = append(list, t.Name)
		}
		sort.Strings(list)
		out[name] = list
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.Stdout, "%s\n", b)
	return err
}

// cliAuthor names the person running the CLI, for the history.
func cliAuthor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}

func (a *App) token(ctx context.Context, args []string) error {
	usageText := "usage: parley token create|list|revoke --db PATH [--name NAME] [--role reader|editor|admin]"
	if len(args) == 0 {
		fmt.Fprintln(a.Stderr, usageText)
		return errUsage
	}
	sub := args[0]
	fs := a.flags("token " + sub)
	db := a.dbFlag(fs)
	name := fs.String("name", "", "the token's `name` (recorded as the author of its writes)")
	role := fs.String("role", "", "the token's `role`: reader, editor or admin")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if *db == "" || fs.NArg() > 0 {
		fmt.Fprintln(a.Stderr, usageText)
		return errUsage
	}
	store, err := a.openStore(ctx, *db, false)
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "create":
		if *name == "" || *role == "" {
			fmt.Fprintln(a.Stderr, "parley token create needs --name and --role")
			return errUsage
		}
		tok, err := store.CreateToken(ctx, *name, *role)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.Stdout, tok)
		fmt.Fprintf(a.Stderr, "token %q (%s) created; it is shown this once: keep it, and send it as Authorization: Bearer <token>\n", *name, *role)
	case "list":
		list, err := store.ListTokens(ctx)
		if err != nil {
			return err
		}
		for _, t := range list {
			state := "live"
			if t.RevokedAt != "" {
				state = "revoked " + t.RevokedAt
			}
			fmt.Fprintf(a.Stdout, "%s\t%s\tcreated %s\t%s\n", t.Name, t.Role, t.CreatedAt, state)
		}
	case "revoke":
		if *name == "" {
			fmt.Fprintln(a.Stderr, "parley token revoke needs --name")
			return errUsage
		}
		if err := store.RevokeToken(ctx, *name); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "token %q revoked\n", *name)
	default:
		fmt.Fprintln(a.Stderr, usageText)
		return errUsage
	}
	return nil
}

func (a *App) gen(ctx context.Context, args []string) error {
	fs := a.flags("gen")
	actors := fs.Int("actors", 1000, "how many `actors`")
	statements := fs.Int("statements", 10000, "how many `statements` (positions, commitments and the rest scale with it)")
	seed := fs.Int64("seed", 1, "random `seed`: the same seed gives the same graph")
	format := fs.String("format", "yaml", "output `format`: yaml or json")
	db := fs.String("db", "", "import into this database `path` instead of writing the dataset out, and report the time")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *actors < 10 || *statements < 0 {
		fmt.Fprintln(a.Stderr, "usage: parley gen --actors N (>= 10) --statements M [--seed S] [--format yaml|json] [--db PATH]")
		return errUsage
	}
	start := time.Now()
	ds := gen.Generate(gen.Config{Actors: *actors, Statements: *statements, Seed: *seed})
	made := time.Since(start)
	if *db == "" {
		// Written an entry at a time: marshalled whole, a million
		// assertions took the YAML library over 13 GB.
		return dataset.Encode(a.Stdout, ds, dataset.Format(*format))
	}
	store, err := a.openStore(ctx, *db, false)
	if err != nil {
		return err
	}
	defer store.Close()
	start = time.Now()
	res, err := store.Import(parley.WithAuthor(ctx, "parley gen"), []*parley.Dataset{ds})
	if err != nil {
		return a.report(err, nil)
	}
	took := time.Since(start)
	n := gen.Assertions(ds)
	fmt.Fprintf(a.Stdout, "generated %d assertions (%d nodes) in %.1fs; imported into %s in %.1fs (%d created, %d unchanged): %.0f assertions/s\n",
		n, res.Created+res.Updated+res.Unchanged, made.Seconds(), *db, took.Seconds(), res.Created, res.Unchanged, float64(n)/took.Seconds())
	return nil
}

// envInt reads a whole number from the environment's text; 0 if it is not
// one (the flag's check then refuses it).
func envInt(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
