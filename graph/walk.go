package graph

import (
	"context"
	"strings"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// conflicts fetches a page of conflicts. Their cursor is the ids of the
// two positions.
func (r *Resolver) conflicts(ctx context.Context, q parley.ConflictQuery, pa pageArgs) (*model.ConflictConnection, error) {
	p, err := pa.check()
	if err != nil {
		return nil, err
	}
	q.First, q.Backward = p.size, p.backward
	if p.cursor != "" {
		a, b, ok := strings.Cut(p.cursor, " ")
		if !ok {
			return nil, parley.Errorf(parley.EInvalid, "that cursor is not a cursor of conflicts")
		}
		if p.backward {
			q.Before = &[2]string{a, b}
		} else {
			q.After = &[2]string{a, b}
		}
	}
	list, more, err := r.Store.Conflicts(ctx, q)
	if err != nil {
		return nil, err
	}
	info := &model.PageInfo{HasNextPage: more, HasPreviousPage: p.cursor != ""}
	if p.backward {
		info.HasNextPage, info.HasPreviousPage = p.cursor != "", more
	}
	c := &model.ConflictConnection{PageInfo: info}
	for i := range list {
		cur := encodeCursor(list[i].A.ID + " " + list[i].B.ID)
		c.Edges = append(c.Edges, &model.ConflictEdge{Cursor: cur, Node: &list[i]})
	}
	if len(c.Edges) > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[len(c.Edges)-1].Cursor
	}
	return c, nil
}

// wrapNodes loads nodes by id, in order, as GraphQL values.
func (r *Resolver) wrapNodes(ctx context.Context, ids []string) ([]model.Node, error) {
	vs, err := r.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Node, len(vs))
	for i, v := range vs {
		out[i] = model.WrapNode(v)
	}
	return out, nil
}

func links(ls []parley.Link) []*parley.Link {
	out := make([]*parley.Link, len(ls))
	for i := range ls {
		out[i] = &ls[i]
	}
	return out
}

// stanceGroups counts the positions under an issue or proposition by
// stance.
func (r *Resolver) stanceGroups(ctx context.Context, via, parent string, asOf *parley.Date) ([]*model.StanceGroup, error) {
	var out []*model.StanceGroup
	for _, s := range []parley.Stance{parley.Supports, parley.ConditionallySupports, parley.OpenTo, parley.Undecided, parley.Opposes} {
		stance := string(s)
		zero := 0
		ctx := ctx
		p, err := r.listCounted(ctx, parley.TypePosition, via, parent, parley.Filter{Stance: &stance, AsOf: asOf}, &zero)
		if err != nil {
			return nil, err
		}
		if p.total > 0 {
			out = append(out, &model.StanceGroup{Stance: s, Count: p.total, Via: via, Parent: parent, AsOf: asOf})
		}
	}
	return out, nil
}
