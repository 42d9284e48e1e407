//go:build linux || darwin

package importtrace

import (
	"runtime"
	"syscall"
	"time"
)

// CPU is the CPU time (user and system) this process has used.
func CPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ThreadCPU is the CPU time the calling thread has used, or -1 where the
// system does not tell. It means something only to a goroutine that keeps
// its thread (runtime.LockOSThread).
func ThreadCPU() time.Duration {
	if runtime.GOOS != "linux" {
		return -1
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil { // RUSAGE_THREAD
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
