package graph_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parley-graph/parley/internal/web"
)

// TestReaderQuestions asserts the answers of the playground's examples a
// reader of the article would ask, against the article's facts.
func TestReaderQuestions(t *testing.T) {
	h := newHandler(t)
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
	var got []string
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
				Commitment struct{ Obligation string }
			}
			Documents []struct{ Title string }
		}
	}
	query(t, h, example("UsAndUkraine"), &us)
	if len(us.Alignment.Commitments) != 1 || us.Alignment.Commitments[0].Tie != "A_PROMISES_B" ||
		len(us.Alignment.Documents) != 1 {
		t.Errorf("the US and Ukraine: %+v", us.Alignment)
	}

	var path struct {
		Path struct {
			Length int
			Links  []struct {
				Kind     string
				Reversed bool
				From, To struct{ Name string }
			}
		}
	}
	query(t, h, example("PutinToKushner"), &path)
	got = nil
	for _, l := range path.Path.Links {
		got = append(got, l.From.Name+" "+l.Kind+" "+l.To.Name)
	}
	if diff := cmp.Diff([]string{"Vladimir Putin IN_CONTACT United States", "United States ACTS_FOR Jared Kushner"}, got); diff != "" {
		t.Errorf("Putin to Kushner (-want +got):\n%s", diff)
	}
}
