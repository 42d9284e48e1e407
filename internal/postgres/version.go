package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// versionTimeout bounds one read of the version, which the requests that
// joined it share (none of their contexts may cancel it for the others).
const versionTimeout = 10 * time.Second

// versionReads shares reads of the version between the requests that ask
// at once. A request never joins a read already sent: it joins the next
// one, which is sent once the read in flight has returned, so the row it
// reads is read after the request asked, and shows every write committed
// before (the guarantee of parley.Versioner: a write that returned, in
// this process or any other, is seen by the next read). At most one read
// is in flight per process; under load one statement answers as many
// requests as asked during the one before.
type versionReads struct {
	mu      sync.Mutex
	next    *versionRead // not sent yet: a request that asks joins it
	sending bool         // a read is in flight
	// afterRead, when set (by tests), runs after each statement has
	// answered, before its requests are told.
	afterRead func()
}

// versionRead is one statement's answer, for every request that joined it.
type versionRead struct {
	done  chan struct{} // closed when v and err are set
	v     int64
	err   error
	asked int // the requests that joined it
}

// Version implements parley.Versioner: the one row of graph_version,
// which every statement recording changes (Apply, Import) moves on in the
// same transaction, whichever process made it; it never goes back.
// Requests that ask at once share one read (versionReads).
func (db *DB) Version(ctx context.Context) (int64, error) {
	r := &db.versions
	r.mu.Lock()
	c := r.next
	if c == nil {
		c = &versionRead{done: make(chan struct{})}
		r.next = c
	}
	c.asked++
	lead := !r.sending
	if lead {
		r.sending, r.next = true, nil
	}
	r.mu.Unlock()
	if lead {
		db.sendVersionRead(ctx, c)
		return c.v, c.err
	}
	select {
	case <-c.done:
		return c.v, c.err
	case <-ctx.Done():
		return 0, fmt.Errorf("version: %w", ctx.Err())
	}
}

// sendVersionRead reads the version for the requests of c, then hands the
// reads that were asked meanwhile to a goroutine of their own (the
// request that sent c goes on with its own work).
func (db *DB) sendVersionRead(ctx context.Context, c *versionRead) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), versionTimeout)
	c.v, c.err = db.readVersion(ctx)
	cancel()
	if r := &db.versions; r.afterRead != nil {
		r.afterRead()
	}
	close(c.done)
	r := &db.versions
	r.mu.Lock()
	next := r.next
	r.next = nil
	r.sending = next != nil
	r.mu.Unlock()
	if next != nil {
		go db.sendVersionRead(context.Background(), next)
	}
}

// readVersion sends the statement. It goes through database/sql as every
// read does, not through pgx's pool beside it: database/sql's idle
// connections hold the pool's, so a read from the pool itself could wait
// for a connection none of them gives back.
func (db *DB) readVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.queryRow(ctx, "SELECT version FROM graph_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("version: %w", err)
	}
	return v, nil
}
