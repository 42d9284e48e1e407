//go:build !linux && !darwin

package sqlite

// writeAccess cannot tell on this system: SQLite's own errors report a
// database that cannot be written.
func writeAccess(string) error { return nil }

// freeSpace is not known on this system.
func freeSpace(string) (uint64, bool) { return 0, false }
