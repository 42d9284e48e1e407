package dataset_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/gen"
	"github.com/parley-graph/parley/internal/parley"
)

// BenchmarkScanCheck reads a generated graph of some 100k assertions from
// a file, an entry at a time, and checks each entry, as `parley validate`
// and the first part of `parley import` do: the reader's and the
// checker's CPU, which both stores' imports pay before writing a row.
//
//	go test -tags sqlite_fts5 -run '^$' -bench ScanCheck -benchtime 5x -cpuprofile cpu.out ./internal/dataset
func BenchmarkScanCheck(b *testing.B) {
	for _, format := range []dataset.Format{dataset.JSON, dataset.YAML} {
		b.Run(string(format), func(b *testing.B) {
			ds := gen.Generate(gen.Config{Actors: 2089, Statements: 60606, Seed: 1})
			out, err := dataset.Write(ds, format)
			if err != nil {
				b.Fatal(err)
			}
			name := filepath.Join(b.TempDir(), "g100k."+string(format))
			if err := os.WriteFile(name, out, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(out)))
			b.ResetTimer()
			for b.Loop() {
				f, err := dataset.Open(name)
				if err != nil {
					b.Fatal(err)
				}
				c := parley.NewChecker(nil)
				n := 0
				if err := f.Scan(func(it parley.Item) error {
					c.Declare(it)
					c.Check(it)
					n++
					return nil
				}); err != nil {
					b.Fatal(err)
				}
				c.Finish()
				if p := append(f.Problems, c.Problems()...); len(p) > 0 || n < 100000 {
					b.Fatalf("%d items, problems %v", n, p)
				}
			}
		})
	}
}
