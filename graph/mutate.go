package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/parley-graph/parley/graph/model"
	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
)

// Input maps hold optional values as pointers (*string, *bool…), nil when
// the field was given as null; these read them.

func isNull(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

func deref(v any) any {
	if isNull(v) {
		return nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		return rv.Elem().Interface()
	}
	return v
}

func str(v any) string {
	s, _ := deref(v).(string)
	return s
}

func boolean(v any) bool {
	b, _ := deref(v).(bool)
	return b
}

// authorize checks that the request's token has at least role.
func authorize(ctx context.Context, role string) error {
	p := parley.PrincipalFrom(ctx)
	if p == nil {
		return parley.Errorf(parley.EUnauthenticated, "this needs a token with role %s: send the header Authorization: Bearer <token>", role)
	}
	if !p.Can(role) {
		return parley.Errorf(parley.EForbidden, "the token %q has role %s; this needs %s", p.Name, p.Role, role)
	}
	return nil
}

// decodeInto decodes a JSON-shaped map into a new value of v's type,
// refusing fields the type does not have.
func decodeInto(m map[string]any, v any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return parley.Errorf(parley.EInvalid, "input: %v", err)
	}
	return nil
}

// toMap turns a domain node into its JSON-shaped map.
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// rebuild makes a new node of the same type as n from n's fields as
// changed by edit.
func rebuild(n any, edit func(map[string]any)) (any, error) {
	m, err := toMap(n)
	if err != nil {
		return nil, err
	}
	edit(m)
	out := reflect.New(reflect.TypeOf(n).Elem()).Interface()
	return out, decodeInto(m, out)
}

// inputError rewrites the paths of validation problems from the store's
// dataset form ("positions[0].evidence[1].quote") to the mutation's
// ("input.evidence[1].quote"), and leads with the first problem.
func inputError(err error, prefixes map[string]string) error {
	pe, ok := err.(*parley.Error)
	if !ok || len(pe.Problems) == 0 {
		return err
	}
	out := &parley.Error{Code: pe.Code}
	for _, p := range pe.Problems {
		// The longest matching prefix wins ("commitments[0].status[2]"
		// before "commitments[0]").
		best := ""
		for from := range prefixes {
			if len(from) > len(best) && (p.Path == from || strings.HasPrefix(p.Path, from+".") || strings.HasPrefix(p.Path, from+"[")) {
				best = from
			}
		}
		if best != "" {
			p.Path = prefixes[best] + strings.TrimPrefix(p.Path, best)
		}
		p.File = ""
		out.Problems = append(out.Problems, p)
	}
	first := out.Problems[0]
	out.Message = first.Path + ": " + first.Message
	if n := len(out.Problems) - 1; n > 0 {
		out.Message += fmt.Sprintf(" (and %d more problems: see extensions.problems)", n)
	}
	return out
}

