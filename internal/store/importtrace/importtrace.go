// Package importtrace holds what the lines of PARLEY_IMPORT_TRACE are made
// of, for the imports of both stores: whether the trace is asked for, the
// CPU time of this process, of the calling thread and of another process
// on this machine (a PostgreSQL server backend), the memory this process
// holds, and the line itself on standard error. Each store keeps its own
// steps and columns, since what is worth timing differs between them.
package importtrace

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Env is the environment variable that turns the trace on.
const Env = "PARLEY_IMPORT_TRACE"

// On tells whether the environment asks for a trace.
func On() bool { return os.Getenv(Env) != "" }

// out is where the trace goes (tests swap it).
var out io.Writer = os.Stderr

// Printf writes one line of the trace, after "import: ".
func Printf(format string, args ...any) {
	fmt.Fprintf(out, "import: "+format+"\n", args...)
}

// Memory is the end of a step's line: the memory this process holds (its
// resident set) and the Go heap in use, in MB.
func Memory() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return fmt.Sprintf("rss %4d MB heap %4d MB", RSS()>>20, ms.HeapInuse>>20)
}

// RSS is the memory the process holds now, in bytes (0 if unknown: not
// Linux).
func RSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.ParseInt(f[1], 10, 64)
	return n * int64(os.Getpagesize())
}

// CPUOf is the CPU time (user and system) of the process pid on this
// machine, from /proc, or -1 when it cannot be read (pid 0, another
// machine's process, not Linux).
func CPUOf(pid int) time.Duration {
	if pid == 0 {
		return -1
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	return statCPU(string(b))
}

// statCPU reads utime and stime from a line of /proc/PID/stat, or -1.
func statCPU(s string) time.Duration {
	// The fields after the command (which may hold spaces and parentheses)
	// in parentheses; utime and stime are the 14th and 15th of the line,
	// in clock ticks (USER_HZ, 100 on Linux).
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return -1
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(u+st) * (time.Second / 100)
}
