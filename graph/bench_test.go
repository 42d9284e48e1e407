package graph_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/bench"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/sqlite"
)

// Benchmarks at the sizes in PARLEY_BENCH_SIZES (assertions, comma
// separated; default 10000), on generated graphs kept in PARLEY_BENCH_DIR
// (default: the temp folder) so that a size is generated and imported once:
//
//	PARLEY_BENCH_SIZES=10000,100000,1000000 go test -tags sqlite_fts5 -run '^$' -bench . -benchtime 200x ./graph
//
// Each query benchmark reports the median and 99th percentile latency of
// the GraphQL handler (server-side, no network) as p50-ms and p99-ms.
//
// A kept graph is often shared (PARLEY_BENCH_DIR=/work/cache, or the
// PostgreSQL databases parley_bench_<n>) by binaries of several versions.
// Opening a store migrates it, so a graph whose schema is older than this
// binary's is not opened in place: a private copy is migrated and used
// (the file copied into a temp folder, or the database cloned with
// CREATE DATABASE ... TEMPLATE), and removed when the benchmark ends. A
// current graph is opened as it is (one read-only look at its migrations
// first). PARLEY_BENCH_MIGRATE=inplace migrates the kept graph itself, for
// one of your own, so that the copy is paid once.

func benchSizes(b *testing.B) []int {
	env := os.Getenv("PARLEY_BENCH_SIZES")
	if env == "" {
		env = "10000"
	}
	var out []int
	for _, s := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			b.Fatalf("PARLEY_BENCH_SIZES: %v", err)
		}
		out = append(out, n)
	}
	return out
}

// benchStore is a store the benchmarks query, on either backend.
type benchStore interface {
	parley.Store
	parley.Versioner
	Queries() int64
	Close() error
}

