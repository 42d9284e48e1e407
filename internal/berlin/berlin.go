// Package berlin embeds Parley's built-in graph: the Berlin talks on ending
// the Russia–Ukraine war, built from one article whose text is kept here
// byte for byte.
package berlin

import (
	"embed"

	"github.com/parley-graph/parley/internal/dataset"
)

// FS holds the data file and the article's text.
//
//go:embed berlin-talks.yaml berlin-talks.txt
var FS embed.FS

// File is the name of the data file in FS.
const File = "berlin-talks.yaml"

// Load parses the built-in graph.
func Load() (*dataset.File, error) {
	return dataset.Read(FS, File)
}
