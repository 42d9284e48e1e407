package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/parley-graph/parley/internal/parley"
	"github.com/parley-graph/parley/internal/sqlite"
)

// talksFile writes a database holding testdata/talks.yaml and closes it.
func talksFile(t *testing.T, path string) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Import(context.Background(), []*parley.Dataset{parse(t, "talks.yaml", talks(t)).Dataset}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// mountTmpfs mounts a tmpfs of size bytes for the test, or skips the test
// where mounting is not allowed (not root, or no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func remount(t *testing.T, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", dir, mode, err, out)
	}
}

// readOnlyFile makes path read-only for this process: chmod for a user,
// and for root (whom permissions do not stop) the immutable attribute.
func readOnlyFile(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("running as root, and cannot make %s immutable (chattr +i): %v: %s", path, err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
}

// fault is what the edge reports for err: its storage fault, if any.
func fault(db *sqlite.DB, err error) error {
	if f := db.StorageFault(err); f != nil {
		return f
	}
	return err
}

func wantCode(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	if parley.ErrorCode(err) != code || !strings.Contains(parley.ErrorMessage(err), msg) {
		t.Errorf("%s: %v, want %s containing %q", what, err, code, msg)
	}
}

// writes tries each kind of write on db: an import that changes a node,
// and a token.
func writes(t *testing.T, db *sqlite.DB, code, msg string) {
	t.Helper()
	ctx := context.Background()
	ds := &parley.Dataset{Name: "w", Actors: []*parley.Actor{{ID: "new-actor", Kind: parley.Person, Name: "New Actor"}}}
	_, err := db.Import(ctx, []*parley.Dataset{ds})
	wantCode(t, "import", fault(db, err), code, msg)
	_, err = db.CreateToken(ctx, "t", "reader")
	wantCode(t, "create a token", fault(db, err), code, msg)
}

func TestReadOnlyFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	talksFile(t, path)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readOnlyFile(t, path)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open a read-only file: %v", err)
	}
	defer db.Close()
	if db.ReadOnly() != "the file may not be written" {
		t.Errorf("ReadOnly() = %q", db.ReadOnly())
	}
	if err := db.Check(ctx); err != nil {
		t.Errorf("check: %v", err)
	}
	if counts, err := db.Counts(ctx); err != nil || counts[parley.TypeActor] == 0 {
		t.Errorf("read a read-only file: %v %v", counts, err)
	}
	writes(t, db, parley.EStorageReadOnly, "the database cannot be written (the file may not be written)")
	wantCode(t, "ping", db.Ping(ctx), parley.EStorageReadOnly, "the file may not be written")
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Error("the read-only file changed")
	}
}

func TestReadOnlyFilesystem(t *testing.T) {
	ctx := context.Background()
	mnt := mountTmpfs(t, 8<<20)
	path := filepath.Join(mnt, "p.db")
	talksFile(t, path)
	remount(t, mnt, "ro")
	defer remount(t, mnt, "rw")

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open on a read-only filesystem: %v", err)
	}
	defer db.Close()
	if counts, err := db.Counts(ctx); err != nil || counts[parley.TypeActor] == 0 {
		t.Errorf("read on a read-only filesystem: %v %v", counts, err)
	}
	if _, err := db.Export(ctx); err != nil {
		t.Errorf("export on a read-only filesystem: %v", err)
	}
	if hits, _, err := db.Search(ctx, parley.SearchQuery{Text: "talks", First: 5}); err != nil || len(hits) == 0 {
		t.Errorf("search on a read-only filesystem: %v %v", hits, err)
	}
	writes(t, db, parley.EStorageReadOnly, "its filesystem is mounted read-only")
	wantCode(t, "ping", db.Ping(ctx), parley.EStorageReadOnly, "its filesystem is mounted read-only")

	_, err = sqlite.Open(ctx, filepath.Join(mnt, "new.db"))
	if err == nil || err.Error() != "cannot create the database "+filepath.Join(mnt, "new.db")+": its filesystem is mounted read-only" {
		t.Errorf("create a database on a read-only filesystem: %v", err)
	}
}

