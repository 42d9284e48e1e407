package sqlcommon

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one numbered SQL file of a store's schema, named like
// 0001_initial.sql.
type Migration struct {
	Version int
	Name    string // the file's name
	SQL     string
}

// LoadMigrations reads the files dir/*.sql of fsys (a store's embedded
// migrations), in the order of their numbers. A name that does not start
// with a number and '_', or two files with one number, is an error.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", base)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share a number", ms[i-1].Name, ms[i].Name)
		}
	}
	return ms, nil
}

// NotApplied returns the names of the migrations of ms whose versions are
// not among applied, in order: nil when every one is.
func NotApplied(ms []Migration, applied []int) []string {
	var out []string
	for _, m := range ms {
		if !slices.Contains(applied, m.Version) {
			out = append(out, m.Name)
		}
	}
	return out
}

// AppliedVersions returns the versions recorded in the table
// schema_migrations, in order.
func AppliedVersions(ctx context.Context, db *sql.DB) ([]int, error) {
	return Column[int](db.QueryContext(ctx, "SELECT version FROM schema_migrations ORDER BY version"))
}

// Column returns the values of a one-column query's rows, in order, and
// closes them: Column[string](tx.QueryContext(ctx, q, args...)).
func Column[T any](rows *sql.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
