package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// BenchmarkImportFile imports the data file named by PARLEY_BENCH_FILE
// (made by `parley gen --format json|yaml`) into a new database file, as
// `parley import` does (sqlite.ImportNew): the file read an entry at a
// time. It is skipped without the variable. With -cpuprofile it shows
// where an import's time goes.
func BenchmarkImportFile(b *testing.B) {
	name := os.Getenv("PARLEY_BENCH_FILE")
	if name == "" {
		b.Skip("PARLEY_BENCH_FILE names no file")
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "bench.db")
		f, err := dataset.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := sqlite.ImportNew(ctx, path, nil, func(yield func(parley.Item) error) ([]parley.Problem, error) {
			if err := f.Scan(yield); err != nil {
				return nil, err
			}
			return f.Problems, nil
		})
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Created), "nodes")
	}
}