func changePtrs(cs []parley.Change) []*parley.Change {
	out := make([]*parley.Change, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	return out
}

// expectedVersion takes the optional expectedVersion out of a mutation's
// input: 0 when not given.
func expectedVersion(input map[string]any) (int, map[string]any, error) {
	v, ok := input["expectedVersion"]
	if !ok {
		return 0, input, nil
	}
	rest := make(map[string]any, len(input))
	for k, x := range input {
		if k != "expectedVersion" {
			rest[k] = x
		}
	}
	if isNull(v) {
		return 0, rest, nil
	}
	n, ok := toInt(deref(v))
	if !ok || n < 1 {
		return 0, nil, parley.Errorf(parley.EInvalid, "input.expectedVersion: a version is a whole number from 1 (the node's version field)")
	}
	return n, rest, nil
}

// written returns the node with the id as a write left it: as the write's
// change recorded it, or, when the write changed nothing, as it was read.
func written[T any](id string, changes []parley.Change, read *T) (*T, error) {
	for i := len(changes) - 1; i >= 0; i-- {
		if c := changes[i]; c.NodeID == id && c.Node != nil {
			t, ok := c.Node.(*T)
			if !ok {
				return nil, parley.Errorf(parley.EInternal, "node %q is a %T", id, c.Node)
			}
			return t, nil
		}
	}
	if read == nil {
		return nil, parley.Errorf(parley.EInternal, "node %q: the write returned no node", id)
	}
	return read, nil
}

// writtenNode is written for a node of any type.
func writtenNode(id string, changes []parley.Change, read any) any {
	for i := len(changes) - 1; i >= 0; i-- {
		if c := changes[i]; c.NodeID == id && c.Node != nil {
			return c.Node
		}
	}
	return read
}

// put creates (isNew) or updates a node of type T from a mutation's input,
// as the n-th node of its section of a dataset ("actors", "positions"…),
// and returns it as stored, with the changes recorded. An update reads the
// node, applies the input and writes the result in one transaction.
func put[T any](ctx context.Context, r *Resolver, section string, input map[string]any, isNew bool) (*T, []*parley.Change, error) {
	if err := authorize(ctx, parley.RoleEditor); err != nil {
		return nil, nil, err
	}
	id := str(input["id"])
	paths := map[string]string{section + "[0]": "input"}
	if isNew {
		t := new(T)
		if err := decodeInto(input, t); err != nil {
			return nil, nil, err
		}
		changes, err := r.Store.Apply(ctx, []parley.Mutation{{Put: t, New: true}})
		if err != nil {
			return nil, nil, inputError(err, paths)
		}
		out, err := written[T](id, changes, nil)
		return out, changePtrs(changes), err
	}
	expected, input, err := expectedVersion(input)
	if err != nil {
		return nil, nil, err
	}
	var read *T
	changes, err := r.Store.Update(ctx, id, func(n any) ([]parley.Mutation, error) {
		cur, ok := n.(*T)
		if !ok {
			var zero T
			return nil, parley.Errorf(parley.EConflict, "%q is a %T, not a %T", id, n, &zero)
		}
		read = cur
		rec, err := toMap(n)
		if err != nil {
			return nil, err
		}
		for k, v := range input {
			if isNull(v) {
				delete(rec, k)
			} else {
				rec[k] = v
			}
		}
		t := new(T)
		if err := decodeInto(rec, t); err != nil {
			return nil, err
		}
		return []parley.Mutation{{Put: t, IfVersion: expected}}, nil
	})
	if err != nil {
		return nil, nil, inputError(err, paths)
	}
	out, err := written(id, changes, read)
	return out, changePtrs(changes), err
}

// isAssertion reports whether a node carries the assertion fields.
func isAssertion(n any) bool {
	switch n.(type) {
	case *parley.Role, *parley.Relation, *parley.Participation, *parley.Position,
		*parley.Commitment, *parley.Requirement, *parley.Statement, *parley.Claim:
		return true
	}
	return false
}

func (r *Resolver) deleteNode(ctx context.Context, input map[string]any) (*model.DeleteNodePayload, error) {
	if err := authorize(ctx, parley.RoleAdmin); err != nil {
		return nil, err
	}
	expected, input, err := expectedVersion(input)
	if err != nil {
		return nil, err
	}
	id := str(input["id"])
	deprecate := boolean(input["deprecate"])
	if !deprecate {
		changes, err := r.Store.Apply(ctx, []parley.Mutation{{Op: parley.OpDelete, Delete: id, IfVersion: expected}})
		if err != nil {
			return nil, err
		}
		return &model.DeleteNodePayload{ID: id, Changes: changePtrs(changes)}, nil
	}
	reason := str(input["reason"])
	if reason == "" {
		reason = "OTHER"
	}
	var read any
	changes, err := r.Store.Update(ctx, id, func(n any) ([]parley.Mutation, error) {
		if !isAssertion(n) {
			return nil, parley.Errorf(parley.EInvalid, "input.deprecate: %q is not an assertion; only assertions have a rank to deprecate", id)
		}
		read = n
		next, err := rebuild(n, func(m map[string]any) {
			m["rank"], m["rankReason"] = parley.RankDeprecated, reason
		})
		if err != nil {
			return nil, err
		}
		return []parley.Mutation{{Op: parley.OpDeprecate, Put: next, IfVersion: expected}}, nil
	})
	if err != nil {
		return nil, err
	}
	now := writtenNode(id, changes, read)
	return &model.DeleteNodePayload{ID: id, Deprecated: true, Node: model.WrapNode(now), Changes: changePtrs(changes)}, nil
}

// sectionOf names the dataset section of a node, for problem paths.
func sectionOf(n any) string {
	t, _ := parley.Describe(n)
	return parley.Section(t)
}

// editEvidence changes the evidence of the node with the id, reading and
// writing it in one transaction. edit returns the new list and, for
// problem paths, which of the node's paths stand for which of the input's.
func (r *Resolver) editEvidence(ctx context.Context, input map[string]any, edit func([]any) ([]any, map[string]string, error)) (*model.EvidencePayload, error) {
	if err := authorize(ctx, parley.RoleEditor); err != nil {
		return nil, err
	}
	expected, input, err := expectedVersion(input)
	if err != nil {
		return nil, err
	}
	id := str(input["id"])
	var read any
	prefixes := map[string]string{}
	changes, err := r.Store.Update(ctx, id, func(n any) ([]parley.Mutation, error) {
		if _, ok := n.(*parley.Source); ok {
			return nil, parley.Errorf(parley.EInvalid, "input.id: a source has no evidence")
		}
		read = n
		var editErr error
		var paths map[string]string
		next, err := rebuild(n, func(m map[string]any) {
			evs, _ := m["evidence"].([]any)
			evs, paths, editErr = edit(evs)
			m["evidence"] = evs
		})
		if editErr != nil {
			return nil, editErr
		}
		if err != nil {
			return nil, err
		}
		sec := sectionOf(n) + "[0]"
		clear(prefixes)
		for k, v := range paths {
			prefixes[sec+k] = v
		}
		prefixes[sec] = "input"
		return []parley.Mutation{{Put: next, IfVersion: expected}}, nil
	})
	if err != nil {
		return nil, inputError(err, prefixes)
	}
	now := writtenNode(id, changes, read)
	return &model.EvidencePayload{Node: model.WrapNode(now), Changes: changePtrs(changes)}, nil
}

func (r *Resolver) addEvidence(ctx context.Context, input map[string]any) (*model.EvidencePayload, error) {
	ev, _ := input["evidence"].(map[string]any)
	return r.editEvidence(ctx, input, func(evs []any) ([]any, map[string]string, error) {
		return append(evs, ev), map[string]string{fmt.Sprintf(".evidence[%d]", len(evs)): "input.evidence"}, nil
	})
}

func (r *Resolver) removeEvidence(ctx context.Context, input map[string]any) (*model.EvidencePayload, error) {
	id := str(input["id"])
	index, _ := toInt(deref(input["index"]))
	return r.editEvidence(ctx, input, func(evs []any) ([]any, map[string]string, error) {
		if index < 0 || index >= len(evs) {
			return nil, nil, parley.Errorf(parley.EInvalid, "input.index: %q has %d evidence spans; there is no span %d", id, len(evs), index)
		}
		return append(evs[:index:index], evs[index+1:]...), nil, nil
	})
}

func (r *Resolver) supersedePosition(ctx context.Context, input map[string]any) (*model.SupersedePositionPayload, error) {
	if err := authorize(ctx, parley.RoleEditor); err != nil {
		return nil, err
	}
	expected, input, err := expectedVersion(input)
	if err != nil {
		return nil, err
	}
	oldID := str(input["id"])
	pm, _ := input["position"].(map[string]any)
	rec := make(map[string]any, len(pm)+1)
	for k, v := range pm {
		rec[k] = v
	}
	rec["supersedes"] = oldID
	next := new(parley.Position)
	if err := decodeInto(rec, next); err != nil {
		return nil, err
	}
	changes, err := r.Store.Update(ctx, oldID, func(n any) ([]parley.Mutation, error) {
		old, ok := n.(*parley.Position)
		if !ok {
			return nil, parley.Errorf(parley.EInvalid, "input.id: %q is not a position", oldID)
		}
		if old.SupersededBy != "" {
			return nil, parley.Errorf(parley.EConflict, "input.id: %q is already superseded by %q", oldID, old.SupersededBy)
		}
		replaced, err := rebuild(old, func(m map[string]any) {
			m["rank"], m["rankReason"], m["supersededBy"] = parley.RankDeprecated, "SUPERSEDED", next.ID
		})
		if err != nil {
			return nil, err
		}
		return []parley.Mutation{
			{Op: parley.OpSupersede, Put: next, New: true},
			{Op: parley.OpSupersede, Put: replaced, IfVersion: expected},
		}, nil
	})
	if err != nil {
		return nil, inputError(err, map[string]string{"positions[0]": "input.position", "positions[1]": "input.id"})
	}
	p, err := written[parley.Position](next.ID, changes, nil)
	if err != nil {
		return nil, err
	}
	o, err := written[parley.Position](oldID, changes, nil)
	if err != nil {
		return nil, err
	}
	return &model.SupersedePositionPayload{Position: p, Superseded: o, Changes: changePtrs(changes)}, nil
}

func (r *Resolver) rateCommitment(ctx context.Context, input map[string]any) (*model.CommitmentPayload, error) {
	if err := authorize(ctx, parley.RoleEditor); err != nil {
		return nil, err
	}
	expected, input, err := expectedVersion(input)
	if err != nil {
		return nil, err
	}
	id := str(input["id"])
	entry := map[string]any{"recordedBy": parley.PrincipalFrom(ctx).Name}
	for _, k := range []string{"status", "date", "ratedBy", "note", "evidence"} {
		if v, ok := input[k]; ok && !isNull(v) {
			entry[k] = v
		}
	}
	at := 0
	changes, err := r.Store.Update(ctx, id, func(n any) ([]parley.Mutation, error) {
		c, ok := n.(*parley.Commitment)
		if !ok {
			return nil, parley.Errorf(parley.EInvalid, "input.id: %q is not a commitment", id)
		}
		at = len(c.Status)
		next, err := rebuild(c, func(m map[string]any) {
			hist, _ := m["status"].([]any)
			m["status"] = append(hist, entry)
		})
		if err != nil {
			return nil, err
		}
		return []parley.Mutation{{Op: parley.OpRate, Put: next, IfVersion: expected}}, nil
	})
	if err != nil {
		return nil, inputError(err, map[string]string{fmt.Sprintf("commitments[0].status[%d]", at): "input", "commitments[0]": "input"})
	}
	out, err := written[parley.Commitment](id, changes, nil)
	return &model.CommitmentPayload{Commitment: out, Changes: changePtrs(changes)}, err
}

func (r *Resolver) importDataset(ctx context.Context, input map[string]any) (*model.ImportDatasetPayload, error) {
	if err := authorize(ctx, parley.RoleAdmin); err != nil {
		return nil, err
	}
	text := str(input["yaml"])
	f, err := dataset.Parse("input.yaml", []byte(text), nil)
	if err != nil {
		return nil, importError(err, nil)
	}
	res, err := r.Store.Import(ctx, []*parley.Dataset{f.Dataset})
	if err != nil {
		return nil, importError(err, f)
	}
	return &model.ImportDatasetPayload{Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged}, nil
}

// importError names each problem by its line in the input.
func importError(err error, f *dataset.File) error {
	pe, ok := err.(*parley.Error)
	if !ok || len(pe.Problems) == 0 {
		return err
	}
	if f != nil {
		dataset.Locate(pe.Problems, []*dataset.File{f})
	}
	out := &parley.Error{Code: pe.Code}
	for _, p := range pe.Problems {
		out.Problems = append(out.Problems, p)
	}
	out.Message = pe.Problems[0].String()
	if n := len(pe.Problems) - 1; n > 0 {
		out.Message += fmt.Sprintf(" (and %d more problems: see extensions.problems)", n)
	}
	return out
}

// changesConn pages the history, newest first; the cursor is a change's
// sequence number.
// changesSince answers changes(since:): the changes after a sequence
// number, oldest first; after (an endCursor) moves on from there.
func (r *Resolver) changesSince(ctx context.Context, node *string, since int64, first *int, after *string) (*model.ChangeConnection, error) {
	if since < 0 {
		return nil, parley.Errorf(parley.EInvalid, "since: a sequence number is 0 or more, not %d", since)
	}
	p, err := pageArgs{first: first, after: after}.check()
	if err != nil {
		return nil, err
	}
	from := since
	if p.cursor != "" {
		seq, err := strconv.ParseInt(p.cursor, 10, 64)
		if err != nil {
			return nil, parley.Errorf(parley.EInvalid, "after: not a cursor of changes")
		}
		since = max(since, seq)
	}
	list, more, err := r.Store.Changes(ctx, parley.ChangeQuery{NodeID: node, First: p.size, Since: &since})
	if err != nil {
		return nil, err
	}
	// totalCount counts from the query's since, not the cursor's.
	c := &model.ChangeConnection{PageInfo: &model.PageInfo{HasNextPage: more, HasPreviousPage: since > 0},
		Query: parley.ChangeQuery{NodeID: node, Since: &from}}
	for i := range list {
		c.Edges = append(c.Edges, &model.ChangeEdge{Cursor: encodeCursor(strconv.FormatInt(list[i].Seq, 10)), Node: &list[i]})
	}
	if len(c.Edges) > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[len(c.Edges)-1].Cursor
	}
	return c, nil
}

func (r *Resolver) changesConn(ctx context.Context, node *string, first *int, after *string) (*model.ChangeConnection, error) {
	p, err := pageArgs{first: first, after: after}.check()
	if err != nil {
		return nil, err
	}
	q := parley.ChangeQuery{NodeID: node, First: p.size}
	if p.cursor != "" {
		seq, err := strconv.ParseInt(p.cursor, 10, 64)
		if err != nil {
			return nil, parley.Errorf(parley.EInvalid, "after: not a cursor of changes")
		}
		q.Before = &seq
	}
	list, more, err := r.Store.Changes(ctx, q)
	if err != nil {
		return nil, err
	}
	c := &model.ChangeConnection{PageInfo: &model.PageInfo{HasNextPage: more, HasPreviousPage: after != nil},
		Query: parley.ChangeQuery{NodeID: node}}
	for i := range list {
		c.Edges = append(c.Edges, &model.ChangeEdge{Cursor: encodeCursor(strconv.FormatInt(list[i].Seq, 10)), Node: &list[i]})
	}
	if len(c.Edges) > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[len(c.Edges)-1].Cursor
	}
	return c, nil
}
