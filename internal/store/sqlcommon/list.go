package sqlcommon

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/parley-graph/parley/internal/parley"
)

// listSpec says how to list one type: its table (aliased x) and, for each
// relation to a parent, the SQL expression of the parent's id.
type listSpec struct {
	table     string
	assertion bool // joins assertions a for rank, dates, attribution
	vias      map[string]via
}

// via relates listed rows to parents. parent is an SQL expression; join
// adds tables; tree seeds a recursive walk of issues or events from the
// parents, so that a parent includes its sub-issues or sub-events.
type via struct {
	parent string
	join   string
	tree   string // "issue" or "event"
	// from, when set, replaces "table x" and join: the tree first, so that
	// SQLite walks from the parents inward by the indexes.
	from string
	// alt is a second column naming the parent (a relation's object as
	// well as its subject): the two are looked up apart, each by its index,
	// and their matches joined.
	alt string
}

var lists = map[parley.NodeType]listSpec{
	parley.TypeActor:  {table: "actors", vias: map[string]via{"": {}}},
	parley.TypeSource: {table: "sources", vias: map[string]via{"": {}}},
	parley.TypeEvent: {table: "events", vias: map[string]via{
		"":       {},
		"partOf": {parent: "x.part_of_id"},
		"actor":  {parent: "pp.actor_id", join: "JOIN participations pp ON pp.event_id = x.id"},
	}},
	parley.TypeIssue: {table: "issues", vias: map[string]via{
		"": {},
		// Parent "" lists the top-level issues.
		"parent": {parent: "coalesce(x.parent_id, '')"},
	}},
	parley.TypeProposition: {table: "propositions", vias: map[string]via{
		"":      {},
		"issue": {parent: "tree.root", from: "tree CROSS JOIN propositions x ON x.issue_id = tree.id", tree: "issue"},
	}},
	parley.TypeDocument: {table: "documents", vias: map[string]via{
		"":        {},
		"package": {parent: "x.package_id"},
		"refines": {parent: "x.refines_id"},
		"actor":   {parent: "da.actor_id", join: "JOIN document_actors da ON da.document_id = x.id"},
		"issue":   {parent: "tree.root", from: "tree CROSS JOIN document_issues di ON di.issue_id = tree.id CROSS JOIN documents x ON x.id = di.document_id", tree: "issue"},
	}},
	parley.TypeRole: {table: "roles", assertion: true, vias: map[string]via{
		"":             {},
		"holder":       {parent: "x.holder_id"},
		"organization": {parent: "x.organization_id", alt: "x.on_behalf_of_id"},
	}},
	parley.TypeRelation: {table: "relations", assertion: true, vias: map[string]via{
		"":      {},
		"actor": {parent: "x.subject_id", alt: "x.object_id"},
	}},
	parley.TypeParticipation: {table: "participations", assertion: true, vias: map[string]via{
		"":      {},
		"actor": {parent: "x.actor_id"},
		"event": {parent: "tree.root", from: "tree CROSS JOIN participations x ON x.event_id = tree.id", tree: "event"},
	}},
	parley.TypePosition: {table: "positions", assertion: true, vias: map[string]via{
		"":            {},
		"holder":      {parent: "x.holder_id"},
		"proposition": {parent: "x.proposition_id"},
		"issue":       {parent: "tree.root", from: "tree CROSS JOIN propositions pi ON pi.issue_id = tree.id CROSS JOIN positions x ON x.proposition_id = pi.id", tree: "issue"},
	}},
	parley.TypeCommitment: {table: "commitments", assertion: true, vias: map[string]via{
		"":            {},
		"promisor":    {parent: "cp.actor_id", join: "JOIN commitment_parties cp ON cp.commitment_id = x.id AND cp.role = 'PROMISOR'"},
		"beneficiary": {parent: "cb.actor_id", join: "JOIN commitment_parties cb ON cb.commitment_id = x.id AND cb.role = 'BENEFICIARY'"},
		"document":    {parent: "x.document_id"},
		"issue":       {parent: "tree.root", from: "tree CROSS JOIN commitments x ON x.issue_id = tree.id", tree: "issue"},
	}},
	parley.TypeRequirement: {table: "requirements", assertion: true, vias: map[string]via{
		"":        {},
		"subject": {parent: "x.subject_id"},
		"actor":   {parent: "x.actor_id"},
	}},
	parley.TypeStatement: {table: "statements", assertion: true, vias: map[string]via{
		"":          {},
		"speaker":   {parent: "x.speaker_id"},
		"event":     {parent: "tree.root", from: "tree CROSS JOIN statements x ON x.event_id = tree.id", tree: "event"},
		"expresses": {parent: "se.node_id", join: "JOIN statement_expresses se ON se.statement_id = x.id"},
		"audience":  {parent: "sa.actor_id", join: "JOIN statement_audience sa ON sa.statement_id = x.id"},
	}},
	parley.TypeClaim: {table: "claims", assertion: true, vias: map[string]via{
		"":         {},
		"about":    {parent: "ca.node_id", join: "JOIN claim_about ca ON ca.claim_id = x.id"},
		"claimant": {parent: "x.claimant_id"},
	}},
	// Any node with evidence in a source: the source's assertions and the
	// entities it names.
	"": {table: "nodes", vias: map[string]via{
		"source": {parent: "ev.source_id", join: "JOIN evidence ev ON ev.node_id = x.id"},
	}},
}

