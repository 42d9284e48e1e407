package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// pageData is one parent's page.
type pageData struct {
	items            []any
	hasNext, hasPrev bool
	total            int
	// noCursors says that the connection made of the page is asked for
	// no cursor (set on a copy: the loaders share the page).
	noCursors bool
}

// fetchLists answers a batch of list keys with one store call per spec.
func (l *loaders) fetchLists(ctx context.Context, keys []listKey) ([]*pageData, []error) {
	out := make([]*pageData, len(keys))
	errs := make([]error, len(keys))
	bySpec := map[listSpec][]int{}
	for i, k := range keys {
		bySpec[k.spec] = append(bySpec[k.spec], i)
	}
	// What the calling field asks of each item, to prime their
	// references.
	var sel ast.SelectionSet
	if f, ok := callerField(ctx); ok {
		sel = itemSelection(ctx, f)
	}
	var ts []target
	for spec, idx := range bySpec {
		pages, err := l.pages(ctx, spec, keys, idx)
		// The store names each page's nodes; they come from the
		// request's node source (the shared cache, then one store
		// call for the rest).
		var nodes map[string]any
		if err == nil {
			var ids []string
			for _, page := range pages {
				ids = append(ids, page.ids...)
			}
			if len(ids) > 0 {
				nodes, err = l.src.fetch(ctx, ids)
			}
		}
		for j, i := range idx {
			if err != nil {
				errs[i] = err
				continue
			}
			page := pages[j]
			d := &pageData{total: page.total}
			d.items = make([]any, 0, len(page.ids))
			for _, id := range page.ids {
				if n, ok := nodes[id]; ok {
					d.items = append(d.items, n)
					if len(sel) > 0 {
						ts = append(ts, target{v: n, typeName: typeName(n), sel: sel})
					}
				}
			}
			l.nodes.primeAll(page.ids, nodes)
			if spec.backward {
				d.hasPrev, d.hasNext = page.more, spec.before != ""
			} else {
				d.hasNext, d.hasPrev = page.more, spec.after != ""
			}
			out[i] = d
		}
	}
	l.prime(ctx, ts)
	return out, errs
}

// pages answers the keys[i] for i in idx, all of spec: from the shared
// cache, at the request's version, and what it lacks from the store, in
// one call (its ids only: the nodes come from the node source).
func (l *loaders) pages(ctx context.Context, spec listSpec, keys []listKey, idx []int) ([]*cachedPage, error) {
	pages := make([]*cachedPage, len(idx))
	ks := make([]listKey, len(idx))
	for j, i := range idx {
		ks[j] = keys[i]
	}
	shared := l.src.shared(ctx)
	if shared && l.src.cache.pages(l.src.version, ks, pages) == 0 {
		return pages, nil
	}
	req := spec.request()
	req.IDsOnly = true
	for j, k := range ks {
		if pages[j] == nil {
			req.Parents = append(req.Parents, k.parent)
		}
	}
	res, err := l.store.List(ctx, req)
	if err != nil {
		return nil, err
	}
	for j, k := range ks {
		if pages[j] != nil {
			continue
		}
		p := k.parent
		if req.Via == "" {
			p = ""
		}
		pages[j] = &cachedPage{ids: res.IDs[p], more: res.More[p], total: res.Total[p]}
	}
	if shared {
		l.src.cache.putPages(l.src.version, ks, pages)
	}
	return pages, nil
}

// list fetches one parent's page of a list, batched with the same list of
// the other parents in the request.
func (r *Resolver) list(ctx context.Context, of parley.NodeType, via, parent string, f parley.Filter, pa pageArgs) (*pageData, error) {
	return r.load(ctx, of, via, parent, f, pa, wantsTotal(ctx))
}

// listCounted is list with the total always counted.
func (r *Resolver) listCounted(ctx context.Context, of parley.NodeType, via, parent string, f parley.Filter, first *int) (*pageData, error) {
	return r.load(ctx, of, via, parent, f, pageArgs{first: first}, true)
}

func (r *Resolver) load(ctx context.Context, of parley.NodeType, via, parent string, f parley.Filter, pa pageArgs, count bool) (*pageData, error) {
	p, err := pa.check()
	if err != nil {
		return nil, err
	}
	req := parley.ListRequest{Of: of, Via: via, Filter: f, First: p.size, Count: count, Backward: p.backward}
	if p.backward {
		req.Before = p.cursor
	} else {
		req.After = p.cursor
	}
	return r.loaders(ctx).lists.one(ctx, listKey{spec: keyOf(req), parent: parent})
}

