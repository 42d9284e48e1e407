package postgres

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// importTrace, when PARLEY_IMPORT_TRACE is set, writes to standard error
// each step of a PostgreSQL import: its wall time, this process's CPU time,
// the CPU time of the import's server backend (read from /proc when the
// server runs on this machine; "-" otherwise) and the memory this process
// holds after it. The work of an import is split between the client and
// the server, and the server's share is most of it. It costs nothing when
// unset. (The parallel workers of an index build are processes of their
// own, not counted in the backend's time.)
type importTrace struct {
	on                bool
	backend           int // the server backend's pid, 0 if unknown
	wall              time.Time
	cpu, server       time.Duration
	startWall         time.Time
	startCPU, startSv time.Duration
}

func newImportTrace() *importTrace {
	t := &importTrace{on: os.Getenv("PARLEY_IMPORT_TRACE") != ""}
	if t.on {
		t.wall, t.cpu = time.Now(), processCPU()
		t.startWall, t.startCPU = t.wall, t.cpu
	}
	return t
}

// attach names the import's server backend (pg_backend_pid()).
func (t *importTrace) attach(pid int) {
	if t == nil || !t.on {
		return
	}
	t.backend = pid
	t.server = backendCPU(pid)
	t.startSv = t.server
}

// step reports the step that ended now.
func (t *importTrace) step(name string) {
	if t == nil || !t.on {
		return
	}
	now, cpu, sv := time.Now(), processCPU(), backendCPU(t.backend)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	server, total := "      -", "      -"
	if sv >= 0 && t.server >= 0 {
		server = fmt.Sprintf("%6.2fs", (sv - t.server).Seconds())
		total = fmt.Sprintf("%6.2fs", (sv - t.startSv).Seconds())
	}
	fmt.Fprintf(os.Stderr, "import: %-34s wall %7.2fs cpu %6.2fs server %s (total wall %7.2fs cpu %7.2fs server %s) rss %4d MB heap %4d MB\n",
		name, now.Sub(t.wall).Seconds(), (cpu - t.cpu).Seconds(), server, now.Sub(t.startWall).Seconds(),
		(cpu - t.startCPU).Seconds(), total, processRSS()>>20, ms.HeapInuse>>20)
	t.wall, t.cpu, t.server = now, cpu, sv
}

// note reports something else.
func (t *importTrace) note(format string, args ...any) {
	if t != nil && t.on {
		fmt.Fprintf(os.Stderr, "import: "+format+"\n", args...)
	}
}

// backendCPU is the CPU time (user and system) of the process pid on this
// machine, from /proc, or -1 when it cannot be read (another machine, not
// Linux).
func backendCPU(pid int) time.Duration {
	if pid == 0 {
		return -1
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	// The fields after the command (which may hold spaces) in parentheses;
	// utime and stime are the 14th and 15th of the line, in clock ticks
	// (USER_HZ, 100 on Linux).
	s := string(b)
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

// processRSS is the memory the process holds now, in bytes (0 if unknown).
func processRSS() int64 {
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
