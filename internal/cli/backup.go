package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/parley-graph/parley/internal/postgres"
	"github.com/parley-graph/parley/internal/sqlite"
)

// backup copies a database, consistent at one moment, to a new file while
// other processes (parley serve) go on using it.
func (a *App) backup(ctx context.Context, args []string) error {
	fs := a.flags("backup")
	db := a.dbFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(a.Stderr, "usage: parley backup --db PATH OUT")
		fs.PrintDefaults()
	}
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *db == "" || fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	out := fs.Arg(0)
	if postgres.IsURL(*db) {
		return fmt.Errorf("parley backup copies a SQLite file; back a PostgreSQL database up with pg_dump (or move its graph with parley export)")
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("no database at %s", *db)
	}
	store, err := sqlite.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	res, err := store.Backup(ctx, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "backed up %s to %s: %d nodes, %d pages, %d bytes, checked, in %.1fs\n",
		*db, out, res.Nodes, res.Pages, res.Bytes, time.Since(start).Seconds())
	return nil
}