// wantsTotal reports whether the connection being resolved is asked for
// its totalCount, which costs a count query.
func wantsTotal(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return true
	}
	var fields []graphql.CollectedField
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok && graphql.HasOperationContext(ctx) {
		fields = l.collectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, nil)
	} else {
		fields = graphql.CollectFieldsCtx(ctx, nil)
	}
	for _, f := range fields {
		if f.Name == "totalCount" {
			return true
		}
	}
	return false
}

// nodeID returns the id of a domain node.
func nodeID(v any) string {
	_, id := parley.Describe(v)
	return id
}

// edges turns a page into edges of type E, with its page info: the
// edges in one allocation.
func edges[N any, E any](p *pageData, mk func(cursor string, n N) E) ([]*E, *model.PageInfo) {
	all := make([]E, 0, len(p.items))
	info := &model.PageInfo{HasNextPage: p.hasNext, HasPreviousPage: p.hasPrev}
	for _, v := range p.items {
		n, ok := v.(N)
		if !ok {
			continue
		}
		cursor := ""
		if !p.noCursors {
			cursor = encodeCursor(nodeID(v))
		}
		all = append(all, mk(cursor, n))
	}
	out := make([]*E, len(all))
	for i := range all {
		out[i] = &all[i]
	}
	if len(p.items) > 0 && !p.noCursors {
		start, end := encodeCursor(nodeID(p.items[0])), encodeCursor(nodeID(p.items[len(p.items)-1]))
		info.StartCursor, info.EndCursor = &start, &end
	}
	return out, info
}

