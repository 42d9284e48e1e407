//go:build !linux && !darwin

package sqlite

import "time"

func processCPU() time.Duration { return 0 }

func processRSS() int64 { return 0 }

func threadCPU() time.Duration { return -1 }
