// Command parley serves a knowledge graph of the actors in a negotiation
// and what they say, want and promise, over GraphQL; its subcommands
// validate, import and export the graph's data files.
//
// Build and run with the sqlite_fts5 tag: go run -tags sqlite_fts5 .
package main

import (
	"context"
	"os"

	"github.com/parley-graph/parley/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:]))
}