// benchDB opens the generated graph of about n assertions, making it the
// first time: a SQLite file, or, when PARLEY_BENCH_POSTGRES names a
// PostgreSQL server (postgres://user@host:port/db, a user that may create
// databases), the database parley_bench_<n> on it (or as
// PARLEY_BENCH_POSTGRES_NAME names it).
func benchDB(b *testing.B, n int) benchStore {
	b.Helper()
	if server := os.Getenv("PARLEY_BENCH_POSTGRES"); server != "" {
		return benchPostgres(b, server, n)
	}
	dir := os.Getenv("PARLEY_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "parley-bench")
	}
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, fmt.Sprintf("gen-%d.db", n))
	_, err := os.Stat(path)
	fresh := err != nil
	ctx := context.Background()
	if fresh {
		os.Remove(path + ".tmp")
		db, err := sqlite.Open(ctx, path+".tmp")
		if err != nil {
			b.Fatal(err)
		}
		ds := gen.Generate(bench.Config(n))
		start := time.Now()
		if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d assertions in %v", gen.Assertions(ds), time.Since(start))
		db.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Rename(path+".tmp"+suffix, path+suffix)
		}
	}
	if !fresh {
		path = benchCurrentFile(b, path)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// benchInPlace says whether PARLEY_BENCH_MIGRATE asks to migrate a kept
// graph in place.
func benchInPlace(b *testing.B) bool {
	switch m := os.Getenv("PARLEY_BENCH_MIGRATE"); m {
	case "", "copy":
		return false
	case "inplace":
		return true
	default:
		b.Fatalf("PARLEY_BENCH_MIGRATE=%q: want copy (the default) or inplace", m)
		return false
	}
}

// benchCurrentFile returns path if its schema is current (or
// PARLEY_BENCH_MIGRATE=inplace), else a copy of it in a temp folder of
// its own, removed at the end, that sqlite.Open will migrate.
func benchCurrentFile(b *testing.B, path string) string {
	b.Helper()
	pending, err := sqlite.Pending(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	if len(pending) == 0 || benchInPlace(b) {
		return path
	}
	dir, err := os.MkdirTemp("", "parley-bench-copy-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	start := time.Now()
	copied := filepath.Join(dir, filepath.Base(path))
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(path+suffix, copied+suffix); err != nil && !(suffix != "" && os.IsNotExist(err)) {
			b.Fatal(err)
		}
	}
	b.Logf("%s has an older schema than this binary (%s not applied): it is left as it is, and a copy in %s is migrated and used (copied in %v; PARLEY_BENCH_MIGRATE=inplace migrates the file itself)",
		path, strings.Join(pending, ", "), dir, time.Since(start).Round(time.Millisecond))
	return copied
}

// copyFile copies the file from to the new file to (io.Copy between files
// uses copy_file_range where the system has it).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// benchPostgres is benchDB on the PostgreSQL server at server: the graph
// is imported into parley_bench_<n>_tmp, renamed when complete.
func benchPostgres(b *testing.B, server string, n int) benchStore {
	b.Helper()
	ctx := context.Background()
	u, err := url.Parse(server)
	if err != nil {
		b.Fatalf("PARLEY_BENCH_POSTGRES: %v", err)
	}
	// PARLEY_BENCH_POSTGRES_NAME names the database another way (a
	// pattern with %d for n): a copy to migrate, beside the shared one.
	pattern := "parley_bench_%d"
	if p := os.Getenv("PARLEY_BENCH_POSTGRES_NAME"); p != "" {
		pattern = p
	}
	name := fmt.Sprintf(pattern, n)
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(ctx)
	var have bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&have); err != nil {
		b.Fatal(err)
	}
	if !have {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+"_tmp WITH (FORCE)"); err != nil {
			b.Fatal(err)
		}
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+"_tmp"); err != nil {
			b.Fatal(err)
		}
		u.Path = "/" + name + "_tmp"
		db, err := postgres.Open(ctx, u.String(), postgres.Options{})
		if err != nil {
			b.Fatal(err)
		}
		ds := gen.Generate(bench.Config(n))
		start := time.Now()
		if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d assertions in %v", gen.Assertions(ds), time.Since(start))
		if _, err := db.SQL().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			b.Fatal(err)
		}
		db.Close()
		if _, err := admin.Exec(ctx, "ALTER DATABASE "+name+"_tmp RENAME TO "+name); err != nil {
			b.Fatal(err)
		}
	}
	u.Path = "/" + name
	if have {
		pending, err := postgres.Pending(ctx, u.String())
		if err != nil {
			b.Fatal(err)
		}
		if len(pending) > 0 && !benchInPlace(b) {
			// A clone to migrate; CREATE DATABASE ... TEMPLATE needs the
			// template to have no other session.
			clone := fmt.Sprintf("%s_copy_%d", name, os.Getpid())
			start := time.Now()
			if _, err := admin.Exec(ctx, "CREATE DATABASE "+clone+" TEMPLATE "+name); err != nil {
				b.Fatalf("the database %s has an older schema than this binary (%s not applied), and opening it would migrate it in place; cloning it to migrate the clone failed (%v): wait until nobody is connected to it, or set PARLEY_BENCH_MIGRATE=inplace if it is yours alone", name, strings.Join(pending, ", "), err)
			}
			b.Logf("the database %s has an older schema than this binary (%s not applied): it is left as it is, and its clone %s is migrated and used (cloned in %v; PARLEY_BENCH_MIGRATE=inplace migrates it itself)",
				name, strings.Join(pending, ", "), clone, time.Since(start).Round(time.Millisecond))
			b.Cleanup(func() {
				if admin, err := pgx.Connect(ctx, server); err == nil {
					admin.Exec(ctx, "DROP DATABASE IF EXISTS "+clone+" WITH (FORCE)")
					admin.Close(ctx)
				}
			})
			u.Path = "/" + clone
		}
	}
	db, err := postgres.Open(ctx, u.String(), postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func BenchmarkQueries(b *testing.B) {
	for _, n := range benchSizes(b) {
		db := benchDB(b, n)
		h := graph.NewHandler(db, nil)
		for _, q := range bench.Queries {
			query, _ := bench.Text(q.Name, n)
			b.Run(fmt.Sprintf("%s/%d", q.Name, n), func(b *testing.B) { benchQuery(b, h, db, query) })
		}
	}
}

// BenchmarkNodeCache runs the profile query with the node cache that
// requests share, and without it (the same store, hidden behind a type
// that does not tell its version, so the handler does not cache).
func BenchmarkNodeCache(b *testing.B) {
	for _, n := range benchSizes(b) {
		db := benchDB(b, n)
		query, _ := bench.Text("profile", n)
		for _, c := range []struct {
			name  string
			store parley.Store
		}{{"cached", db}, {"uncached", struct{ parley.Store }{db}}} {
			h := graph.NewHandler(c.store, nil)
			b.Run(fmt.Sprintf("profile-%s/%d", c.name, n), func(b *testing.B) { benchQuery(b, h, db, query) })
		}
	}
}

// benchQuery asks query b.N times (once before, to warm up), and reports
// the median and 99th percentile latency and the statements sent to the
// store per query.
func benchQuery(b *testing.B, h http.Handler, db benchStore, query string) {
	if _, errs := raw(b, h, query); len(errs) > 0 {
		b.Fatalf("%s: %+v", query, errs)
	}
	lat := make([]time.Duration, 0, b.N)
	before := db.Queries()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		raw(b, h, query)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(db.Queries()-before)/float64(b.N), "stmts/op")
}

func BenchmarkImport(b *testing.B) {
	for _, n := range benchSizes(b) {
		ds := gen.Generate(bench.Config(n))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				path := filepath.Join(b.TempDir(), "import.db")
				db, err := sqlite.Open(context.Background(), path)
				if err != nil {
					b.Fatal(err)
				}
				// A fresh copy: the importer fills in evidence offsets.
				fresh := gen.Generate(bench.Config(n))
				b.StartTimer()
				start := time.Now()
				if _, err := db.Import(context.Background(), []*parley.Dataset{fresh}); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				b.StopTimer()
				st, _ := os.Stat(path)
				wal, _ := os.Stat(path + "-wal")
				db.Close()
				size := st.Size()
				if wal != nil {
					size += wal.Size()
				}
				b.ReportMetric(float64(size)/(1<<20), "MB")
			}
			b.ReportMetric(float64(gen.Assertions(ds)*b.N)/total.Seconds(), "assertions/s")
		})
	}
}
