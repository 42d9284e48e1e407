package parley

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSentences(t *testing.T) {
	text := "What Happened In Berlin\n" +
		"A round of talks brought together Ukrainian President\nVolodymyr Zelenskyy and others.\n" +
		"Trump said it was “closer than ever.” Germany agreed. Mr. Merz and J. D. Vance spoke at 9.30 in the U.S. embassy!\n" +
		"\n" +
		"Is it “over”? Not yet: “the talks go on,” said Peskov. 2026 will tell.  \n" +
		"A last line with no stop"
	var got []string
	rs := []rune(text)
	for _, s := range Sentences(text) {
		got = append(got, string(rs[s.Start:s.End]))
	}
	want := []string{
		"What Happened In Berlin",
		"A round of talks brought together Ukrainian President\nVolodymyr Zelenskyy and others.",
		"Trump said it was “closer than ever.”",
		"Germany agreed.",
		"Mr. Merz and J. D. Vance spoke at 9.30 in the U.S. embassy!",
		"Is it “over”?",
		"Not yet: “the talks go on,” said Peskov.",
		"2026 will tell.",
		"A last line with no stop",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sentences (-want +got):\n%s", diff)
	}
	if got := Sentences(" \n\n "); len(got) != 0 {
		t.Errorf("white space alone = %v, want no sentences", got)
	}
}
