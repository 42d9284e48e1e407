//go:build !linux && !darwin

package postgres

import "time"

func processCPU() time.Duration { return 0 }
