package graph_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-graph/parley/graph"
	"github.com/parley-graph/parley/internal/bench"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
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

// benchDB opens the generated graph of about n assertions, making it the
// first time.
func benchDB(b *testing.B, n int) *sqlite.DB {
	b.Helper()
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
	db, err := sqlite.Open(ctx, path)
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
			b.Run(fmt.Sprintf("%s/%d", q.Name, n), func(b *testing.B) {
				if _, errs := raw(b, h, query); len(errs) > 0 {
					b.Fatalf("%s: %+v", q.Name, errs)
				}
				lat := make([]time.Duration, 0, b.N)
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
			})
		}
	}
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
