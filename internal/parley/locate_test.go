package parley

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestLocate(t *testing.T) {
	text := "He said: “We want peace,\n  we don’t want a truce.” Then he said “peace” again."
	tests := []struct {
		name      string
		quote     string
		want      *int
		wantStart int
		wantQuote string
		ok        bool
	}{
		{name: "exact", quote: "He said", wantStart: 0, wantQuote: "He said", ok: true},
		{name: "line break inside the quote", quote: "We want peace, we don’t want", wantStart: 10,
			wantQuote: "We want peace,\n  we don’t want", ok: true},
		{name: "straight quotes match curly ones", quote: `"We want peace, we don't want a truce."`, wantStart: 9,
			wantQuote: "“We want peace,\n  we don’t want a truce.”", ok: true},
		{name: "surrounding space ignored", quote: "  He said ", wantStart: 0, wantQuote: "He said", ok: true},
		{name: "first occurrence by default", quote: "peace", wantStart: 18, wantQuote: "peace", ok: true},
		{name: "chosen occurrence", quote: "peace", want: ptr(65), wantStart: 65, wantQuote: "peace", ok: true},
		{name: "no occurrence at the offset", quote: "peace", want: ptr(20), ok: false},
		{name: "words not in the text", quote: "we want war", ok: false},
		{name: "case matters", quote: "he said:", ok: false},
		{name: "empty quote", quote: "   ", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start, end, ok := Locate(text, tt.quote, tt.want)
			if ok != tt.ok {
				t.Fatalf("Locate(%q) ok = %v, want %v", tt.quote, ok, tt.ok)
			}
			if !ok {
				return
			}
			if start != tt.wantStart {
				t.Errorf("start = %d, want %d", start, tt.wantStart)
			}
			if got := Slice(text, start, end); got != tt.wantQuote {
				t.Errorf("text[start:end] = %q, want %q", got, tt.wantQuote)
			}
		})
	}
}

func ptr(i int) *int { return &i }

func TestDate(t *testing.T) {
	for _, d := range []Date{"", "2025", "2025-12", "2025-12-14", "2024-02-29"} {
		if err := d.Check(); err != nil {
			t.Errorf("Date(%q).Check() = %v, want nil", d, err)
		}
	}
	for _, d := range []Date{"25", "2025-13", "2025-12-32", "2025/12/14", "14.12.2025", "2025-2-1", "2023-02-29", "yesterday"} {
		if err := d.Check(); err == nil {
			t.Errorf("Date(%q).Check() = nil, want an error", d)
		}
	}
	bounds := []struct {
		d          Date
		start, end string
	}{
		{"2025", "2025-01-01", "2025-12-31"},
		{"2024-02", "2024-02-01", "2024-02-29"},
		{"2025-12-14", "2025-12-14", "2025-12-14"},
	}
	for _, b := range bounds {
		if got := b.d.Start(); got != b.start {
			t.Errorf("Date(%q).Start() = %q, want %q", b.d, got, b.start)
		}
		if got := b.d.End(); got != b.end {
			t.Errorf("Date(%q).End() = %q, want %q", b.d, got, b.end)
		}
	}
}

func TestOpposed(t *testing.T) {
	tests := []struct {
		a, b Stance
		want bool
	}{
		{Supports, Opposes, true},
		{Opposes, ConditionallySupports, true},
		{Supports, Supports, false},
		{Opposes, Opposes, false},
		{OpenTo, Opposes, false},
		{Undecided, Supports, false},
	}
	for _, tt := range tests {
		if got := Opposed(tt.a, tt.b); got != tt.want {
			t.Errorf("Opposed(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestLocateNonASCII(t *testing.T) {
	// Characters beyond ASCII (ü, й) stay after folding: offsets still
	// count characters, not bytes.
	text := "Talks in Zürich and Київ: “peace” now, peace later."
	start, end, ok := Locate(text, "peace later", nil)
	if !ok || start != 39 || end != 50 || Slice(text, start, end) != "peace later" {
		t.Fatalf("Locate = %d, %d, %v", start, end, ok)
	}
	if !Contains(text, "Zürich and") || Contains(text, "Zurich") {
		t.Error("Contains")
	}
}

// TestNormalised: the shortcut for plain quotes gives what normalise gives,
// for plain quotes and for every kind of quote it leaves to normalise.
func TestNormalised(t *testing.T) {
	for _, s := range []string{"", "a", "He said", "He said: peace.", "a b", "a  b", "a\tb", "a\nb", "a\r\nb", "a\vb", "a\fb",
		" a ", "a ", "don’t", "“quoted”", "a\u00a0b", "a\u2014b", "a\u0085b", "café", "a \u2003 b", "x\x00y", "~!@#$%^&*()_+{}|:<>?"} {
		q, _ := normalise(s)
		got, n := normalised(s)
		if got != string(q) || n != len(q) {
			t.Errorf("normalised(%q) = %q, %d; normalise gives %q, %d", s, got, n, string(q), len(q))
		}
	}
}

// TestNewSourceTextInPlace: a plain text prepared without its runes is
// prepared as normalise prepares it, character by character, and any
// other text is left to normalise.
func TestNewSourceTextInPlace(t *testing.T) {
	for _, text := range []string{"", "a", "He said. Then\nhe said\tit.", "a\r\nb", "a  b", " a", "a ", "\n", "caf\u00e9", "don\u2019t", "a\u00a0b", "a\vb\fc"} {
		q, pos := normalise(text)
		norm, ok := normalisedInPlace(text)
		if !ok {
			if plain := len(q) == len(text) && string(q) == strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) {
					return ' '
				}
				return r
			}, text) && isASCIIString(text); plain {
				t.Errorf("normalisedInPlace(%q) refused a text normalise keeps in place", text)
			}
			continue
		}
		if norm != string(q) {
			t.Errorf("normalisedInPlace(%q) = %q; normalise gives %q", text, norm, string(q))
		}
		st := NewSourceText(text)
		for n := range pos {
			if st.at(n) != pos[n] {
				t.Errorf("NewSourceText(%q): character %d at %d, normalise says %d", text, n, st.at(n), pos[n])
			}
		}
	}
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// TestSentencesASCII: an ASCII text split byte by byte gives the sentences
// its characters give.
func TestSentencesASCII(t *testing.T) {
	for _, text := range []string{"", "One. Two? Three!", "A heading\nThe text goes on. And on\nacross a line.\n\nA paragraph.",
		"He said \"so.\" Then (he left.) x", "Items:\n- one\n- two\nEnd", "  lead and trail  ", "no mark at all",
		"Wrapped in the\nmiddle. Done.\r\nNext line", "A line ending in a comma,\nGoes on."} {
		r := []rune(text)
		want := sentences(r, func(s, e int) string { return string(r[s:e]) })
		if got := Sentences(text); !slices.Equal(got, want) {
			t.Errorf("Sentences(%q) = %v; by characters %v", text, got, want)
		}
		if len(want) == 0 && strings.TrimSpace(text) != "" {
			t.Errorf("no sentences in %q", text)
		}
	}
}
