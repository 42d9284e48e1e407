package postgres

import (
	"context"
	"database/sql/driver"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The store's statements are written once, with SQLite's placeholders (?
// and ?N) and its json_each over a JSON array of ids; the connector below
// sits between database/sql and pgx's and turns each statement into
// PostgreSQL's dialect before it reaches the server: $N placeholders,
// parley_ids, a set-returning function of the schema (see the first
// migration), for json_each, JOIN … ON for SQLite's CROSS JOIN … ON,
// string_agg and chr for group_concat and char, and no INDEXED BY. Go booleans are sent as 0 or 1, as SQLite
// stores them (the schema keeps its INTEGER flags).

type connector struct{ inner driver.Connector }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{cn}, nil
}

func (c connector) Driver() driver.Driver { return c.inner.Driver() }

type conn struct{ driver.Conn }

func (c *conn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, rebind(q))
}

func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *conn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, rebind(q), ints(args))
}

func (c *conn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, rebind(q), ints(args))
}

func (c *conn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *conn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *conn) CheckNamedValue(v *driver.NamedValue) error {
	if b, ok := v.Value.(bool); ok {
		v.Value = int64(0)
		if b {
			v.Value = int64(1)
		}
	}
	return nil
}

func ints(args []driver.NamedValue) []driver.NamedValue {
	for i := range args {
		if b, ok := args[i].Value.(bool); ok {
			args[i].Value = int64(0)
			if b {
				args[i].Value = int64(1)
			}
		}
	}
	return args
}

var (
	rebound   sync.Map // statement → its PostgreSQL form
	jsonEach  = regexp.MustCompile(`json_each\(`)
	groupJSON = regexp.MustCompile(`json_group_array\(([^()]*)\)`)
	// SQLite's CROSS JOIN … ON fixes the join order; PostgreSQL's planner
	// takes it as the inner join it is.
	crossOn = regexp.MustCompile(`CROSS JOIN (\w+(?: \w+)? ON)`)
	// SQLite's group_concat and char are PostgreSQL's string_agg and chr;
	// INDEXED BY, which picks SQLite's index where its planner has no
	// statistics to go by, is left to PostgreSQL's planner.
	groupConcat = regexp.MustCompile(`\bgroup_concat\(`)
	charCode    = regexp.MustCompile(`\bchar\((\d+)\)`)
	indexedBy   = regexp.MustCompile(` INDEXED BY \w+`)
)

// rebind turns a statement in the store's dialect into PostgreSQL's.
// Placeholders inside quoted strings are left alone.
func rebind(q string) string {
	if r, ok := rebound.Load(q); ok {
		return r.(string)
	}
	s := jsonEach.ReplaceAllString(q, "parley_ids(")
	s = groupJSON.ReplaceAllString(s, "coalesce(json_agg($1), '[]')")
	s = crossOn.ReplaceAllString(s, "JOIN $1")
	s = groupConcat.ReplaceAllString(s, "string_agg(")
	s = charCode.ReplaceAllString(s, "chr($1)")
	s = indexedBy.ReplaceAllString(s, "")
	var b strings.Builder
	n := 0
	inQuote := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '\'':
			inQuote = !inQuote
			b.WriteByte(ch)
		case ch == '?' && !inQuote:
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j > i+1 {
				b.WriteString("$" + s[i+1:j])
				i = j - 1
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
		default:
			b.WriteByte(ch)
		}
	}
	r := b.String()
	rebound.Store(q, r)
	return r
}
