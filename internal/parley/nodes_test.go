package parley

import "testing"

func TestNodeTypes(t *testing.T) {
	types := []NodeType{TypeSource, TypeActor, TypeEvent, TypeIssue, TypeProposition, TypeDocument, TypeRole,
		TypeRelation, TypeParticipation, TypePosition, TypeCommitment, TypeRequirement, TypeStatement, TypeClaim}
	ds := &Dataset{}
	for _, typ := range types {
		v := New(typ)
		if got, _ := Describe(v); got != typ {
			t.Errorf("Describe(New(%s)) = %q", typ, got)
		}
		if got, _ := ds.Add(v); got != typ {
			t.Errorf("Add(New(%s)) = %q", typ, got)
		}
		if Section(typ) == "" {
			t.Errorf("%s has no section", typ)
		}
	}
	// Each went to its own section, which the dataset's walk names so.
	seen := map[string]NodeType{}
	eachNode(ds, func(path, _ string, typ NodeType) { seen[path] = typ })
	for _, typ := range types {
		if seen[Section(typ)+"[0]"] != typ {
			t.Errorf("%s is not at %s[0]", typ, Section(typ))
		}
	}
	if typ, _ := ds.Add("not a node"); typ != "" || New("Nothing") != nil {
		t.Error("a non-node was taken for one")
	}
}
