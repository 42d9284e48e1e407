package parley

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// AppendRecord appends a node's stored form, the bytes json.Marshal gives
// for it, to dst. It writes the node types' fields by hand instead of by
// reflection: a bulk import makes a record for every node, and
// json.Marshal was a tenth of the instructions of importing a file
// (TestAppendRecord compares the two on every type with every field set,
// with none set, and on odd strings; sqlite's TestRecordsAsMarshal on a
// whole generated graph). Any other value goes to json.Marshal.
func AppendRecord(dst []byte, node any) ([]byte, error) {
	o := obj{b: dst}
	switch n := node.(type) {
	case *Source:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("title", n.Title)
		o.strOmit("publisher", n.Publisher)
		o.strOmit("url", n.URL)
		o.strOmit("published", string(n.Published))
		o.strOmit("text", n.Text)
		o.strOmit("textFile", n.TextFile)
		if len(n.LeftOut) > 0 {
			o.key("leftOut")
			o.b = append(o.b, '[')
			for i, l := range n.LeftOut {
				if i > 0 {
					o.b = append(o.b, ',')
				}
				if l == nil {
					o.b = append(o.b, "null"...)
					continue
				}
				e := obj{b: o.b}
				e.open()
				e.str("quote", l.Quote)
				e.intOmit("start", l.Start)
				e.intOmit("end", l.End)
				e.str("reason", l.Reason)
				o.b = e.close()
			}
			o.b = append(o.b, ']')
		}
		return o.close(), nil
	case *Actor:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("kind", string(n.Kind))
		o.str("name", n.Name)
		o.strsOmit("aliases", n.Aliases)
		o.strOmit("description", n.Description)
		if len(n.Evidence) > 0 {
			o.evidence(n.Evidence)
		}
		return o.close(), nil
	case *Event:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("name", n.Name)
		o.str("kind", n.Kind)
		o.strOmit("place", n.Place)
		o.strOmit("date", string(n.Date))
		o.strOmit("partOf", n.PartOf)
		o.strOmit("description", n.Description)
		if len(n.Evidence) > 0 {
			o.evidence(n.Evidence)
		}
		return o.close(), nil
	case *Issue:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("name", n.Name)
		o.strOmit("parent", n.Parent)
		o.strOmit("description", n.Description)
		if len(n.Evidence) > 0 {
			o.evidence(n.Evidence)
		}
		return o.close(), nil
	case *Proposition:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("issue", n.Issue)
		o.str("text", n.Text)
		if len(n.Evidence) > 0 {
			o.evidence(n.Evidence)
		}
		return o.close(), nil
	case *Document:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("title", n.Title)
		o.str("type", n.Type)
		o.strOmit("stage", n.Stage)
		o.strOmit("status", n.Status)
		o.strsOmit("drafters", n.Drafters)
		o.strsOmit("backers", n.Backers)
		o.strsOmit("parties", n.Parties)
		o.strOmit("package", n.Package)
		o.intOmit("packageSize", n.PackageSize)
		o.strOmit("refines", n.Refines)
		o.strsOmit("issues", n.Issues)
		o.strOmit("description", n.Description)
		if len(n.Evidence) > 0 {
			o.evidence(n.Evidence)
		}
		return o.close(), nil
	case *Role:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("holder", n.Holder)
		o.str("post", n.Post)
		o.strOmit("organization", n.Organization)
		o.strOmit("onBehalfOf", n.OnBehalfOf)
		o.assertion(&n.Assertion)
		return o.close(), nil
	case *Relation:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("kind", n.Kind)
		o.str("subject", n.Subject)
		o.str("object", n.Object)
		o.strOmit("label", n.Label)
		o.assertion(&n.Assertion)
		return o.close(), nil
	case *Participation:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("event", n.Event)
		o.str("actor", n.Actor)
		o.str("role", n.Role)
		o.strOmit("onBehalfOf", n.OnBehalfOf)
		o.assertion(&n.Assertion)
		return o.close(), nil
	case *Position:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("holder", n.Holder)
		o.str("proposition", n.Proposition)
		o.str("stance", string(n.Stance))
		o.str("speechAct", n.SpeechAct)
		o.strOmit("summary", n.Summary)
		o.strsOmit("conditions", n.Conditions)
		if n.RedLine {
			o.key("redLine")
			o.b = append(o.b, "true"...)
		}
		o.strOmit("supersedes", n.Supersedes)
		o.strOmit("supersededBy", n.SupersededBy)
		o.assertion(&n.Assertion)
		return o.close(), nil
	case *Commitment:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.strs("promisors", n.Promisors)
		o.strsOmit("beneficiaries", n.Beneficiaries)
		o.str("obligation", n.Obligation)
		o.str("polarity", n.Polarity)
		o.strsOmit("conditions", n.Conditions)
		o.strOmit("bindingness", n.Bindingness)
		o.strOmit("document", n.Document)
		o.strOmit("issue", n.Issue)
		o.key("status")
		if n.Status == nil {
			o.b = append(o.b, "null"...)
		} else {
			o.b = append(o.b, '[')
			for i, s := range n.Status {
				if i > 0 {
					o.b = append(o.b, ',')
				}
				if s == nil {
					o.b = append(o.b, "null"...)
					continue
				}
				e := obj{b: o.b}
				e.open()
				e.str("status", s.Status)
				e.strOmit("date", string(s.Date))
				e.strOmit("ratedBy", s.RatedBy)
				e.strOmit("recordedBy", s.RecordedBy)
				e.strOmit("note", s.Note)
				e.evidence(s.Evidence)
				o.b = e.close()
			}
			o.b = append(o.b, ']')
		}
		o.assertion(&n.Assertion)
		return o.close(), nil
	case *Requirement:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("subject", n.Subject)
		o.str("kind", n.Kind)
		o.strOmit("actor", n.Actor)
		o.str("description", n.Description)
		o.assertion(&n.Assertion)
		return o.close(), nil
	case *Statement:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("speaker", n.Speaker)
		o.str("mode", n.Mode)
		o.str("words", n.Words)
		o.strOmit("cueVerb", n.CueVerb)
		o.strOmit("event", n.Event)
		o.strOmit("venue", n.Venue)
		o.strsOmit("audience", n.Audience)
		o.strsOmit("expresses", n.Expresses)
		o.strOmit("expressesNothing", n.ExpressesNothing)
		o.assertion(&n.Assertion)
		return o.close(), nil
	case *Claim:
		if n == nil {
			break
		}
		o.open()
		o.str("id", n.ID)
		o.str("kind", n.Kind)
		o.str("text", n.Text)
		o.strsOmit("about", n.About)
		o.assertion(&n.Assertion)
		return o.close(), nil
	default:
		b, err := json.Marshal(node)
		return append(dst, b...), err
	}
	return append(dst, "null"...), nil // a nil node
}

