package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/berlin"
	"github.com/parley-graph/parley/internal/web"
)

// TestReaderQuestions asserts the answers of the playground's examples a
// reader of the article would ask, against the article's facts.
func TestReaderQuestions(t *testing.T) {
	h := newHandler(t)
	b, err := berlin.FS.ReadFile("berlin-talks.txt")
	if err != nil {
		t.Fatal(err)
	}
	article := string(b)
	qs, err := web.Examples()
	if err != nil {
		t.Fatal(err)
	}
	example := func(name string) string {
		for _, q := range qs {
			if strings.Contains(q, "query "+name+" ") {
				return q
			}
		}
		t.Fatalf("no example %s", name)
		return ""
	}
	// Every quote in each reader's answer is the article's words, the
	// parts the checks below do not spell out included; each answer
	// quotes some.
	for _, name := range []string{"AnonymousClaims", "UsAndUkraine", "PutinToKushner", "WhoSpeaksForRussia", "RussiaRedLines",
		"AnalystsOnCeasefire", "FreeEconomicZone", "UkraineRefuses", "SecurityGuarantees", "MerzToPutin"} {
		data, errs := raw(t, h, example(name))
		if len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
			continue
		}
		var answer any
		if err := json.Unmarshal(data, &answer); err != nil {
			t.Fatal(err)
		}
		quoted := 0
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					if q, ok := x.(string); ok && k == "quote" {
						quoted++
						if !strings.Contains(article, q) {
							t.Errorf("%s: %q is not the article's words", name, q)
						}
						continue
					}
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(answer)
		if quoted == 0 {
			t.Errorf("%s: the answer quotes no evidence", name)
		}
	}

	var got []string
	var anon struct {
		Claims struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Text        string
					ReportedVia struct{ Name string }
				}
			}
		}
	}
	query(t, h, example("AnonymousClaims"), &anon)
	for _, e := range anon.Claims.Edges {
		got = append(got, e.Node.Text+" ("+e.Node.ReportedVia.Name+")")
	}
	if diff := cmp.Diff([]string{
		"Roughly 90 per cent of the issues between Russia and Ukraine have been solved. (CNN)",
		"The issue of territorial concessions is a key sticking point. (CNN)",
	}, got); diff != "" || anon.Claims.TotalCount != 2 {
		t.Errorf("claims on anonymous officials (-want +got):\n%s", diff)
	}

	var us struct {
		Alignment struct {
			Commitments []struct {
				Tie        string
				Commitment struct {
					Obligation string
					Evidence   []struct{ Quote string }
				}
			}
			Documents []struct {
				Title    string
				Evidence []struct{ Quote string }
			}
		}
	}
	query(t, h, example("UsAndUkraine"), &us)
	got = nil
	quotes := func(evs []struct{ Quote string }) string {
		var qs []string
		for _, e := range evs {
			if !strings.Contains(article, e.Quote) {
				t.Errorf("the US and Ukraine: %q is not the article's words", e.Quote)
			}
			qs = append(qs, e.Quote)
		}
		return strings.Join(qs, " | ")
	}
	for _, c := range us.Alignment.Commitments {
		got = append(got, c.Tie+": "+c.Commitment.Obligation+" ["+quotes(c.Commitment.Evidence)+"]")
	}
	for _, d := range us.Alignment.Documents {
		got = append(got, "document: "+d.Title+" ["+quotes(d.Evidence)+"]")
	}
	// The US promises Ukraine the "Article 5-like" guarantees (in the
	// anonymous officials' words, obligations unspecified); they meet in
	// the security guarantees document. Nothing else ties them: the
	// ceasefire monitoring names no beneficiary, and the floated zone is
	// no one's commitment.
	if diff := cmp.Diff([]string{
		"A_PROMISES_B: Give Ukraine \"Article 5-like\" security guarantees; what obligations the US would assume is not specified. [" +
			"US officials familiar with the negotiations have described the proposed guarantees as “Article 5-like,” referring to the NATO commitment that an attack on one member constitutes an attack on all." +
			" | They have not specified what obligations the US would assume]",
		"document: Legally binding security guarantees [" +
			"legally binding security guarantees that would require approval by the US Congress" +
			" | Kyiv and Washington were “very close to (a deal on) strong security guarantees.”]",
	}, got); diff != "" {
		t.Errorf("the US and Ukraine (-want +got):\n%s", diff)
	}

	var path struct {
		Path struct {
			Length int
			Links  []struct {
				Kind     string
				Reversed bool
				From, To struct{ Name string }
				Evidence []struct{ Quote string }
			}
		}
	}
	query(t, h, example("PutinToKushner"), &path)
	got = nil
	for _, l := range path.Path.Links {
		got = append(got, fmt.Sprintf("%s %s %s reversed=%v [%s]", l.From.Name, l.Kind, l.To.Name, l.Reversed, quotes(l.Evidence)))
	}
	// Both links are stored the other way (the US in touch with Putin;
	// Kushner at the talks for the US, one of the "senior US envoys").
	if diff := cmp.Diff([]string{
		"Vladimir Putin IN_CONTACT United States reversed=true [the US had been in touch with Russian President Vladimir Putin]",
		"United States ACTS_FOR Jared Kushner reversed=true [The talks in Berlin brought together Zelenskyy, Ukraine’s chief negotiator Rustem Umerov, US envoy Steve Witkoff, Trump’s son-in-law Jared Kushner, and German Chancellor Friedrich Merz | senior US envoys]",
	}, got); diff != "" || path.Path.Length != 2 {
		t.Errorf("Putin to Kushner, length %d (-want +got):\n%s", path.Path.Length, diff)
	}

	var speakers struct {
		Russia, Kremlin struct {
			Edges []struct {
				Node struct {
					Holder struct{ Name string }
					Post   string
				}
			}
		}
	}
	query(t, h, example("WhoSpeaksForRussia"), &speakers)
	got = nil
	for _, c := range []struct {
		org   string
		edges []struct {
			Node struct {
				Holder struct{ Name string }
				Post   string
			}
		}
	}{{"Russia", speakers.Russia.Edges}, {"Kremlin", speakers.Kremlin.Edges}} {
		for _, e := range c.edges {
			got = append(got, e.Node.Holder.Name+", "+e.Node.Post+" ("+c.org+")")
		}
	}
	if diff := cmp.Diff([]string{"Vladimir Putin, President (Russia)", "Dmitry Peskov, Spokesperson (Kremlin)"}, got); diff != "" {
		t.Errorf("who speaks for Russia (-want +got):\n%s", diff)
	}

	var red struct {
		Positions struct {
			Edges []struct {
				Node struct {
					RedLine     bool
					SpeechAct   string
					Stance      string
					Proposition struct{ Text string }
					Attribution struct {
						Basis string
						By    *struct{ Name string }
					}
					Evidence []struct{ Quote string }
				}
			}
		}
		Claims struct {
			Edges []struct {
				Node struct {
					Kind     string
					Text     string
					Evidence []struct{ Quote string }
				}
			}
		}
	}
	query(t, h, example("RussiaRedLines"), &red)
	words := func(evs []struct{ Quote string }) string {
		var qs []string
		for _, e := range evs {
			if !strings.Contains(article, e.Quote) {
				t.Errorf("Russia's red lines: %q is not the article's words", e.Quote)
			}
			qs = append(qs, e.Quote)
		}
		return strings.Join(qs, " | ")
	}
	got = nil
	for _, e := range red.Positions.Edges {
		n := e.Node
		voice := n.Attribution.Basis
		if n.Attribution.By != nil {
			voice += ", " + n.Attribution.By.Name
		}
		line := n.SpeechAct + " " + n.Stance + " " + n.Proposition.Text + " (" + voice + "): " + words(n.Evidence)
		if n.RedLine {
			line = "RED LINE " + line
		}
		got = append(got, line)
	}
	for _, e := range red.Claims.Edges {
		got = append(got, "journalist's "+e.Node.Kind+": "+e.Node.Text+": "+words(e.Node.Evidence))
	}
	// The article's box "Russia's Red Lines": territorial claims, NATO
	// and the size of the army are the journalist's account under the
	// heading; Peskov's "momentary solutions" is a red line in his own
	// words (Russia would not participate); his rejection of a truce is
	// his, without the journalist's heading, and not called a red line by
	// anyone's words that back it. The heading itself is the journalist's
	// claim about Russia.
	if diff := cmp.Diff([]string{
		"RED LINE DEMANDS SUPPORTS Any agreement reflects Russia's territorial claims in eastern Ukraine. (JOURNALIST): Russia’s Red Lines | It has also insisted that any agreement must reflect its territorial claims in eastern Ukraine.",
		"RED LINE DEMANDS SUPPORTS Ukraine gives up joining NATO (abandons its ambition to join; Russia demands it forswear joining in its constitution). (JOURNALIST): Russia’s Red Lines | Russia has previously demanded that Ukraine amend its constitution to forswear joining NATO",
		"DEMANDS SUPPORTS Ukraine cedes control of Donbas to Russia as a condition for a settlement. (JOURNALIST): Russia is demanding that Ukraine cede control of Donbas as a condition for a settlement.",
		"RED LINE DEMANDS SUPPORTS Ukraine accepts limits on the size of its military. (JOURNALIST): Russia’s Red Lines | Russia has previously demanded that Ukraine amend its constitution to forswear joining NATO and accept limits on the size of its military.",
		"RED LINE THREATENS OPPOSES The negotiations settle for momentary, unsustainable solutions. (SPOKESPERSON, Dmitry Peskov): Peskov said that if Ukraine was looking for “momentary, unsustainable solutions,” Russia would not participate in such negotiations.",
		"REJECTS OPPOSES A temporary halt in fighting, a truce. (SPOKESPERSON, Dmitry Peskov): Spokesperson Dmitry Peskov dismissed the idea of a temporary halt in fighting | we don’t want a truce that would give Ukraine a respite and prepare for the continuation of the war",
		"STATES SUPPORTS The war ends in a comprehensive settlement. (ON_RECORD, Russia): Russia has restated that it seeks a comprehensive settlement, not a temporary truce.",
		"journalist's ASSESSMENT: Without an incentive for Russia to stop its offensive, the likelihood of Moscow agreeing to a genuine halt in fighting remains low.: Without such an incentive, the likelihood of Moscow agreeing to a genuine halt in fighting remains low.",
		"journalist's ASSESSMENT: Russia has red lines, and a response to the Berlin talks.: Russia’s Red Lines And Its Response To The Berlin Talks",
		"journalist's ASSESSMENT: Russia's and Ukraine's war aims remain fundamentally incompatible; Russia believes it can secure more on the battlefield.: Russia and Ukraine’s war aims remain fundamentally incompatible. | Russia believes it can secure more on the battlefield",
	}, got); diff != "" {
		t.Errorf("Russia's red lines (-want +got):\n%s", diff)

	}

	var analysts struct {
		Positions struct {
			Edges []struct {
				Node struct {
					Holder      struct{ Name string }
					Stance      string
					Proposition struct{ Text string }
				}
			}
		}
		Claims struct {
			Edges []struct {
				Node struct {
					Text        string
					Claimant    struct{ Name string }
					ReportedVia *struct{ Name string }
				}
			}
		}
	}
	query(t, h, example("AnalystsOnCeasefire"), &analysts)
	got = nil
	for _, e := range analysts.Positions.Edges {
		got = append(got, e.Node.Holder.Name+" "+e.Node.Stance+" "+e.Node.Proposition.Text)
	}
	for _, e := range analysts.Claims.Edges {
		via := ""
		if e.Node.ReportedVia != nil {
			via = " (" + e.Node.ReportedVia.Name + ")"
		}
		got = append(got, e.Node.Claimant.Name+": "+e.Node.Text+via)
	}
	if diff := cmp.Diff([]string{
		"Analysts OPPOSES Peace is close; an agreement or a ceasefire ending the war is near.",
		"Nathalie Tocci OPPOSES Peace is close; an agreement or a ceasefire ending the war is near.",
		"Keir Giles: Any ceasefire would only hold if Russia believed it would gain more by stopping its offensive than by continuing it.",
		"Keir Giles: Trump has repeatedly claimed that a peace deal is close without sustainable agreement. (Al Jazeera)",
	}, got); diff != "" {
		t.Errorf("analysts on a ceasefire (-want +got):\n%s", diff)
	}

	var zone struct {
		Positions struct {
			Edges []struct {
				Node struct {
					Holder            struct{ Name string }
					SpeechAct, Stance string
				}
			}
		}
	}
	query(t, h, example("FreeEconomicZone"), &zone)
	got = nil
	for _, e := range zone.Positions.Edges {
		got = append(got, e.Node.Holder.Name+" "+e.Node.SpeechAct+" "+e.Node.Stance)
	}
	// "The US has floated a compromise idea"; "Ukraine has raised questions".
	if diff := cmp.Diff([]string{"Ukraine STATES UNDECIDED", "United States FLOATS OPEN_TO"}, got); diff != "" {
		t.Errorf("the free economic zone (-want +got):\n%s", diff)
	}

	var refuses struct {
		Positions struct {
			Edges []struct {
				Node struct {
					Proposition struct{ Text string }
					Attribution struct {
						Basis string
						By    *struct{ Name string }
					}
				}
			}
		}
	}
	query(t, h, example("UkraineRefuses"), &refuses)
	got = nil
	for _, e := range refuses.Positions.Edges {
		by := e.Node.Attribution.Basis
		if e.Node.Attribution.By != nil {
			by += " " + e.Node.Attribution.By.Name
		}
		got = append(got, e.Node.Proposition.Text+" ("+by+")")
	}
	if diff := cmp.Diff([]string{
		// "Ukraine insists it will not reward aggression" is Ukraine's
		// own voice; "not a single detail must become a reward" is
		// Zelenskyy's.
		"The settlement rewards Russia's aggression. (ON_RECORD Ukraine)",
		"The settlement rewards Russia's aggression. (ON_RECORD Volodymyr Zelenskyy)",
		"Ukraine cedes control of Donbas to Russia as a condition for a settlement. (ON_RECORD Volodymyr Zelenskyy)",
		"Any agreement reflects Russia's territorial claims in eastern Ukraine. (JOURNALIST)",
		"Ukraine recognises the occupied part of eastern Donbas as Russian, legally or de facto. (ON_RECORD Volodymyr Zelenskyy)",
	}, got); diff != "" {
		t.Errorf("what Ukraine refuses (-want +got):\n%s", diff)
	}

	var sg struct {
		Node struct {
			Title, Status string
			Requirements  []struct {
				Kind, Description string
				Actor             struct{ Name string }
			}
			Commitments struct {
				Edges []struct {
					Node struct {
						Obligation, Polarity string
						Promisors            []struct{ Name string }
						Beneficiaries        []struct{ Name string }
					}
				}
			}
		}
	}
	query(t, h, example("SecurityGuarantees"), &sg)
	got = []string{sg.Node.Title + " (" + sg.Node.Status + ")"}
	for _, r := range sg.Node.Requirements {
		got = append(got, r.Kind+" "+r.Description+" "+r.Actor.Name)
	}
	for _, e := range sg.Node.Commitments.Edges {
		c := e.Node.Polarity + " " + e.Node.Obligation + " by"
		for _, a := range e.Node.Promisors {
			c += " " + a.Name
		}
		for _, a := range e.Node.Beneficiaries {
			c += " to " + a.Name
		}
		got = append(got, c)
	}
	if diff := cmp.Diff([]string{
		"Legally binding security guarantees (DRAFT)",
		"APPROVAL Approval by the US Congress. US Congress",
		"POSITIVE Give Ukraine \"Article 5-like\" security guarantees; what obligations the US would assume is not specified. by United States to Ukraine",
		"NEGATIVE Deploy no American troops on the ground in Ukraine as part of the guarantees. by United States",
	}, got); diff != "" {
		t.Errorf("the security guarantees (-want +got):\n%s", diff)
	}

	var merz struct {
		Path struct {
			Length int
			Links  []struct {
				Kind     string
				Reversed bool
				From, To struct{ ID string }
				Evidence []struct{ Quote string }
			}
		}
	}
	query(t, h, example("MerzToPutin"), &merz)
	got = nil
	for _, l := range merz.Path.Links {
		if l.Reversed || len(l.Evidence) == 0 {
			t.Errorf("Merz to Putin: %s %s %s reversed=%v with %d spans: every link is stored as it is walked, with evidence", l.From.ID, l.Kind, l.To.ID, l.Reversed, len(l.Evidence))
		}
		got = append(got, l.From.ID+" "+l.Kind+" "+l.To.ID)
	}
	// Merz said the US offer was "really considerable"; the US had been
	// in touch with Putin.
	if diff := cmp.Diff([]string{
		"friedrich-merz CLAIMS claim-merz-us-offer-really-considerable",
		"claim-merz-us-offer-really-considerable ABOUT united-states",
		"united-states IN_CONTACT vladimir-putin",
	}, got); diff != "" || merz.Path.Length != 3 {
		t.Errorf("Merz to Putin (-want +got):\n%s", diff)
	}
}
