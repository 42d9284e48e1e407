package cli

import (
	"bytes"
	"context"
	"fmt"

	"github.com/parley-graph/parley/internal/dataset"
	"github.com/parley-graph/parley/internal/parley"
)

// copyGraph moves a whole graph from one database to another, either
// backend to either: the source's export is imported into the target (one
// transaction: all or nothing), and then the target's export must be the
// same bytes as the source's, or the copy is reported as failed.
func (a *App) copyGraph(ctx context.Context, args []string) error {
	fs := a.flags("copy")
	from := fs.String("from", "", "the database to copy from: a SQLite file `path` or a postgres:// URL")
	to := fs.String("to", "", "the database to copy into (created if absent): a SQLite file `path` or a postgres:// URL")
	fs.Usage = func() {
		fmt.Fprintln(a.Stderr, "usage: parley copy --from DB --to DB")
		fs.PrintDefaults()
	}
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	src, err := a.openStore(ctx, *from, true)
	if err != nil {
		return err
	}
	defer src.Close()
	ds, err := src.Export(ctx)
	if err != nil {
		return err
	}
	want, err := dataset.Write(ds, dataset.YAML)
	if err != nil {
		return err
	}
	dst, err := a.openStore(ctx, *to, false)
	if err != nil {
		return err
	}
	defer dst.Close()
	res, err := dst.Import(parley.WithAuthor(ctx, "parley copy"), []*parley.Dataset{ds})
	if err != nil {
		return err
	}
	back, err := dst.Export(ctx)
	if err != nil {
		return err
	}
	got, err := dataset.Write(back, dataset.YAML)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("copied, but the export of %s (%d bytes) differs from that of %s (%d bytes): did %s hold a graph already?",
			*to, len(got), *from, len(want), *to)
	}
	fmt.Fprintf(a.Stdout, "copied %s to %s: %d created, %d updated, %d unchanged; exports identical (%d bytes)\n",
		*from, *to, res.Created, res.Updated, res.Unchanged, len(got))
	return nil
}
