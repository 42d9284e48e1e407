package graph_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
)

// BenchmarkStoreReads runs, against the store alone, the calls the hot
// queries make of it with the node cache warm, so that what the store
// costs a request can be measured apart from GraphQL execution: profile
// (the version, the busiest actor's first 20 positions, then the first 10
// opposing positions on each of their propositions, as ids), list (the
// version, the first 50 actors' ids) and point (the version); and nodes,
// the profile's nodes read and decoded, as on a cold cache.
//
//	PARLEY_BENCH_SIZES=100000 go test -tags sqlite_fts5 -run '^$' -bench StoreReads -benchmem ./graph
func BenchmarkStoreReads(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes(b) {
		db := benchDB(b, n)
		busy := "actor-000001"
		must := func(err error) {
			if err != nil {
				b.Fatal(err)
			}
		}
		// The profile's nodes, found once the slow way.
		first, err := db.List(ctx, parley.ListRequest{Of: parley.TypePosition, Via: "holder", Parents: []string{busy}, First: 20})
		must(err)
		var props, nodeIDs []string
		nodeIDs = append(nodeIDs, busy)
		for _, p := range first.Items[busy] {
			pos := p.(*parley.Position)
			props = append(props, pos.Proposition)
			nodeIDs = append(nodeIDs, pos.ID, pos.Proposition)
		}
		opposes := "OPPOSES"
		opp, err := db.List(ctx, parley.ListRequest{Of: parley.TypePosition, Via: "proposition", Parents: props, First: 10, Filter: parley.Filter{Stance: &opposes}})
		must(err)
		for _, items := range opp.Items {
			for _, p := range items {
				pos := p.(*parley.Position)
				nodeIDs = append(nodeIDs, pos.ID, pos.Holder)
			}
		}

		run := func(name string, f func() error) {
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				must(f())
				before := db.Queries()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := f(); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(db.Queries()-before)/float64(b.N), "stmts/op")
			})
		}
		run("profile", func() error {
			if _, err := db.Version(ctx); err != nil {
				return err
			}
			if _, err := db.List(ctx, parley.ListRequest{Of: parley.TypePosition, Via: "holder", Parents: []string{busy}, First: 20, IDsOnly: true}); err != nil {
				return err
			}
			_, err := db.List(ctx, parley.ListRequest{Of: parley.TypePosition, Via: "proposition", Parents: props, First: 10, Filter: parley.Filter{Stance: &opposes}, IDsOnly: true})
			return err
		})
		run("list", func() error {
			if _, err := db.Version(ctx); err != nil {
				return err
			}
			_, err := db.List(ctx, parley.ListRequest{Of: parley.TypeActor, First: 50, IDsOnly: true})
			return err
		})
		run("point", func() error {
			_, err := db.Version(ctx)
			return err
		})
		run("nodes", func() error {
			got, err := db.Nodes(ctx, nodeIDs)
			if err == nil && len(got) < len(nodeIDs)/2 {
				err = fmt.Errorf("%d nodes of %d", len(got), len(nodeIDs))
			}
			return err
		})
	}
}
