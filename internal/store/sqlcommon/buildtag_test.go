//go:build !sqlite_fts5

package sqlcommon

import (
	"fmt"
	"os"
	"testing"

	"github.com/parley-graph/parley/internal/buildtag"
)

// TestMain stops a test run without the sqlite_fts5 tag at once, with the
// binary's message, instead of failing test after test.
func TestMain(m *testing.M) {
	fmt.Fprintln(os.Stderr, buildtag.Missing)
	os.Exit(1)
}
