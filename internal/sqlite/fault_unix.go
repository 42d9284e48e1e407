//go:build linux || darwin

package sqlite

import "syscall"

// writeAccess reports whether this process may write path (nil if so).
func writeAccess(path string) error {
	return syscall.Access(path, 0x2) // W_OK
}

// freeSpace returns the bytes free for this process on the filesystem
// holding dir.
func freeSpace(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true
}
