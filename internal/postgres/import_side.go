package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-graph/parley/internal/store/importtrace"
	"github.com/parley-graph/parley/internal/store/sqlcommon"
)

// A bulk import writes its search rows over a second connection (the
// side), into a table of its own (sideTable, made like search_docs), so
// that a second server backend tokenizes them (the generated columns)
// and builds their indexes and keys while the import's transaction loads
// and indexes the rest. The side commits its table once built; the
// import's transaction then puts it in search_docs' place (swap), in a
// few catalog statements, and commits. Until then nothing the side wrote
// is search_docs: a failed import drops the side table (cleanup), and a
// table left by an import that died is dropped by the next bulk import.
const sideTable = "parley_import_search"

// sideName is the name an index or constraint of search_docs has on the
// side table until the swap (names are unique in a schema, and search_docs
// still holds its own until then).
func sideName(name string) string { return "parley_import_" + name }

// sideBatch is how many search rows go to the side in one COPY.
const sideBatch = 20000

// searchSide is the side's connection and the goroutine that writes on
// it: COPYs of the rows sent, then the statements that build the table's
// indexes and keys, in one transaction, committed at the end.
type searchSide struct {
	db      *sql.DB
	conn    *pgx.Conn // its own, not the pool's: the pool may have one
	cancel  context.CancelFunc
	rows    chan [][]any
	closed  bool // rows
	done    chan struct{}
	build   []string
	columns []string
	mu      sync.Mutex
	err     error
	swapped bool
	// pid and startCPU are the side's server backend and its CPU time
	// when the import began (for the trace).
	pid      int
	startCPU time.Duration
}

