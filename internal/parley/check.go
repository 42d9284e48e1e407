package parley

import (
	"fmt"
	"reflect"
	"sort"
)

// Item is one node of a file, as an import reads it: the file's name, the
// node's path in it (such as "positions[3]") and the node (a *Position…).
// The item with Path "defaultSource" carries the file's default source, a
// string, instead of a node.
type Item struct {
	File string
	Path string
	Node any
}

// Checker validates the nodes of an import one at a time, so that a large
// import need not hold all of them: Declare each node (or a batch of them)
// before checking it, Check it, and when every node is read, Finish. The
// rules are those of Validate, which runs on a Checker. A reference to an
// id not declared yet is checked again by Finish; a node whose evidence
// names a source not declared yet waits, whole, until Finish.
type Checker struct {
	v        validator
	files    map[string]*fileState
	deferred []deferred
	links    map[string]map[string]link // issue, event, document: id → its parent
}

type fileState struct {
	defaultSource string
	known         bool // the file's defaultSource has been read
}

type deferred struct {
	item Item
	seq  int
}

type link struct {
	file, path string
	next       string
}

// NewChecker returns a Checker that also checks against what existing
// holds (nil: nothing).
func NewChecker(existing Lookup) *Checker {
	return &Checker{
		v:     validator{existing: existing, types: map[string]NodeType{}, raw: map[string]string{}, prepared: map[string]*prepared{}},
		files: map[string]*fileState{},
		links: map[string]map[string]link{"issue": {}, "event": {}, "document": {}},
	}
}

func (c *Checker) file(name string) *fileState {
	f, ok := c.files[name]
	if !ok {
		f = &fileState{}
		c.files[name] = f
	}
	return f
}

// isNil reports whether a node is missing (an empty entry of a file,
// which its reader reports).
func isNil(x any) bool {
	if x == nil {
		return true
	}
	v := reflect.ValueOf(x)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Declare records the id and type of the item's node.
func (c *Checker) Declare(it Item) {
	if it.Path == "defaultSource" || isNil(it.Node) {
		return
	}
	v := &c.v
	v.phase, v.file, v.pinned = 0, it.File, 0
	t, id := Describe(it.Node)
	v.declare(it.Path, id, t)
	switch x := it.Node.(type) {
	case *Source:
		if x.ID != "" && x.Text != "" {
			v.raw[x.ID] = x.Text
			delete(v.prepared, x.ID)
		}
	case *Issue:
		c.links["issue"][x.ID] = link{it.File, it.Path + ".parent", x.Parent}
	case *Event:
		c.links["event"][x.ID] = link{it.File, it.Path + ".partOf", x.PartOf}
	case *Document:
		c.links["document"][x.ID] = link{it.File, it.Path + ".package", x.Package}
	}
}

// Check checks a declared item and completes its node: evidence gets its
// source, offsets and the source's exact words, ranks their default. It
// returns false when the node waits for Finish (its evidence names a
// source not declared yet); then the node is not complete yet.
func (c *Checker) Check(it Item) bool {
	fs := c.file(it.File)
	v := &c.v
	if it.Path == "defaultSource" {
		s, _ := it.Node.(string)
		fs.defaultSource, fs.known = s, true
		v.phase, v.file, v.pinned = 1, it.File, 0
		v.ref("", "defaultSource", s, false, TypeSource)
		return true
	}
	if isNil(it.Node) {
		return true
	}
	if !v.final && !c.ready(it.Node, fs) {
		v.seq++
		c.deferred = append(c.deferred, deferred{it, v.seq})
		return false
	}
	c.check(it, fs, 0)
	return true
}

func (c *Checker) check(it Item, fs *fileState, seq int) {
	v := &c.v
	v.phase, v.file, v.defaultSource, v.pinned = 1, it.File, fs.defaultSource, seq
	v.node(it.Path, it.Node)
	v.pinned = 0
}

// ready reports whether every source the node's evidence names is known.
func (c *Checker) ready(x any, fs *fileState) bool {
	ok := func(evs []*Evidence) bool {
		for _, ev := range evs {
			if ev == nil {
				continue
			}
			src := ev.Source
			if src == "" {
				if !fs.known {
					return false
				}
				src = fs.defaultSource
			}
			if src == "" {
				continue
			}
			if _, declared := c.v.types[src]; declared {
				continue
			}
			if c.v.existing == nil {
				return false
			}
			if _, stored := c.v.existing.NodeType(src); !stored {
				return false
			}
		}
		return true
	}
	if !ok(EvidenceOf(x)) {
		return false
	}
	if cm, isCommitment := x.(*Commitment); isCommitment {
		for _, s := range cm.Status {
			if s != nil && !ok(s.Evidence) {
				return false
			}
		}
	}
	return true
}

// Finish checks what waited for every node to be declared, and returns
// the items that waited (now checked and complete).
func (c *Checker) Finish() []Item {
	v := &c.v
	v.final = true
	var out []Item
	for _, d := range c.deferred {
		c.check(d.item, c.file(d.item.File), d.seq)
		out = append(out, d.item)
	}
	c.deferred = nil
	pending := v.pending
	v.pending = nil
	for _, p := range pending {
		v.phase, v.file, v.pinned = 1, p.file, p.seq
		v.ref(p.path, p.field, p.id, p.required, p.types...)
	}
	v.pinned = 0
	c.cycles()
	return out
}

// Problems returns every problem found: those of ids first, then those of
// the checks, each in the order of the nodes, then cycles.
func (c *Checker) Problems() []Problem {
	v := &c.v
	idx := make([]int, len(v.problems))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := v.keys[idx[a]], v.keys[idx[b]]
		if ka.phase != kb.phase {
			return ka.phase < kb.phase
		}
		return ka.seq < kb.seq
	})
	out := make([]Problem, len(idx))
	for i, j := range idx {
		out[i] = v.problems[j]
	}
	return out
}

// HasProblems reports whether any problem was found so far.
func (c *Checker) HasProblems() bool { return len(c.v.problems) > 0 }

// cycles reports an issue, event or document that is (through parents)
// its own ancestor.
func (c *Checker) cycles() {
	v := &c.v
	v.phase = 2
	for _, kind := range []string{"issue", "event", "document"} {
		links := c.links[kind]
		ids := make([]string, 0, len(links))
		for id := range links {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			l := links[id]
			seen := map[string]bool{id: true}
			for cur := l.next; cur != ""; {
				if cur == id {
					v.file = l.file
					v.addf(l.path, EInvalid, "%s", fmt.Sprintf("%s %q is its own ancestor", kind, id))
					break
				}
				if seen[cur] {
					break
				}
				seen[cur] = true
				cur = links[cur].next
			}
		}
	}
}