func TestFullDisk(t *testing.T) {
	ctx := context.Background()
	mnt := mountTmpfs(t, 4<<20)
	path := filepath.Join(mnt, "p.db")
	talksFile(t, path)
	// Leave about 1.5 MiB free, a third of it held by a file to delete later.
	filler := filepath.Join(mnt, "filler")
	st := func() int64 {
		var fs syscall.Statfs_t
		if err := syscall.Statfs(mnt, &fs); err != nil {
			t.Fatal(err)
		}
		return int64(fs.Bavail) * int64(fs.Bsize)
	}
	if err := os.WriteFile(filepath.Join(mnt, "ballast"), make([]byte, st()-(2<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filler, make([]byte, 512<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("ping with %d bytes free: %v", st(), err)
	}
	counts, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	actors := counts[parley.TypeActor]
	big := strings.Repeat("A long description that fills the disk. ", 200)
	acknowledged := 0
	var failed error
	for i := range 200 {
		ds := &parley.Dataset{Name: "fill"}
		for j := range 5 {
			ds.Actors = append(ds.Actors, &parley.Actor{ID: fmt.Sprintf("filler-%d-%d", i, j), Kind: parley.Group, Name: "Filler", Description: big})
		}
		if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
			failed = err
			break
		}
		acknowledged++
	}
	if failed == nil {
		t.Fatal("200 writes of 40 KB fitted in 2 MiB")
	}
	wantCode(t, "the write that found the disk full", fault(db, failed), parley.EStorageFull, "the disk holding the database is full")
	wantCode(t, "ping", db.Ping(ctx), parley.EStorageFull, "full")
	counts, err = db.Counts(ctx)
	if err != nil {
		t.Fatalf("read with the disk full: %v", err)
	}
	if got, want := counts[parley.TypeActor], actors+5*acknowledged; got != want {
		t.Errorf("%d actors after %d acknowledged writes, want %d", got, acknowledged, want)
	}
	// Space freed: writes work again.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	ds := &parley.Dataset{Name: "after", Actors: []*parley.Actor{{ID: "after-full", Kind: parley.Group, Name: "After"}}}
	if _, err := db.Import(ctx, []*parley.Dataset{ds}); err != nil {
		t.Errorf("write after space was freed: %v", err)
	}
	t.Logf("%d writes of 40 KB acknowledged before the disk was full", acknowledged)
}

// corruptCopy copies the database at src to a new file with the root
// page of table overwritten.
func corruptCopy(t *testing.T, src, table string) string {
	t.Helper()
	db, err := sqlite.Open(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	var root, size int
	err = db.SQL().QueryRow("SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = ?", table).Scan(&root, &size)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for i := (root - 1) * size; i < root*size; i++ {
		b[i] = byte(i*7 + 3)
	}
	dst := filepath.Join(t.TempDir(), "corrupt.db")
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestOpenSaysWhatIsWrong(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	talksFile(t, good)
	text := filepath.Join(dir, "text.db")
	os.WriteFile(text, []byte("actors:\n  - id: a\n"), 0o644)
	trunc := filepath.Join(dir, "truncated.db")
	b, _ := os.ReadFile(good)
	os.WriteFile(trunc, b[:3*4096], 0o644)

	for _, c := range []struct{ path, code, msg string }{
		{dir, "", dir + " is a folder, not a database file"},
		{filepath.Join(dir, "no", "such.db"), "", "cannot create the database " + filepath.Join(dir, "no", "such.db") + ": the folder " + filepath.Join(dir, "no") + " does not exist"},
		{text, parley.EStorageCorrupt, text + " is not a SQLite database: it does not begin with SQLite's header"},
		{trunc, parley.EStorageCorrupt, trunc + " is damaged (SQLite says: database disk image is malformed): restore it from a backup"},
	} {
		db, err := sqlite.Open(ctx, c.path)
		if err == nil {
			db.Close()
			t.Errorf("open %s: no error", c.path)
			continue
		}
		if c.code != "" && parley.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("open %s: %v (%s), want %s %q", c.path, err, parley.ErrorCode(err), c.code, c.msg)
		}
	}
}

// TestCorruptPages damages the first page of the nodes table in a copy of
// a database:
// it opens (the schema is intact), the quick check names the damage, and
// reads of the damaged pages give STORAGE_CORRUPT, which Ping reports
// from then on.
func TestCorruptPages(t *testing.T) {
	ctx := context.Background()
	good := filepath.Join(t.TempDir(), "good.db")
	talksFile(t, good)
	path := corruptCopy(t, good, "nodes")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	wantCode(t, "check", db.Check(ctx), parley.EStorageCorrupt, path+" is damaged")
	db.Close()

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("ping before anything read the damaged pages: %v", err)
	}
	_, err = db.Export(ctx)
	wantCode(t, "export", fault(db, err), parley.EStorageCorrupt, "the database file is damaged (SQLite says: database disk image is malformed): restore it from a backup")
	wantCode(t, "ping", db.Ping(ctx), parley.EStorageCorrupt, "the database file is damaged")
}

// TestOpenUnreadable: a file this process may not read. Root reads any
// file whatever its mode, so the test needs another user.
func TestOpenUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, who may read any file whatever its mode")
	}
	path := filepath.Join(t.TempDir(), "secret.db")
	talksFile(t, path)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), path)
	if err == nil || err.Error() != "cannot read the database "+path+": permission denied" {
		t.Errorf("open an unreadable file: %v", err)
	}
}
