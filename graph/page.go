package graph

import (
	"encoding/base64"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
)

// maxPage is the most items one page (or one nodes call) may ask for.
const maxPage = 100

// maxNeighbourhood is the most nodes a neighbourhood may return.
const maxNeighbourhood = 500

// pageSize checks a `first` argument.
func pageSize(arg string, n *int) (int, error) {
	if n == nil {
		return 50, nil
	}
	if *n < 0 || *n > maxPage {
		return 0, parley.Errorf(parley.EInvalid, "%s must be between 0 and %d, got %d", arg, maxPage, *n)
	}
	return *n, nil
}

const cursorPrefix = "id:"

// encodeCursor makes an opaque cursor of a sort key.
func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + key))
}

// decodeCursor reads a cursor made by encodeCursor.
func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return "", parley.Errorf(parley.EInvalid, "after: %q is not a cursor this API gave out", c)
	}
	return strings.TrimPrefix(string(b), cursorPrefix), nil
}