// ListVias lists, for each type a store lists, the relations it can be
// listed by ("" for all of the type).
func ListVias() map[parley.NodeType][]string {
	out := map[parley.NodeType][]string{}
	for t, spec := range lists {
		for via := range spec.vias {
			out[t] = append(out[t], via)
		}
	}
	return out
}

// List implements parley.Lister for a SQL store of dialect d, by its
// reads query.
func List(ctx context.Context, d *Dialect, query Query, req parley.ListRequest) (*parley.ListResult, error) {
	spec, ok := lists[req.Of]
	if !ok {
		return nil, parley.Errorf(parley.EInvalid, "cannot list %q", req.Of)
	}
	v, ok := spec.vias[req.Via]
	if !ok {
		return nil, parley.Errorf(parley.EInvalid, "cannot list %s by %q", req.Of, req.Via)
	}
	parents := req.Parents
	parent := v.parent
	if req.Via == "" {
		parents, parent = []string{""}, "''"
	}
	if len(parents) == 0 {
		return &parley.ListResult{Items: map[string][]any{}, IDs: map[string][]string{}, More: map[string]bool{}, Total: map[string]int{}}, nil
	}
	pjson, err := json.Marshal(parents)
	if err != nil {
		return nil, err
	}

	var with []string
	var withArgs []any
	switch v.tree {
	case "issue":
		with = append(with, `tree(root, id) AS (SELECT `+d.Collate("value")+`, `+d.Collate("value")+` FROM json_each(?)
			UNION SELECT tree.root, i.id FROM issues i JOIN tree ON i.parent_id = tree.id)`)
		withArgs = append(withArgs, string(pjson))
	case "event":
		with = append(with, `tree(root, id) AS (SELECT `+d.Collate("value")+`, `+d.Collate("value")+` FROM json_each(?)
			UNION SELECT tree.root, e.id FROM events e JOIN tree ON e.part_of_id = tree.id)`)
		withArgs = append(withArgs, string(pjson))
	}

	from := spec.table + " x " + v.join
	if v.from != "" {
		from = v.from
	}
	joinA := spec.assertion && needsAssertion(req.Filter)
	if joinA {
		from += " JOIN assertions a ON a.id = x.id"
	}
	fw, fa, fwith, fwithArgs, err := filters(d, req.Of, spec, req.Filter, joinA)
	if err != nil {
		return nil, err
	}
	with = append(with, fwith...)
	withArgs = append(withArgs, fwithArgs...)
	prefix := ""
	if len(with) > 0 {
		prefix = "WITH RECURSIVE " + strings.Join(with, ",\n") + "\n"
	}
	// The matching (parent, id) pairs; with a second parent column, the
	// union of the matches by each.
	var parts []string
	var args []any
	for _, col := range []string{parent, v.alt} {
		if col == "" {
			continue
		}
		where := append([]string(nil), fw...)
		var a []any
		if req.Via != "" && v.tree == "" {
			where = append([]string{col + " IN (SELECT value FROM json_each(?))"}, where...)
			a = append(a, string(pjson))
		}
		a = append(a, fa...)
		cond := ""
		if len(where) > 0 {
			cond = " WHERE " + strings.Join(where, " AND ")
		}
		parts = append(parts, fmt.Sprintf("SELECT DISTINCT %s AS parent, x.id AS id FROM %s%s", col, from, cond))
		args = append(args, a...)
	}
	matches := strings.Join(parts, " UNION ")

	res := &parley.ListResult{Items: map[string][]any{}, IDs: map[string][]string{}, More: map[string]bool{}, Total: map[string]int{}}
	// Keyset paging: forward after a cursor in id order, or backward
	// before one in reverse order (turned round below).
	keyset, order, cursor := "id > ?", "id", req.After
	if req.Backward {
		keyset, order, cursor = "id < ?", "id DESC", req.Before
		if cursor == "" {
			keyset = d.Text("?") + " = ''"
		}
	}
	if v.tree == "" {
		// Each parent's page by its own index range: a correlated subquery
		// per parent that stops at the page's end, so a busy parent with a
		// hundred thousand positions costs no more than a quiet one.
		// A node matches a parent at most once unless a second column or
		// a joined table can name the parent again.
		distinct := v.alt != "" || v.join != ""
		if err := pageByParent(ctx, d, query, req, parents, parent, v.alt, from, distinct, fw, fa, prefix, withArgs, res); err != nil {
			return nil, err
		}
	} else {
		record, join := "n.type, n.data, n.version", " CROSS JOIN nodes n ON n.id = p.id"
		if req.IDsOnly {
			record, join = "'', NULL, 0", ""
		}
		page := prefix + `SELECT p.parent, p.id, ` + record + ` FROM (
		SELECT parent, id, row_number() OVER (PARTITION BY parent ORDER BY ` + order + `) AS rn
		FROM (` + matches + `)` + d.As("m") + ` WHERE ` + keyset + `) p` + join + `
		WHERE p.rn <= ? ORDER BY p.parent, p.` + order
		pageArgs := append(append(append([]any{}, withArgs...), args...), cursor, req.First+1)
		rows, err := query(ctx, page, pageArgs...)
		if err != nil {
			return nil, fmt.Errorf("list %s by %q: %w", req.Of, req.Via, err)
		}
		defer rows.Close()
		for rows.Next() {
			var par, id, t string
			var data []byte
			var version int
			if err := rows.Scan(&par, &id, &t, &data, &version); err != nil {
				return nil, err
			}
			if len(res.IDs[par]) == req.First {
				res.More[par] = true
				continue
			}
			res.IDs[par] = append(res.IDs[par], id)
			if req.IDsOnly {
				continue
			}
			node, err := DecodeAt(parley.NodeType(t), data, version)
			if err != nil {
				return nil, err
			}
			res.Items[par] = append(res.Items[par], node)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows.Close()
	}
	if req.Backward {
		for _, items := range res.Items {
			slices.Reverse(items)
		}
		for _, ids := range res.IDs {
			slices.Reverse(ids)
		}
	}

	if req.Count {
		count := prefix + "SELECT parent, count(*) FROM (" + matches + ")" + d.As("m") + " GROUP BY parent"
		crows, err := query(ctx, count, append(append([]any{}, withArgs...), args...)...)
		if err != nil {
			return nil, fmt.Errorf("count %s by %q: %w", req.Of, req.Via, err)
		}
		defer crows.Close()
		for crows.Next() {
			var par string
			var n int
			if err := crows.Scan(&par, &n); err != nil {
				return nil, err
			}
			res.Total[par] = n
		}
		if err := crows.Err(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// pageByParent fills res with each parent's page: one statement finds the
// ids (a correlated subquery per parent, walking its index range and
// stopping after the page), one more fetches their records.
func pageByParent(ctx context.Context, d *Dialect, query Query, req parley.ListRequest, parents []string, parent, alt, from string, distinct bool,
	fw []string, fa []any, prefix string, withArgs []any, res *parley.ListResult) error {
	keyset, order, cursor := "x.id > ?", "id", req.After
	if req.Backward {
		keyset, order, cursor = "x.id < ?", "id DESC", req.Before
		if cursor == "" {
			keyset = d.Text("?") + " = ''"
		}
	}
	var inner []string
	var innerArgs []any
	for _, col := range []string{parent, alt} {
		if col == "" {
			continue
		}
		where := append([]string{keyset}, fw...)
		a := append([]any{cursor}, fa...)
		if req.Via != "" {
			where = append([]string{col + " = p.value"}, where...)
		}
		inner = append(inner, fmt.Sprintf("SELECT x.id AS id FROM %s WHERE %s", from, strings.Join(where, " AND ")))
		innerArgs = append(innerArgs, a...)
	}
	page := `SELECT DISTINCT id FROM (` + strings.Join(inner, " UNION ALL ") + `)` + d.As("u") + ` ORDER BY ` + order + ` LIMIT ?`
	if !distinct {
		// Ordered by the listed table's own id, so that an index ending
		// in id (positions by proposition, stance, id) yields the page in
		// order and stops at its end, without sorting every match.
		page = inner[0] + ` ORDER BY x.` + order + ` LIMIT ?`
	}
	// One row for the whole batch: each parent, then its page, packed in
	// one text (fields apart by the ASCII unit separator, parents by the
	// record separator; stored ids are lower-case letters, digits and '-',
	// parley.idPattern). A row per parent through cgo or the wire, each
	// page a JSON array decoded, cost more than finding the ids.
	ids := prefix + `SELECT group_concat(p.value || char(31) || coalesce((SELECT group_concat(id, char(31)) FROM (` + page + `)` + d.As("g") + `), ''), char(30))
		FROM json_each(?) p`
	// A parent holding a separator names no stored node: its page is
	// empty, and it is kept out of the packed text.
	var asked []string
	for _, p := range parents {
		if strings.ContainsAny(p, "\x1e\x1f") {
			res.IDs[p] = nil
			continue
		}
		asked = append(asked, p)
	}
	if len(asked) == 0 {
		return nil
	}
	pjson, _ := json.Marshal(asked)
	args := append(append(append([]any{}, withArgs...), innerArgs...), req.First+1, string(pjson))
	packed, err := scanOne(ctx, query, ids, args...)
	if err != nil {
		return fmt.Errorf("list %s by %q: %w", req.Of, req.Via, err)
	}
	pages := map[string][]string{}
	var all []string
	for rec := range strings.SplitSeq(packed.String, "\x1e") {
		if !packed.Valid {
			break
		}
		f := strings.Split(rec, "\x1f")
		par, got := f[0], f[1:]
		if len(got) == 1 && got[0] == "" {
			got = nil
		}
		// In id order (descending for a backward page, which List
		// turns), whatever order the engine aggregated them in.
		slices.Sort(got)
		if req.Backward {
			slices.Reverse(got)
		}
		if len(got) > req.First {
			got, res.More[par] = got[:req.First], true
		}
		pages[par] = got
		res.IDs[par] = got
		all = append(all, got...)
	}
	if len(all) == 0 || req.IDsOnly {
		return nil
	}
	nodes, err := Nodes(ctx, query, all)
	if err != nil {
		return err
	}
	for par, got := range pages {
		for _, id := range got {
			if n, ok := nodes[id]; ok {
				res.Items[par] = append(res.Items[par], n)
			}
		}
	}
	return nil
}

// needsAssertion reports whether a list filtered by f reads the listed
// assertions' own row (a): for their dates or their attribution. Without
// it, that an assertion is live is read from the partial index of the
// deprecated (liveCondition), and the assertions table is not read.
func needsAssertion(f parley.Filter) bool {
	return f.AsOf != nil || f.ReportedVia != nil || f.Basis != nil || f.AttributedTo != nil
}

// liveCondition says that the listed assertion x is not deprecated, by a
// look-up in the partial index of the deprecated assertions (small, and
// read from the page cache) rather than in the assertions table: the ten
// opposing positions on each of twenty propositions took 226 µs joined
// to their assertions at 100k assertions, 98 µs so. SQLite's planner,
// without statistics, prefers the primary key of assertions, hence
// INDEXED BY (PostgreSQL's driver drops it: internal/postgres/driver.go).
// NOT IN (SELECT id …) would read the whole index for every parent of a
// page: 32 ms for twenty parents with a third of the graph deprecated.
const liveCondition = "NOT EXISTS (SELECT 1 FROM assertions dep INDEXED BY assertions_deprecated WHERE dep.id = x.id AND dep.rank = 'DEPRECATED')"

// scanOne runs a statement of one row and one text column (NULL for no
// value).
func scanOne(ctx context.Context, query Query, q string, args ...any) (sql.NullString, error) {
	var v sql.NullString
	rows, err := query(ctx, q, args...)
	if err != nil {
		return v, err
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return v, err
		}
	}
	return v, rows.Err()
}

// filters turns a Filter into conditions on the listed table x (and a,
// its assertion row, when joinA says it is joined). It refuses a filter
// that does not apply to the type, rather than ignore it.
func filters(d *Dialect, t parley.NodeType, spec listSpec, f parley.Filter, joinA bool) (where []string, args []any, with []string, withArgs []any, err error) {
	bad := func(name string) error {
		return parley.Errorf(parley.EInvalid, "%s cannot be filtered by %s", t, name)
	}
	eq := func(name string, val *string, column string, types ...parley.NodeType) {
		if val == nil || err != nil {
			return
		}
		for _, ok := range types {
			if ok == t {
				where = append(where, column+" = ?")
				args = append(args, *val)
				return
			}
		}
		err = bad(name)
	}
	if t == parley.TypeDocument {
		eq("kind", f.Kind, "x.type", parley.TypeDocument)
	} else {
		eq("kind", f.Kind, "x.kind", parley.TypeActor, parley.TypeEvent, parley.TypeRelation, parley.TypeClaim)
	}
	eq("holder", f.Holder, "x.holder_id", parley.TypePosition, parley.TypeRole)
	eq("proposition", f.Proposition, "x.proposition_id", parley.TypePosition)
	eq("stance", f.Stance, "x.stance", parley.TypePosition)
	eq("speechAct", f.SpeechAct, "x.speech_act", parley.TypePosition)
	eq("status", f.Status, "x.status", parley.TypeCommitment, parley.TypeDocument)
	eq("bindingness", f.Bindingness, "x.bindingness", parley.TypeCommitment)
	eq("document", f.Document, "x.document_id", parley.TypeCommitment)
	eq("speaker", f.Speaker, "x.speaker_id", parley.TypeStatement)
	eq("event", f.Event, "x.event_id", parley.TypeStatement, parley.TypeParticipation)
	eq("claimant", f.Claimant, "x.claimant_id", parley.TypeClaim)
	if err != nil {
		return
	}
	if f.About != nil {
		if t != parley.TypeClaim {
			return nil, nil, nil, nil, bad("about")
		}
		where = append(where, "EXISTS (SELECT 1 FROM claim_about f WHERE f.claim_id = x.id AND f.node_id = ?)")
		args = append(args, *f.About)
	}
	if f.Organization != nil {
		if t != parley.TypeRole {
			return nil, nil, nil, nil, bad("organization")
		}
		where = append(where, "(x.organization_id = ? OR x.on_behalf_of_id = ?)")
		args = append(args, *f.Organization, *f.Organization)
	}
	if f.Promisor != nil || f.Beneficiary != nil {
		if t != parley.TypeCommitment {
			return nil, nil, nil, nil, bad("promisor or beneficiary")
		}
		if f.Promisor != nil {
			where = append(where, "EXISTS (SELECT 1 FROM commitment_parties f WHERE f.commitment_id = x.id AND f.role = 'PROMISOR' AND f.actor_id = ?)")
			args = append(args, *f.Promisor)
		}
		if f.Beneficiary != nil {
			where = append(where, "EXISTS (SELECT 1 FROM commitment_parties f WHERE f.commitment_id = x.id AND f.role = 'BENEFICIARY' AND f.actor_id = ?)")
			args = append(args, *f.Beneficiary)
		}
	}
	if f.NamePrefix != nil {
		if t != parley.TypeActor {
			return nil, nil, nil, nil, bad("name")
		}
		// Any word of a name or alias: its start, or after a space or hyphen.
		where = append(where, `EXISTS (SELECT 1 FROM actor_names f WHERE f.actor_id = x.id
			AND (f.name `+d.Like+` `+d.Text("?")+` ESCAPE '\' OR f.name `+d.Like+` '% ' || `+d.Text("?")+` ESCAPE '\' OR f.name `+d.Like+` '%-' || `+d.Text("?")+` ESCAPE '\'))`)
		p := likePrefix(*f.NamePrefix)
		args = append(args, p, p, p)
	}
	if f.Affiliation != nil {
		if t != parley.TypeActor {
			return nil, nil, nil, nil, bad("affiliation")
		}
		where = append(where, `(EXISTS (SELECT 1 FROM roles f JOIN assertions fa ON fa.id = f.id
				WHERE f.holder_id = x.id AND fa.rank <> 'DEPRECATED' AND ? IN (f.organization_id, f.on_behalf_of_id))
			OR EXISTS (SELECT 1 FROM relations f JOIN assertions fa ON fa.id = f.id
				WHERE f.subject_id = x.id AND f.object_id = ? AND fa.rank <> 'DEPRECATED' AND f.kind IN ('MEMBER_OF', 'PART_OF', 'AFFILIATED_WITH')))`)
		args = append(args, *f.Affiliation, *f.Affiliation)
	}
	if f.Issue != nil {
		var column string
		switch t {
		case parley.TypePosition:
			column = "(SELECT issue_id FROM propositions WHERE id = x.proposition_id)"
		case parley.TypeCommitment, parley.TypeProposition:
			column = "x.issue_id"
		case parley.TypeDocument:
			column = "(SELECT issue_id FROM document_issues WHERE document_id = x.id)"
		default:
			return nil, nil, nil, nil, bad("issue")
		}
		with = append(with, `ftree(id) AS (SELECT `+d.Collate(d.Text("?"))+` UNION SELECT i.id FROM issues i JOIN ftree ON i.parent_id = ftree.id)`)
		withArgs = append(withArgs, *f.Issue)
		if t == parley.TypeDocument {
			where = append(where, "EXISTS (SELECT 1 FROM document_issues f WHERE f.document_id = x.id AND f.issue_id IN (SELECT id FROM ftree))")
		} else {
			where = append(where, column+" IN (SELECT id FROM ftree)")
		}
	}
	if f.ReportedVia != nil {
		if !spec.assertion {
			return nil, nil, nil, nil, bad("reportedVia")
		}
		where = append(where, "a.reported_via = ?")
		args = append(args, *f.ReportedVia)
	}
	for _, pv := range []struct {
		name, column string
		val          *string
	}{{"basis", "a.attribution_basis", f.Basis}, {"attributedTo", "a.attributed_to", f.AttributedTo}} {
		if pv.val == nil {
			continue
		}
		if !spec.assertion {
			return nil, nil, nil, nil, bad(pv.name)
		}
		where = append(where, pv.column+" = ?")
		args = append(args, *pv.val)
	}
	if spec.assertion {
		if !f.IncludeDeprecated {
			if joinA {
				where = append(where, "a.rank <> 'DEPRECATED'")
			} else {
				where = append(where, liveCondition)
			}
		}
		if f.AsOf != nil {
			where = append(where, "(a.valid_from IS NULL OR "+ValidStart+" <= ?) AND (a.valid_to IS NULL OR "+d.ValidEnd+" >= ?)")
			args = append(args, f.AsOf.End(), f.AsOf.Start())
		}
	} else if f.AsOf != nil {
		return nil, nil, nil, nil, bad("asOf")
	}
	return where, args, with, withArgs, nil
}

// likePrefix escapes s for LIKE and appends the wildcard.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}
