package graph

import (
	"context"
	"strconv"
	"strings"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// search runs a full-text search; a hit's cursor is its rank and node id.
func (r *Resolver) search(ctx context.Context, query string, kinds []string, first *int, after *string) (*model.SearchConnection, error) {
	p, err := pageArgs{first: first, after: after}.check()
	if err != nil {
		return nil, err
	}
	q := parley.SearchQuery{Text: query, First: p.size}
	for _, k := range kinds {
		q.Kinds = append(q.Kinds, parley.NodeType(k))
	}
	if p.cursor != "" {
		rank, id, ok := strings.Cut(p.cursor, " ")
		f, err := strconv.ParseFloat(rank, 64)
		if !ok || err != nil {
			return nil, parley.Errorf(parley.EInvalid, "after: not a cursor of search hits")
		}
		q.After = &parley.SearchCursor{Rank: f, NodeID: id, Start: -1}
		if node, start, ok := strings.Cut(id, " "); ok {
			n, err := strconv.Atoi(start)
			if err != nil {
				return nil, parley.Errorf(parley.EInvalid, "after: not a cursor of search hits")
			}
			q.After.NodeID, q.After.Start = node, n
		}
	}
	hits, more, err := r.Store.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	c := &model.SearchConnection{PageInfo: &model.PageInfo{HasNextPage: more, HasPreviousPage: after != nil}, Hits: []*parley.SearchHit{}}
	for i := range hits {
		key := strconv.FormatFloat(hits[i].Rank, 'g', -1, 64) + " " + hits[i].NodeID
		if hits[i].Sentence != nil {
			key += " " + strconv.Itoa(*hits[i].Sentence.Start)
		}
		c.Edges = append(c.Edges, &model.SearchEdge{Cursor: encodeCursor(key), Node: &hits[i]})
		c.Hits = append(c.Hits, &hits[i])
	}
	if wantsTotal(ctx) {
		if c.TotalCount, err = r.searchCount(ctx, q); err != nil {
			return nil, err
		}
	}
	if len(c.Edges) > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[len(c.Edges)-1].Cursor
	}
	return c, nil
}

// snippet puts the client's markers around the matching words.
func snippet(obj *parley.SearchHit, before *string, after *string) string {
	b, a := "<mark>", "</mark>"
	if before != nil {
		b = *before
	}
	if after != nil {
		a = *after
	}
	return strings.NewReplacer(parley.SnippetStart, b, parley.SnippetEnd, a).Replace(obj.Snippet)
}

// searchCount counts every hit of q: by the store's count if it has one,
// else by reading the hits.
func (r *Resolver) searchCount(ctx context.Context, q parley.SearchQuery) (int, error) {
	if sc, ok := r.Store.(parley.SearchCounter); ok {
		return sc.SearchCount(ctx, q)
	}
	q.After, q.First = nil, 100_000
	hits, _, err := r.Store.Search(ctx, q)
	return len(hits), err
}
