package graph

import (
	"context"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/parley"
)

// The fields every actor type (Person, State, Organization, Group) has;
// each type's resolver calls these.

func deprecated(b *bool) bool { return b != nil && *b }

func (r *Resolver) actorRoles(ctx context.Context, a *parley.Actor, asOf *parley.Date, pv provenance, includeDeprecated *bool, pa pageArgs) (*model.RoleConnection, error) {
	return conn(r, ctx, roleConn, parley.TypeRole, "holder", a.ID, pv.filter(parley.Filter{AsOf: asOf, IncludeDeprecated: deprecated(includeDeprecated)}), pa)
}

func (r *Resolver) actorMembers(ctx context.Context, a *parley.Actor, asOf *parley.Date, pv provenance, includeDeprecated *bool, pa pageArgs) (*model.RoleConnection, error) {
	return conn(r, ctx, roleConn, parley.TypeRole, "organization", a.ID, pv.filter(parley.Filter{AsOf: asOf, IncludeDeprecated: deprecated(includeDeprecated)}), pa)
}

// actorAffiliations gathers the actors a holds posts in or acts for
// (roles) and is a member, part or affiliate of (relations).
func (r *Resolver) actorAffiliations(ctx context.Context, a *parley.Actor, asOf *parley.Date) ([]*model.Affiliation, error) {
	roles, err := all[parley.Role](r, ctx, parley.TypeRole, "holder", a.ID, parley.Filter{AsOf: asOf})
	if err != nil {
		return nil, err
	}
	rels, err := all[parley.Relation](r, ctx, parley.TypeRelation, "actor", a.ID, parley.Filter{AsOf: asOf})
	if err != nil {
		return nil, err
	}
	var out []*model.Affiliation
	add := func(id, label string, via any) error {
		if id == "" {
			return nil
		}
		other, err := r.actor(ctx, id)
		if err != nil {
			return err
		}
		out = append(out, &model.Affiliation{Actor: other, Label: label, Assertion: via})
		return nil
	}
	for _, ro := range roles {
		if err := add(ro.Organization, ro.Post, ro); err != nil {
			return nil, err
		}
		if ro.OnBehalfOf != ro.Organization {
			if err := add(ro.OnBehalfOf, ro.Post+" (acting for)", ro); err != nil {
				return nil, err
			}
		}
	}
	for _, re := range rels {
		if re.Subject != a.ID {
			continue
		}
		switch re.Kind {
		case "MEMBER_OF", "PART_OF", "AFFILIATED_WITH":
			label := re.Label
			if label == "" {
				label = re.Kind
			}
			if err := add(re.Object, label, re); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func (r *Resolver) actorRelations(ctx context.Context, a *parley.Actor, kind *string, pv provenance, pa pageArgs) (*model.RelationConnection, error) {
	return conn(r, ctx, relationConn, parley.TypeRelation, "actor", a.ID, pv.filter(parley.Filter{Kind: kind}), pa)
}

func (r *Resolver) actorParticipations(ctx context.Context, a *parley.Actor, pv provenance, pa pageArgs) (*model.ParticipationConnection, error) {
	return conn(r, ctx, participationConn, parley.TypeParticipation, "actor", a.ID, pv.filter(parley.Filter{}), pa)
}

func (r *Resolver) actorStatements(ctx context.Context, a *parley.Actor, pv provenance, pa pageArgs) (*model.StatementConnection, error) {
	return conn(r, ctx, statementConn, parley.TypeStatement, "speaker", a.ID, pv.filter(parley.Filter{}), pa)
}

func (r *Resolver) actorPositions(ctx context.Context, a *parley.Actor, stance *parley.Stance, issue *string, asOf *parley.Date, pv provenance, includeDeprecated *bool, pa pageArgs) (*model.PositionConnection, error) {
	f := pv.filter(parley.Filter{Issue: issue, AsOf: asOf, IncludeDeprecated: deprecated(includeDeprecated)})
	if stance != nil {
		s := string(*stance)
		f.Stance = &s
	}
	return conn(r, ctx, positionConn, parley.TypePosition, "holder", a.ID, f, pa)
}

func (r *Resolver) actorCommitments(ctx context.Context, a *parley.Actor, as *string, status *string, asOf *parley.Date, pv provenance, includeDeprecated *bool, pa pageArgs) (*model.CommitmentConnection, error) {
	via := "promisor"
	if as != nil && *as == "BENEFICIARY" {
		via = "beneficiary"
	}
	f := pv.filter(parley.Filter{Status: status, AsOf: asOf, IncludeDeprecated: deprecated(includeDeprecated)})
	return conn(r, ctx, commitmentConn, parley.TypeCommitment, via, a.ID, f, pa)
}

func (r *Resolver) actorDocuments(ctx context.Context, a *parley.Actor, pa pageArgs) (*model.DocumentConnection, error) {
	return conn(r, ctx, documentConn, parley.TypeDocument, "actor", a.ID, parley.Filter{}, pa)
}

func (r *Resolver) actorConflicts(ctx context.Context, a *parley.Actor, pa pageArgs) (*model.ConflictConnection, error) {
	return r.conflicts(ctx, parley.ConflictQuery{Actor: &a.ID}, pa)
}

// provenance is the three provenance filters of a list of assertions: the
// attribution's basis, whose claim it is (by) and the outlet it came through (via).
type provenance struct{ basis, attributedTo, reportedVia *string }

// keeps tells whether an assertion with attribution a passes the
// filters, as the store's List filters do.
func (pv provenance) keeps(a *parley.Attribution) bool {
	if pv.basis == nil && pv.attributedTo == nil && pv.reportedVia == nil {
		return true
	}
	if a == nil {
		return false
	}
	return (pv.basis == nil || *pv.basis == a.Basis) && (pv.attributedTo == nil || *pv.attributedTo == a.By) &&
		(pv.reportedVia == nil || *pv.reportedVia == a.Via)
}

// kept is the items of xs whose attribution (by attr) passes the
// filters, in order; never nil.
func kept[T any](pv provenance, xs []T, attr func(T) *parley.Attribution) []T {
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if pv.keeps(attr(x)) {
			out = append(out, x)
		}
	}
	return out
}

// attributionOf is the attribution of an assertion (nil for another node).
func attributionOf(v any) *parley.Attribution {
	switch x := v.(type) {
	case *parley.Position:
		return x.Attribution
	case *parley.Commitment:
		return x.Attribution
	case *parley.Claim:
		return x.Attribution
	case *parley.Role:
		return x.Attribution
	case *parley.Relation:
		return x.Attribution
	case *parley.Participation:
		return x.Attribution
	case *parley.Requirement:
		return x.Attribution
	case *parley.Statement:
		return x.Attribution
	}
	return nil
}

// filter adds the provenance filters to f.
func (pv provenance) filter(f parley.Filter) parley.Filter {
	f.Basis, f.AttributedTo, f.ReportedVia = pv.basis, pv.attributedTo, pv.reportedVia
	return f
}
