// Package bench holds what Parley's benchmarks and load tool share: the
// size of a generated graph for a number of assertions, and the hot
// queries, so that both measure the same thing.
package bench

import (
	"fmt"
	"strings"

	"github.com/parley-graph/parley/internal/gen"
)

// Config is the generator configuration for about n assertions: a
// statement brings 1.65 assertions (positions, commitments, roles and the
// rest scale with it), with an actor for every 29 statements.
func Config(n int) gen.Config {
	st := int(float64(n) / 1.65)
	return gen.Config{Actors: max(100, st/29), Statements: st, Seed: 1}
}

// Query is a named hot query.
type Query struct {
	Name, Text string
}

// Queries are the hot queries. They name a busy actor (the generator's
// first, Zipf rank 1), the first issue, and a quiet actor (the last);
// list and point are the peer benchmark's (../shared/peer-bench): the
// first 50 actors, and one position by id.
var Queries = []Query{
	{"profile", `{ node(id: "BUSY") { ... on Actor { name positions(first: 20) { edges { node { stance
		proposition { text positions(stance: OPPOSES, first: 10) { edges { node { holder { name } } } } } } } } } } }`},
	{"conflicts", `{ node(id: "issue-00001") { ... on Issue { conflicts(first: 20) { edges { node { a { holder { name } } b { holder { name } } } } } } } }`},
	{"path", `{ path(from: "BUSY", to: "QUIET", maxHops: 4) { length } }`},
	{"neighbourhood", `{ neighbourhood(id: "QUIET", hops: 2, limit: 500) { truncated nodes { __typename } links { kind } } }`},
	{"search", `{ search(query: "ceasefire monitoring", first: 20) { edges { node { field snippet node { __typename } } } } }`},
	// A broad word: at 1M assertions it matches 214,000 texts.
	{"broadsearch", `{ search(query: "ceasefire", first: 20) { edges { node { field snippet node { __typename } } } } }`},
	{"list", `{ actors(first: 50) { edges { node { id name kind } } } }`},
	{"point", `{ node(id: "pos-0000001") { ... on Position { id stance speechAct summary redLine } } }`},
	{"typename", `{ __typename }`},
}

// Text returns the named query for a graph of about n assertions.
func Text(name string, n int) (string, error) {
	for _, q := range Queries {
		if q.Name == name {
			return strings.NewReplacer("BUSY", "actor-000001", "QUIET", fmt.Sprintf("actor-%06d", Config(n).Actors)).Replace(q.Text), nil
		}
	}
	return "", fmt.Errorf("no query named %q", name)
}
