//go:build !linux && !darwin

package importtrace

import "time"

// CPU is 0: this system's CPU time is not read.
func CPU() time.Duration { return 0 }

// ThreadCPU is -1: the system does not tell.
func ThreadCPU() time.Duration { return -1 }
