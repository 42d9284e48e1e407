package web

import (
	"fmt"
	"regexp"
)

var exampleQuery = regexp.MustCompile("(?s)query: `(.*?)`")

// Examples returns the example queries the playground opens with, from
// the embedded examples.js, so that tests can run every one.
func Examples() ([]string, error) {
	b, err := assets.ReadFile("assets/examples.js")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range exampleQuery.FindAllSubmatch(b, -1) {
		out = append(out, string(m[1]))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("examples.js holds no query")
	}
	return out, nil
}