// openSide connects the side (with the pool's settings, outside it: the
// import holds one of the pool's connections, maybe its only one), makes
// the side table (a stale one first dropped) and starts the side's
// goroutine. It must run before the import's transaction locks
// search_docs: CREATE TABLE … LIKE reads it.
func openSide(ctx context.Context, db *DB, columns []string) (*searchSide, error) {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	for _, q := range []string{
		`DROP TABLE IF EXISTS ` + sideTable,
		// Committed at once, empty: the import's transaction takes locks
		// on search_docs that CREATE TABLE … LIKE would wait for.
		`CREATE TABLE ` + sideTable + ` (LIKE search_docs INCLUDING ALL EXCLUDING INDEXES)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			conn.Close(ctx)
			return nil, err
		}
	}
	s := &searchSide{db: db.db, conn: conn, rows: make(chan [][]any, 1), done: make(chan struct{}), columns: columns}
	if importtrace.On() {
		s.pid = int(conn.PgConn().PID())
		s.startCPU = importtrace.CPUOf(s.pid)
	}
	ctx, s.cancel = context.WithCancel(ctx)
	go s.run(ctx)
	return s, nil
}

func (s *searchSide) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *searchSide) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// run writes on the side connection: BEGIN, a COPY for each batch of
// rows, then the build statements (set by finish before it closes rows),
// COMMIT; ROLLBACK at the first error, the batches after it read and
// dropped so that the sender never waits for ever.
func (s *searchSide) run(ctx context.Context) {
	defer close(s.done)
	err := func() error {
		pc := s.conn
		if _, err := pc.Exec(ctx, "BEGIN"); err != nil {
			return err
		}
		var err error
		for batch := range s.rows {
			if err != nil {
				continue
			}
			var n int64
			n, err = pc.CopyFrom(ctx, pgx.Identifier{sideTable}, s.columns, pgx.CopyFromRows(batch))
			if err == nil && int(n) != len(batch) {
				err = fmt.Errorf("COPY %s: %d rows written of %d", sideTable, n, len(batch))
			}
			if err != nil {
				s.fail(err)
			}
		}
		for _, q := range s.build {
			if err != nil {
				break
			}
			if _, err = pc.Exec(ctx, q); err != nil {
				err = fmt.Errorf("%s: %w", q, err)
			}
		}
		if err == nil {
			_, err = pc.Exec(ctx, "COMMIT")
		}
		if err != nil {
			pc.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
		return err
	}()
	if err != nil {
		s.fail(err)
	}
}

// cpu is the CPU time the side's backend took since the import began, for
// the trace ("-" when unknown: the server on another machine).
func (s *searchSide) cpu() string {
	now := importtrace.CPUOf(s.pid)
	if s.pid == 0 || now < 0 || s.startCPU < 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fs", (now - s.startCPU).Seconds())
}

// send queues a batch of rows, or returns the error that stopped the side.
func (s *searchSide) send(batch [][]any) error {
	if err := s.failed(); err != nil {
		return fmt.Errorf("search rows: %w", err)
	}
	s.rows <- batch
	return nil
}

// finish ends the rows: the side goes on with the statements of build
// (indexes and keys of its table) and commits.
func (s *searchSide) finish(build []string) {
	s.build = build
	s.closed = true
	close(s.rows)
}

// wait returns once the side has committed its table, or with the error
// that stopped it.
func (s *searchSide) wait() error {
	<-s.done
	if err := s.failed(); err != nil {
		return fmt.Errorf("search rows: %w", err)
	}
	return nil
}

// swap puts the side table in search_docs' place, in the import's
// transaction: the sequence of the ids goes to it, the empty search_docs
// is dropped, the side table, its indexes (named in indexes) and its
// constraints (named in constraints) take their names, search_docs'
// owner and privileges, and its triggers, made again as they are
// (enabled or not). Anything else that names search_docs (a view, a
// function's parsed body) would stop the DROP, and fail the import.
func (s *searchSide) swap(ctx context.Context, tx *sql.Tx, indexes, constraints []string) error {
	var seq, owner string
	var mine bool
	if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence('search_docs', 'id'), quote_ident(pg_get_userbyid(relowner)),
		pg_get_userbyid(relowner) = current_user FROM pg_class WHERE oid = 'search_docs'::regclass`).Scan(&seq, &owner, &mine); err != nil {
		return err
	}
	grants, err := sqlcommon.Column[string](tx.QueryContext(ctx, `SELECT format('GRANT %s ON search_docs TO %s%s', a.privilege_type,
			CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
			CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
		FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = 'search_docs'::regclass AND a.grantee <> c.relowner
		ORDER BY 1`))
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger
		WHERE tgrelid = 'search_docs'::regclass AND NOT tgisinternal ORDER BY tgname`)
	if err != nil {
		return err
	}
	var triggers [][3]string
	for rows.Next() {
		var t [3]string
		if err := rows.Scan(&t[0], &t[1], &t[2]); err != nil {
			rows.Close()
			return err
		}
		triggers = append(triggers, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	qs := []string{
		"ALTER SEQUENCE " + seq + " OWNED BY NONE",
		"DROP TABLE search_docs",
		"ALTER TABLE " + sideTable + " RENAME TO search_docs",
	}
	for _, x := range indexes {
		qs = append(qs, `ALTER INDEX "`+sideName(x)+`" RENAME TO "`+x+`"`)
	}
	for _, k := range constraints {
		qs = append(qs, `ALTER TABLE search_docs RENAME CONSTRAINT "`+sideName(k)+`" TO "`+k+`"`)
	}
	if !mine {
		qs = append(qs, "ALTER TABLE search_docs OWNER TO "+owner)
	}
	qs = append(qs, grants...)
	qs = append(qs, "ALTER SEQUENCE "+seq+" OWNED BY search_docs.id")
	for _, t := range triggers {
		qs = append(qs, t[1])
		switch t[2] {
		case "D":
			qs = append(qs, `ALTER TABLE search_docs DISABLE TRIGGER "`+t[0]+`"`)
		case "R":
			qs = append(qs, `ALTER TABLE search_docs ENABLE REPLICA TRIGGER "`+t[0]+`"`)
		case "A":
			qs = append(qs, `ALTER TABLE search_docs ENABLE ALWAYS TRIGGER "`+t[0]+`"`)
		}
	}
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	s.swapped = true
	return nil
}

// close ends the side: its goroutine, its table unless the import
// committed it as search_docs (committed tells), and its connection. The
// import's transaction must be over (it may hold the side table's locks).
func (s *searchSide) close(committed bool) {
	if s == nil {
		return
	}
	select {
	case <-s.done:
	default:
		s.fail(fmt.Errorf("import ended"))
		s.cancel()
		if !s.closed {
			s.closed = true
			close(s.rows)
		}
		<-s.done
	}
	s.cancel()
	s.conn.Close(context.Background())
	if !(committed && s.swapped) {
		// From the pool: a cancelled statement may have closed the side's
		// connection.
		s.db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+sideTable)
	}
}

// sideIndex is an index definition of search_docs (pg_get_indexdef) made
// for the side table under its side name.
func sideIndex(name, def string) (string, error) {
	head, rest, ok := strings.Cut(def, " ON ")
	_, using, ok2 := strings.Cut(rest, " USING ")
	if !ok || !ok2 || !strings.HasSuffix(head, " "+name) {
		return "", fmt.Errorf("index %s: cannot read %q", name, def)
	}
	return strings.TrimSuffix(head, name) + `"` + sideName(name) + `" ON ` + sideTable + " USING " + using, nil
}
