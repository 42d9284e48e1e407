//go:build sqlite_fts5

package buildtag

// FTS5 is true when the build has the sqlite_fts5 tag.
const FTS5 = true
