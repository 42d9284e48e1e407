package cli

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLogBuffer: lines written from many goroutines come out whole, each
// once; they are held until the interval or Close; and with a short
// interval they come out without Close.
func TestLogBuffer(t *testing.T) {
	var sink syncBuffer
	cut := 0
	b := newLogBuffer(writerFunc(func(p []byte) (int, error) {
		if len(p) == 0 || p[len(p)-1] != '\n' {
			cut++
		}
		return sink.Write(p)
	}), time.Hour)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				fmt.Fprintf(b, "goroutine=%d line=%d %s\n", g, i, strings.Repeat("x", i%50))
			}
		}()
	}
	wg.Wait()
	// 8 × 2000 lines are more than the 64 KiB held: some went out whole.
	held := sink.String()
	if held == "" || !strings.HasSuffix(held, "\n") {
		t.Errorf("before Close, %d bytes out, not ending a line", len(held))
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if cut > 0 {
		t.Errorf("%d writes out ended inside a line", cut)
	}
	lines := strings.Split(strings.TrimSuffix(sink.String(), "\n"), "\n")
	if len(lines) != 8*2000 {
		t.Fatalf("%d lines, want %d", len(lines), 8*2000)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var g, i int
		var rest string
		if n, _ := fmt.Sscanf(l, "goroutine=%d line=%d %s", &g, &i, &rest); n < 2 || rest != strings.Repeat("x", i%50) && i%50 != 0 {
			t.Fatalf("line cut or mixed: %q", l)
		}
		if seen[l] {
			t.Fatalf("line twice: %q", l)
		}
		seen[l] = true
	}

	var quick syncBuffer
	b = newLogBuffer(&quick, 10*time.Millisecond)
	defer b.Close()
	fmt.Fprintln(b, "one line")
	if quick.String() != "" {
		t.Errorf("a line went out at once: %q", quick.String())
	}
	for start := time.Now(); quick.String() == "" && time.Since(start) < 10*time.Second; {
		time.Sleep(5 * time.Millisecond)
	}
	if quick.String() != "one line\n" {
		t.Errorf("after the interval: %q", quick.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