func actorConn(p *pageData) *model.ActorConnection {
	w := actorWrapper{n: len(p.items)}
	e, pi := edges(p, func(c string, n *parley.Actor) model.ActorEdge {
		return model.ActorEdge{Cursor: c, Node: w.wrap(n)}
	})
	return &model.ActorConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func roleConn(p *pageData) *model.RoleConnection {
	e, pi := edges(p, func(c string, n *parley.Role) model.RoleEdge { return model.RoleEdge{Cursor: c, Node: n} })
	return &model.RoleConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func relationConn(p *pageData) *model.RelationConnection {
	e, pi := edges(p, func(c string, n *parley.Relation) model.RelationEdge { return model.RelationEdge{Cursor: c, Node: n} })
	return &model.RelationConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func participationConn(p *pageData) *model.ParticipationConnection {
	e, pi := edges(p, func(c string, n *parley.Participation) model.ParticipationEdge {
		return model.ParticipationEdge{Cursor: c, Node: n}
	})
	return &model.ParticipationConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func positionConn(p *pageData) *model.PositionConnection {
	e, pi := edges(p, func(c string, n *parley.Position) model.PositionEdge { return model.PositionEdge{Cursor: c, Node: n} })
	return &model.PositionConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func commitmentConn(p *pageData) *model.CommitmentConnection {
	e, pi := edges(p, func(c string, n *parley.Commitment) model.CommitmentEdge {
		return model.CommitmentEdge{Cursor: c, Node: n}
	})
	return &model.CommitmentConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func claimConn(p *pageData) *model.ClaimConnection {
	e, pi := edges(p, func(c string, n *parley.Claim) model.ClaimEdge { return model.ClaimEdge{Cursor: c, Node: n} })
	return &model.ClaimConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

// claimsAbout is the page of claims about a node.
func (r *Resolver) claimsAbout(ctx context.Context, id string, pv provenance, pa pageArgs) (*model.ClaimConnection, error) {
	return conn(r, ctx, claimConn, parley.TypeClaim, "about", id, pv.filter(parley.Filter{}), pa)
}

// claimsBy is the page of claims an actor makes.
func (r *Resolver) claimsBy(ctx context.Context, id string, pv provenance, pa pageArgs) (*model.ClaimConnection, error) {
	return conn(r, ctx, claimConn, parley.TypeClaim, "claimant", id, pv.filter(parley.Filter{}), pa)
}

func statementConn(p *pageData) *model.StatementConnection {
	e, pi := edges(p, func(c string, n *parley.Statement) model.StatementEdge {
		return model.StatementEdge{Cursor: c, Node: n}
	})
	return &model.StatementConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func documentConn(p *pageData) *model.DocumentConnection {
	e, pi := edges(p, func(c string, n *parley.Document) model.DocumentEdge { return model.DocumentEdge{Cursor: c, Node: n} })
	return &model.DocumentConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func eventConn(p *pageData) *model.EventConnection {
	e, pi := edges(p, func(c string, n *parley.Event) model.EventEdge { return model.EventEdge{Cursor: c, Node: n} })
	return &model.EventConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func issueConn(p *pageData) *model.IssueConnection {
	e, pi := edges(p, func(c string, n *parley.Issue) model.IssueEdge { return model.IssueEdge{Cursor: c, Node: n} })
	return &model.IssueConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func propositionConn(p *pageData) *model.PropositionConnection {
	e, pi := edges(p, func(c string, n *parley.Proposition) model.PropositionEdge {
		return model.PropositionEdge{Cursor: c, Node: n}
	})
	return &model.PropositionConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func sourceConn(p *pageData) *model.SourceConnection {
	e, pi := edges(p, func(c string, n *parley.Source) model.SourceEdge { return model.SourceEdge{Cursor: c, Node: n} })
	return &model.SourceConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

func nodeConn(p *pageData) *model.NodeConnection {
	w := actorWrapper{n: len(p.items)}
	e, pi := edges(p, func(c string, n any) model.NodeEdge {
		if a, ok := n.(*parley.Actor); ok {
			return model.NodeEdge{Cursor: c, Node: w.wrap(a)}
		}
		return model.NodeEdge{Cursor: c, Node: model.WrapNode(n)}
	})
	return &model.NodeConnection{Edges: e, PageInfo: pi, TotalCount: p.total}
}

// conn runs a list and shapes it with mk.
func conn[C any](r *Resolver, ctx context.Context, mk func(*pageData) C, of parley.NodeType, via, parent string, f parley.Filter, pa pageArgs) (C, error) {
	p, err := r.list(ctx, of, via, parent, f, pa)
	if err != nil {
		var zero C
		return zero, err
	}
	if !wantsCursors(ctx) {
		q := *p
		q.noCursors = true
		p = &q
	}
	return mk(p), nil
}

// wantsCursors reports whether the connection being resolved is asked for
// a cursor: its edges' cursor, or its pageInfo's startCursor or endCursor.
// A fragment counts whatever its type condition and directives: a cursor
// made for nothing costs less than one missing.
func wantsCursors(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !graphql.HasOperationContext(ctx) {
		return true
	}
	doc := graphql.GetOperationContext(ctx).Doc
	return selects(doc, fc.Field.Selections, func(f *ast.Field) bool {
		switch f.Name {
		case "edges":
			return selects(doc, f.SelectionSet, func(f *ast.Field) bool { return f.Name == "cursor" })
		case "pageInfo":
			return selects(doc, f.SelectionSet, func(f *ast.Field) bool { return f.Name == "startCursor" || f.Name == "endCursor" })
		}
		return false
	})
}

// selects reports whether a field of sel, or of the fragments it spreads,
// satisfies want.
func selects(doc *ast.QueryDocument, sel ast.SelectionSet, want func(*ast.Field) bool) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if want(s) {
				return true
			}
		case *ast.InlineFragment:
			if selects(doc, s.SelectionSet, want) {
				return true
			}
		case *ast.FragmentSpread:
			def := s.Definition
			if def == nil && doc != nil {
				def = doc.Fragments.ForName(s.Name)
			}
			if def == nil || selects(doc, def.SelectionSet, want) {
				return true
			}
		}
	}
	return false
}

// all fetches every node of a small bounded list (at most maxPage).
func all[T any](r *Resolver, ctx context.Context, of parley.NodeType, via, parent string, f parley.Filter) ([]*T, error) {
	n := maxPage
	p, err := r.list(ctx, of, via, parent, f, pageArgs{first: &n})
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(p.items))
	for _, v := range p.items {
		if t, ok := v.(*T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// actorWrapper wraps the actors of a page as their kinds' GraphQL types,
// as model.WrapActor does, the wrappers of each kind in one allocation
// for the page rather than one each.
type actorWrapper struct {
	n       int // the most actors to wrap
	persons []model.Person
	states  []model.State
	orgs    []model.Organization
	groups  []model.Group
}

func (w *actorWrapper) wrap(a *parley.Actor) model.Actor {
	switch a.Kind {
	case parley.Person:
		return wrapIn(&w.persons, w.n, model.Person{Actor: a})
	case parley.State:
		return wrapIn(&w.states, w.n, model.State{Actor: a})
	case parley.Organization:
		return wrapIn(&w.orgs, w.n, model.Organization{Actor: a})
	default:
		return wrapIn(&w.groups, w.n, model.Group{Actor: a})
	}
}

// wrapIn appends v to *s, made for n values at the first, and returns
// where it is.
func wrapIn[T any](s *[]T, n int, v T) *T {
	if *s == nil || len(*s) == cap(*s) {
		*s = make([]T, 0, max(n, 1))
	}
	*s = append(*s, v)
	return &(*s)[len(*s)-1]
}
