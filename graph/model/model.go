// Package model holds the GraphQL-side types that the domain has no need
// of: the actor kinds as distinct types, interfaces and connections.
package model

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/parley-graph/parley/internal/parley"
)

// Node is any node of the graph: one of the domain's node types, or an
// actor wrapped as its kind's type.
type Node any

// Actor is an actor as one of the GraphQL types Person, State,
// Organization or Group.
type Actor interface {
	// Domain returns the domain's record of the actor.
	Domain() *parley.Actor
}

// Person is an actor of kind PERSON.
type Person struct{ *parley.Actor }

// State is an actor of kind STATE.
type State struct{ *parley.Actor }

// Organization is an actor of kind ORGANIZATION.
type Organization struct{ *parley.Actor }

// Group is an actor of kind GROUP.
type Group struct{ *parley.Actor }

// Domain implements Actor.
func (a Person) Domain() *parley.Actor { return a.Actor }

// Domain implements Actor.
func (a State) Domain() *parley.Actor { return a.Actor }

// Domain implements Actor.
func (a Organization) Domain() *parley.Actor { return a.Actor }

// Domain implements Actor.
func (a Group) Domain() *parley.Actor { return a.Actor }

// WrapActor returns a as the GraphQL type of its kind.
func WrapActor(a *parley.Actor) Actor {
	switch a.Kind {
	case parley.Person:
		return &Person{a}
	case parley.State:
		return &State{a}
	case parley.Organization:
		return &Organization{a}
	default:
		return &Group{a}
	}
}

// WrapNode returns a domain node as the value GraphQL resolves it to:
// actors become their kind's type, other nodes stay as they are.
func WrapNode(n any) Node {
	if a, ok := n.(*parley.Actor); ok {
		return WrapActor(a)
	}
	return n
}

// MarshalPartialDate writes a partial date, or null for an unknown one.
func MarshalPartialDate(d parley.Date) graphql.Marshaler {
	if d == "" {
		return graphql.Null
	}
	return graphql.MarshalString(string(d))
}

// UnmarshalPartialDate reads a partial date and checks its form.
func UnmarshalPartialDate(v any) (parley.Date, error) {
	s, err := graphql.UnmarshalString(v)
	if err != nil {
		return "", err
	}
	d := parley.Date(s)
	if err := d.Check(); err != nil {
		return "", parley.Errorf(parley.EInvalid, "%v", err)
	}
	return d, nil
}

// MarshalStance writes a stance.
func MarshalStance(s parley.Stance) graphql.Marshaler { return graphql.MarshalString(string(s)) }

// UnmarshalStance reads a stance (the schema has checked the value).
func UnmarshalStance(v any) (parley.Stance, error) {
	s, err := graphql.UnmarshalString(v)
	return parley.Stance(s), err
}

// MarshalActorKind writes an actor kind.
func MarshalActorKind(k parley.ActorKind) graphql.Marshaler { return graphql.MarshalString(string(k)) }

// UnmarshalActorKind reads an actor kind (the schema has checked the value).
func UnmarshalActorKind(v any) (parley.ActorKind, error) {
	s, err := graphql.UnmarshalString(v)
	return parley.ActorKind(s), err
}

// MarshalAgreement writes an agreement.
func MarshalAgreement(a parley.Agreement) graphql.Marshaler { return graphql.MarshalString(string(a)) }

// UnmarshalAgreement reads an agreement.
func UnmarshalAgreement(v any) (parley.Agreement, error) {
	s, err := graphql.UnmarshalString(v)
	return parley.Agreement(s), err
}

// StanceGroup is the positions on an issue or proposition that share a
// stance; its positions are fetched as a page when asked for.
type StanceGroup struct {
	Stance parley.Stance
	Count  int
	// Via and Parent say whose positions these are: "issue" or
	// "proposition", and its id.
	Via, Parent string
	AsOf        *parley.Date
}

// MarshalString writes a string, or null for the empty string: in Parley
// an empty text or enum means "not given" (the source does not say), and
// clients see that as null. A non-null field that came out empty is thus
// reported as an error rather than passed off as "".
func MarshalString(s string) graphql.Marshaler {
	if s == "" {
		return graphql.Null
	}
	return graphql.MarshalString(s)
}

// UnmarshalString reads a string.
func UnmarshalString(v any) (string, error) { return graphql.UnmarshalString(v) }

// MarshalChangeOp writes a change's operation.
func MarshalChangeOp(op parley.Op) graphql.Marshaler { return graphql.MarshalString(string(op)) }

// UnmarshalChangeOp reads a change's operation.
func UnmarshalChangeOp(v any) (parley.Op, error) {
	s, err := graphql.UnmarshalString(v)
	return parley.Op(s), err
}
