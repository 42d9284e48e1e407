package parley

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSentences(t *testing.T) {
	text := "A Heading\nOne said “yes.” Two? Three and 3.5 (or so) more. A new round brought together the President\n" +
		"Volodymyr Zelenskyy and others.\nA Second Heading\nA line wrapped at its comma,\nThen Capitals go on.\n" +
		"A line that goes on\nin lower case.\nTrailing words with no mark\n\nLast one.  \r\nIs It A Question?\nYes.\n"
	var got []string
	for _, s := range Sentences(text) {
		if string([]rune(text)[s.Start:s.End]) != s.Text {
			t.Errorf("%q is not the text at %d..%d", s.Text, s.Start, s.End)
		}
		got = append(got, s.Text)
	}
	want := []string{
		"A Heading", // a line of its own, the next going on in capitals
		"One said “yes.”", "Two?", "Three and 3.5 (or so) more.",
		"A new round brought together the President\nVolodymyr Zelenskyy and others.", // begun mid-line, it runs on
		"A Second Heading",
		"A line wrapped at its comma,\nThen Capitals go on.", // a comma does not end a heading
		"A line that goes on\nin lower case.",                // nor does a line go on in lower case
		"Trailing words with no mark",                        // a blank line ends it
		"Last one.", "Is It A Question?", "Yes.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
}

func TestCover(t *testing.T) {
	text := "First. Second. Third. Fourth."
	// A span in the first sentence, one across the second and third
	// (both cited), and the fourth left out.
	start, end := 22, 29
	c := Cover(text, [][2]int{{8, 18}, {0, 3}}, []*LeftOut{{Quote: "Fourth.", Start: &start, End: &end, Reason: "r"}})
	if c.Sentences != 4 || c.Covered != 3 || len(c.LeftOut) != 1 || len(c.Uncovered) != 0 {
		t.Errorf("coverage = %+v", c)
	}
	c = Cover(text, [][2]int{{7, 13}}, nil)
	want := []Sentence{{"First.", 0, 6}, {"Third.", 15, 21}, {"Fourth.", 22, 29}}
	if diff := cmp.Diff(want, c.Uncovered); diff != "" || c.Covered != 1 {
		t.Errorf("uncovered (-want +got):\n%s", diff)
	}
}
