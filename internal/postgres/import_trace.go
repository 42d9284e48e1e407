package postgres

import (
	"fmt"
	"time"

	"github.com/parley-graph/parley/internal/store/importtrace"
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
	t := &importTrace{on: importtrace.On()}
	if t.on {
		t.wall, t.cpu = time.Now(), importtrace.CPU()
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
	t.server = importtrace.CPUOf(pid)
	t.startSv = t.server
}

// step reports the step that ended now.
func (t *importTrace) step(name string) {
	if t == nil || !t.on {
		return
	}
	now, cpu, sv := time.Now(), importtrace.CPU(), importtrace.CPUOf(t.backend)
	server, total := "      -", "      -"
	if sv >= 0 && t.server >= 0 {
		server = fmt.Sprintf("%6.2fs", (sv - t.server).Seconds())
		total = fmt.Sprintf("%6.2fs", (sv - t.startSv).Seconds())
	}
	importtrace.Printf("%-34s wall %7.2fs cpu %6.2fs server %s (total wall %7.2fs cpu %7.2fs server %s) %s",
		name, now.Sub(t.wall).Seconds(), (cpu - t.cpu).Seconds(), server, now.Sub(t.startWall).Seconds(),
		(cpu - t.startCPU).Seconds(), total, importtrace.Memory())
	t.wall, t.cpu, t.server = now, cpu, sv
}

// note reports something else.
func (t *importTrace) note(format string, args ...any) {
	if t != nil && t.on {
		importtrace.Printf(format, args...)
	}
}
