//go:build !sqlite_fts5

package cli

const builtWithFTS5 = false
