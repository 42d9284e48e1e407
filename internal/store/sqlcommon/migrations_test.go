package sqlcommon

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestLoadMigrations reads numbered files in the order of their numbers
// (not of their names), with each file's name and text, and refuses a
// name without a number and two files with one number.
func TestLoadMigrations(t *testing.T) {
	fsys := fstest.MapFS{
		"m/10_later.sql": {Data: []byte("CREATE TABLE b (x);")},
		"m/2_first.sql":  {Data: []byte("CREATE TABLE a (x);")},
		"m/README.md":    {Data: []byte("not a migration")},
	}
	ms, err := LoadMigrations(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	want := []Migration{{2, "2_first.sql", "CREATE TABLE a (x);"}, {10, "10_later.sql", "CREATE TABLE b (x);"}}
	if d := cmp.Diff(want, ms); d != "" {
		t.Errorf("migrations (-want +got):\n%s", d)
	}
	if got := NotApplied(ms, []int{10}); !cmp.Equal(got, []string{"2_first.sql"}) {
		t.Errorf("NotApplied(10) = %q, want [2_first.sql]", got)
	}
	if got := NotApplied(ms, []int{2, 10}); got != nil {
		t.Errorf("NotApplied(2, 10) = %q, want nil", got)
	}
	for name, bad := range map[string]fstest.MapFS{
		"no number":  {"m/first.sql": {Data: []byte("")}},
		"one number": {"m/3_a.sql": {Data: []byte("")}, "m/0003_b.sql": {Data: []byte("")}},
	} {
		if _, err := LoadMigrations(bad, "m"); err == nil || !strings.Contains(err.Error(), "migration") {
			t.Errorf("%s: err = %v, want an error naming the migration", name, err)
		}
	}
}
