// Package buildtag tells whether Parley was built with the sqlite_fts5 tag,
// which gives SQLite its full-text search, and what to say when it was not:
// the binary and every test package say the same.
package buildtag

// Missing is the message of a build without the sqlite_fts5 tag.
const Missing = "parley: this binary was built without the sqlite_fts5 build tag, so SQLite has no full-text search.\n" +
	"Build it with: go build -tags sqlite_fts5 (or: make build); test it with: go test -tags sqlite_fts5 ./... (or: make test)"