// obj writes one JSON object's members.
type obj struct {
	b    []byte
	more bool // a member is written: the next one needs a comma
}

func (o *obj) open() { o.b = append(o.b, '{') }

func (o *obj) close() []byte { return append(o.b, '}') }

// key writes a member's name (a Go constant that needs no escaping).
func (o *obj) key(name string) {
	if o.more {
		o.b = append(o.b, ',')
	}
	o.more = true
	o.b = append(o.b, '"')
	o.b = append(o.b, name...)
	o.b = append(o.b, '"', ':')
}

func (o *obj) str(name, v string) {
	o.key(name)
	o.b = appendJSONString(o.b, v)
}

// strOmit is str for a field tagged omitempty.
func (o *obj) strOmit(name, v string) {
	if v != "" {
		o.str(name, v)
	}
}

func (o *obj) strs(name string, v []string) {
	o.key(name)
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '[')
	for i, s := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		o.b = appendJSONString(o.b, s)
	}
	o.b = append(o.b, ']')
}

func (o *obj) strsOmit(name string, v []string) {
	if len(v) > 0 {
		o.strs(name, v)
	}
}

func (o *obj) intOmit(name string, v *int) {
	if v != nil {
		o.key(name)
		o.b = strconv.AppendInt(o.b, int64(*v), 10)
	}
}

// evidence writes an "evidence" member (not omitted when empty: an
// Assertion's and a StatusEntry's are not omitempty).
func (o *obj) evidence(v []*Evidence) {
	o.key("evidence")
	if v == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.b = append(o.b, '[')
	for i, ev := range v {
		if i > 0 {
			o.b = append(o.b, ',')
		}
		if ev == nil {
			o.b = append(o.b, "null"...)
			continue
		}
		e := obj{b: o.b}
		e.open()
		e.strOmit("source", ev.Source)
		e.str("quote", ev.Quote)
		e.intOmit("start", ev.Start)
		e.intOmit("end", ev.End)
		o.b = e.close()
	}
	o.b = append(o.b, ']')
}

// assertion writes the members of an embedded Assertion.
func (o *obj) assertion(a *Assertion) {
	o.evidence(a.Evidence)
	if a.Attribution != nil {
		o.key("attribution")
		e := obj{b: o.b}
		e.open()
		e.str("basis", a.Attribution.Basis)
		e.strOmit("by", a.Attribution.By)
		e.strOmit("via", a.Attribution.Via)
		o.b = e.close()
	}
	o.strOmit("validFrom", string(a.ValidFrom))
	o.strOmit("validTo", string(a.ValidTo))
	o.strOmit("assertedAt", string(a.AssertedAt))
	o.strOmit("rank", a.Rank)
	o.strOmit("rankReason", a.RankReason)
}

// appendJSONString appends s quoted as encoding/json quotes a string:
// HTML's <, > and & escaped, control characters escaped (\b, \f, \n, \r,
// \t by name, the rest as \u00XX), invalid UTF-8 as \ufffd, and U+2028
// and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"
