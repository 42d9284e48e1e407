package importtrace

import (
	"bytes"
	"os"
	"regexp"
	"runtime"
	"testing"
	"time"
)

func TestStatCPU(t *testing.T) {
	// A server backend's line: its command holds spaces and parentheses.
	const line = "4242 (postgres: root test 127.0.0.1(41234) COPY) R 1 4242 4242 0 -1 4194560 " +
		"1890 0 0 0 1234 56 0 0 20 0 1 0 123456 229130240 3050 18446744073709551615"
	tests := []struct {
		line string
		want time.Duration
	}{
		{line, 12900 * time.Millisecond}, // (1234 + 56) ticks of 10 ms
		{"4242 (postgres) R 1 2 3", -1},  // too short
		{"4242 postgres R 1 4242 4242 0 -1 4194560 1890 0 0 0 1234 56", -1},
		{"4242 (postgres) R 1 4242 4242 0 -1 4194560 1890 0 0 0 x 56 0", -1},
	}
	for _, tt := range tests {
		if got := statCPU(tt.line); got != tt.want {
			t.Errorf("statCPU(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestReadings(t *testing.T) {
	if CPUOf(0) != -1 {
		t.Errorf("CPUOf(0) = %v, want -1 (no backend)", CPUOf(0))
	}
	if runtime.GOOS != "linux" {
		t.Skip("/proc and RUSAGE_THREAD are Linux's")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if got := CPU(); got <= 0 {
		t.Errorf("CPU() = %v, want > 0", got)
	}
	if got := ThreadCPU(); got < 0 {
		t.Errorf("ThreadCPU() = %v, want >= 0", got)
	}
	if got := CPUOf(os.Getpid()); got < 0 {
		t.Errorf("CPUOf(own pid) = %v, want >= 0", got)
	}
	if got := CPUOf(1 << 30); got != -1 { // above Linux's pid_max
		t.Errorf("CPUOf(no such pid) = %v, want -1", got)
	}
	if got := RSS(); got <= 0 {
		t.Errorf("RSS() = %d, want > 0", got)
	}
	if m := Memory(); !regexp.MustCompile(`^rss +[1-9][0-9]* MB heap +[0-9]+ MB$`).MatchString(m) {
		t.Errorf("Memory() = %q", m)
	}
}

func TestPrintf(t *testing.T) {
	var b bytes.Buffer
	old := out
	out = &b
	defer func() { out = old }()
	Printf("%-6s wall %7.2fs", "load", 1.5)
	Printf("%s", "100% done")
	if got, want := b.String(), "import: load   wall    1.50s\nimport: 100% done\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestOn(t *testing.T) {
	t.Setenv(Env, "")
	if On() {
		t.Error("On() with PARLEY_IMPORT_TRACE empty")
	}
	t.Setenv(Env, "1")
	if !On() {
		t.Error("not On() with PARLEY_IMPORT_TRACE=1")
	}
}
