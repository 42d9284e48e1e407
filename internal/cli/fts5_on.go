//go:build sqlite_fts5

package cli

// builtWithFTS5 is true when the binary was built with the sqlite_fts5 tag,
// which gives SQLite its full-text search.
const builtWithFTS5 = true
