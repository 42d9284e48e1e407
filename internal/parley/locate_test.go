package parley

import "testing"

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
