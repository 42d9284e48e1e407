// Package graph is Parley's GraphQL API: the schema (schema/*.graphqls),
// the code gqlgen generates from it, and thin resolvers over the store.
package graph

//go:generate go tool gqlgen generate
//go:generate go run ./internal/serialgen generated.go

import "github.com/parley-graph/parley/internal/parley"

// Resolver is the root resolver. It holds what every request needs.
type Resolver struct {
	Store parley.Store
	live  *live
}
