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

// defaultPage is the page size when neither first nor last is given.
const defaultPage = 50

// pageArgs are a connection's paging arguments, as given.
type pageArgs struct {
	first, last   *int
	after, before *string
}

func pg(first *int, after *string, last *int, before *string) pageArgs {
	return pageArgs{first: first, after: after, last: last, before: before}
}

// paging is pageArgs checked: a size, a direction and a decoded cursor.
type paging struct {
	size     int
	backward bool
	cursor   string // after (forward) or before (backward); "" for none
}

// check validates the arguments: first with after pages forward, last
// with before pages backward; the two directions do not mix.
func (p pageArgs) check() (paging, error) {
	if (p.first != nil || p.after != nil) && (p.last != nil || p.before != nil) {
		return paging{}, parley.Errorf(parley.EInvalid, "page forward with first and after, or backward with last and before, not both")
	}
	out := paging{size: defaultPage}
	n, arg, cur, curArg := p.first, "first", p.after, "after"
	if p.last != nil || p.before != nil {
		out.backward = true
		n, arg, cur, curArg = p.last, "last", p.before, "before"
	}
	if n != nil {
		if *n < 0 || *n > maxPage {
			return paging{}, parley.Errorf(parley.EInvalid, "%s must be between 0 and %d, got %d", arg, maxPage, *n)
		}
		out.size = *n
	}
	if cur != nil {
		key, err := decodeCursor(curArg, *cur)
		if err != nil {
			return paging{}, err
		}
		out.cursor = key
	}
	return out, nil
}

const cursorPrefix = "id:"

// encodeCursor makes an opaque cursor of a sort key.
func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + key))
}

// decodeCursor reads a cursor made by encodeCursor, given as argument arg.
func decodeCursor(arg, c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return "", parley.Errorf(parley.EInvalid, "%s: %q is not a cursor this API gave out", arg, c)
	}
	return strings.TrimPrefix(string(b), cursorPrefix), nil
}
