package graph

import (
	"context"
	"sort"
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
	if wantsTotal(ctx) {
		if c.TotalCount, err = r.countConflicts(ctx, q); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// countConflicts counts every conflict of q, a page of a thousand at a
// time.
func (r *Resolver) countConflicts(ctx context.Context, q parley.ConflictQuery) (int, error) {
	q.First, q.Backward, q.After, q.Before = 1000, false, nil, nil
	n := 0
	for {
		list, more, err := r.Store.Conflicts(ctx, q)
		if err != nil {
			return 0, err
		}
		n += len(list)
		if !more || len(list) == 0 {
			return n, nil
		}
		last := list[len(list)-1]
		q.After = &[2]string{last.A.ID, last.B.ID}
	}
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

// alignTies adds to an alignment where the two actors meet through
// commitments, documents and claims, each list in id order.
func (r *Resolver) alignTies(ctx context.Context, a, b string, out *model.Alignment) error {
	out.Commitments, out.Documents, out.Claims = []*model.AlignmentCommitment{}, []*parley.Document{}, []*parley.Claim{}
	has := func(list []string, id string) bool {
		for _, x := range list {
			if x == id {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	var ties []*model.AlignmentCommitment
	for _, side := range []string{a, b} {
		cs, err := all[parley.Commitment](r, ctx, parley.TypeCommitment, "promisor", side, parley.Filter{})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if seen[c.ID] {
				continue
			}
			var tie model.CommitmentTie
			switch {
			case has(c.Promisors, a) && has(c.Promisors, b):
				tie = model.CommitmentTieCoPromisors
			case has(c.Promisors, a) && has(c.Beneficiaries, b):
				tie = model.CommitmentTieAPromisesB
			case has(c.Promisors, b) && has(c.Beneficiaries, a):
				tie = model.CommitmentTieBPromisesA
			default:
				continue
			}
			seen[c.ID] = true
			ties = append(ties, &model.AlignmentCommitment{Commitment: c, Tie: tie})
		}
	}
	sort.Slice(ties, func(i, j int) bool { return ties[i].Commitment.ID < ties[j].Commitment.ID })
	out.Commitments = append(out.Commitments, ties...)

	da, err := all[parley.Document](r, ctx, parley.TypeDocument, "actor", a, parley.Filter{})
	if err != nil {
		return err
	}
	db, err := all[parley.Document](r, ctx, parley.TypeDocument, "actor", b, parley.Filter{})
	if err != nil {
		return err
	}
	inB := map[string]bool{}
	for _, d := range db {
		inB[d.ID] = true
	}
	for _, d := range da {
		if inB[d.ID] {
			out.Documents = append(out.Documents, d)
		}
	}

	for _, pair := range [][2]string{{a, b}, {b, a}} {
		cs, err := all[parley.Claim](r, ctx, parley.TypeClaim, "claimant", pair[0], parley.Filter{})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if has(c.About, pair[1]) {
				out.Claims = append(out.Claims, c)
			}
		}
	}
	sort.Slice(out.Claims, func(i, j int) bool { return out.Claims[i].ID < out.Claims[j].ID })
	return nil
}
