package sqlite

import (
	"context"
	"database/sql"
	"runtime"
	"time"

	"github.com/parley-graph/parley/internal/store/importtrace"
)

// importTrace, when PARLEY_IMPORT_TRACE is set, writes to standard error
// the wall time and the process's CPU time of each step of an import, and
// the memory the process holds after it: where an import's time goes,
// without a profiler. It costs nothing when unset.
//
// The goroutine that makes a trace keeps its thread while the trace is on
// (until done), so that the trace also gives the CPU time of the work done
// on that goroutine, SQLite's included ("own"): with the import's two
// goroutines, or two connections, it tells one's share from the other's.
type importTrace struct {
	on        bool
	wall      time.Time
	cpu, own  time.Duration
	startWall time.Time
	startCPU  time.Duration
}

func newImportTrace() *importTrace {
	t := &importTrace{on: importtrace.On()}
	if t.on {
		runtime.LockOSThread()
		t.wall, t.cpu, t.own = time.Now(), importtrace.CPU(), importtrace.ThreadCPU()
		t.startWall, t.startCPU = t.wall, t.cpu
	}
	return t
}

// done lets the goroutine's thread go.
func (t *importTrace) done() {
	if t != nil && t.on {
		runtime.UnlockOSThread()
	}
}

// step reports the step that ended now.
func (t *importTrace) step(name string) {
	if t == nil || !t.on {
		return
	}
	now, cpu, own := time.Now(), importtrace.CPU(), importtrace.ThreadCPU()
	importtrace.Printf("%-28s wall %7.2fs cpu %7.2fs own %7.2fs (total wall %7.2fs cpu %7.2fs) %s",
		name, now.Sub(t.wall).Seconds(), (cpu - t.cpu).Seconds(), (own - t.own).Seconds(), now.Sub(t.startWall).Seconds(),
		(cpu - t.startCPU).Seconds(), importtrace.Memory())
	t.wall, t.cpu, t.own = now, cpu, own
}

// note reports something else.
func (t *importTrace) note(s string) {
	if t != nil && t.on {
		importtrace.Printf("%s", s)
	}
}

// importFault, if set (by tests), is asked at some steps of an import
// whether it fails there.
var importFault func(step string) error

// importTamper, if set (by tests), may change the rows of a private bulk
// import once they are loaded, before they are committed.
var importTamper func(ctx context.Context, tx *sql.Tx) error

func faultAt(step string) error {
	if importFault == nil {
		return nil
	}
	return importFault(step)
}
