package graph

import "github.com/parley-graph/parley/internal/parley"

// listKey is one parent's share of a list request: spec is the request
// without its parents, so requests that differ only by parent batch into
// one store call. Both are plain values: the key is comparable, and equal
// keys are equal requests.
type listKey struct {
	spec   listSpec
	parent string
}

// listSpec is a parley.ListRequest without its parents, as a comparable
// value (the request's filter holds pointers).
type listSpec struct {
	of              parley.NodeType
	via             string
	filter          filterKey
	first           int
	after, before   string
	backward, count bool
}

// opt is an optional string of a filter.
type opt struct {
	set bool
	v   string
}

func optOf[S ~string](p *S) opt {
	if p == nil {
		return opt{}
	}
	return opt{true, string(*p)}
}

func (o opt) ptr() *string {
	if !o.set {
		return nil
	}
	v := o.v
	return &v
}

// filterKey is parley.Filter as a value. TestListKeyCoversTheFilter fails
// when the filter gains a field this does not carry.
type filterKey struct {
	kind, namePrefix, affiliation, holder, proposition, issue, stance, speechAct,
	promisor, beneficiary, status, bindingness, document, speaker, event,
	reportedVia, basis, attributedTo, organization, about, claimant, asOf opt
	includeDeprecated bool
}

func keyOf(r parley.ListRequest) listSpec {
	f := r.Filter
	return listSpec{
		of: r.Of, via: r.Via, first: r.First, after: r.After, before: r.Before, backward: r.Backward, count: r.Count,
		filter: filterKey{
			kind: optOf(f.Kind), namePrefix: optOf(f.NamePrefix), affiliation: optOf(f.Affiliation),
			holder: optOf(f.Holder), proposition: optOf(f.Proposition), issue: optOf(f.Issue),
			stance: optOf(f.Stance), speechAct: optOf(f.SpeechAct), promisor: optOf(f.Promisor),
			beneficiary: optOf(f.Beneficiary), status: optOf(f.Status), bindingness: optOf(f.Bindingness),
			document: optOf(f.Document), speaker: optOf(f.Speaker), event: optOf(f.Event),
			reportedVia: optOf(f.ReportedVia), basis: optOf(f.Basis), attributedTo: optOf(f.AttributedTo),
			organization: optOf(f.Organization), about: optOf(f.About), claimant: optOf(f.Claimant),
			asOf: optOf(f.AsOf), includeDeprecated: f.IncludeDeprecated,
		},
	}
}

// request is the store request of s, without parents.
func (s listSpec) request() parley.ListRequest {
	k := s.filter
	var asOf *parley.Date
	if k.asOf.set {
		d := parley.Date(k.asOf.v)
		asOf = &d
	}
	return parley.ListRequest{
		Of: s.of, Via: s.via, First: s.first, After: s.after, Before: s.before, Backward: s.backward, Count: s.count,
		Filter: parley.Filter{
			Kind: k.kind.ptr(), NamePrefix: k.namePrefix.ptr(), Affiliation: k.affiliation.ptr(),
			Holder: k.holder.ptr(), Proposition: k.proposition.ptr(), Issue: k.issue.ptr(),
			Stance: k.stance.ptr(), SpeechAct: k.speechAct.ptr(), Promisor: k.promisor.ptr(),
			Beneficiary: k.beneficiary.ptr(), Status: k.status.ptr(), Bindingness: k.bindingness.ptr(),
			Document: k.document.ptr(), Speaker: k.speaker.ptr(), Event: k.event.ptr(),
			ReportedVia: k.reportedVia.ptr(), Basis: k.basis.ptr(), AttributedTo: k.attributedTo.ptr(),
			Organization: k.organization.ptr(), About: k.about.ptr(), Claimant: k.claimant.ptr(),
			AsOf: asOf, IncludeDeprecated: k.includeDeprecated,
		},
	}
}
