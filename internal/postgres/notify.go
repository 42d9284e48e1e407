package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-graph/parley/internal/parley"
)

var _ parley.ChangeNotifier = (*DB)(nil)

// notifyChannel is the channel each committed write notifies (migration
// 0003_notify).
const notifyChannel = "parley_changes"

// listenerName is the listening connection's application_name, unless the
// database URL sets one.
const listenerName = "parley listener"

// notifyKeepalive is how long the listening connection waits for a notice
// before it checks that the server still answers: a connection lost
// without a word (a server gone, a network cut) is found within about
// this long, and its watchers' channels closed.
var notifyKeepalive = 15 * time.Second

// listener holds the one connection of a store that LISTENs for change
// notices, shared by every watcher: it is opened by the first watcher,
// closed when the last one leaves (or when the store closes), and opened
// anew by the next watcher after that or after a loss.
type listener struct {
	mu     sync.Mutex
	cur    *session // nil while no connection listens
	closed bool     // the store is closed
}

// session is one listening connection and its watchers.
type session struct {
	stop     context.CancelFunc
	done     chan struct{} // closed when its loop has ended
	watchers map[chan struct{}]struct{}
}

// WatchChanges implements parley.ChangeNotifier with PostgreSQL's
// LISTEN/NOTIFY: the returned channel receives a value soon after each
// committed write by any process on the database (coalesced: one value
// may stand for several commits). It is closed when ctx is done, when the
// store closes, or when the listening connection is lost (notices may
// have been missed: the caller falls back to polling Version, and may
// watch again, which connects anew).
func (db *DB) WatchChanges(ctx context.Context) (<-chan struct{}, error) {
	l := &db.listen
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, errors.New("watch changes: the store is closed")
	}
	if l.cur == nil {
		s, err := db.listenSession(ctx)
		if err != nil {
			return nil, err
		}
		l.cur = s
	}
	s := l.cur
	ch := make(chan struct{}, 1)
	s.watchers[ch] = struct{}{}
	go func() {
		select {
		case <-ctx.Done():
		case <-s.done:
			return
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		if _, ok := s.watchers[ch]; ok {
			delete(s.watchers, ch)
			close(ch)
		}
		if len(s.watchers) == 0 && l.cur == s {
			// The last watcher left: the next one connects anew.
			l.cur = nil
			s.stop()
		}
	}()
	return ch, nil
}

// listenSession opens a listening connection (with the pool's settings,
// outside the pool: it is held as long as anyone watches) and starts its
// loop.
func (db *DB) listenSession(ctx context.Context) (*session, error) {
	cfg := db.pool.Config().ConnConfig.Copy()
	if cfg.RuntimeParams["application_name"] == "" {
		// So that pg_stat_activity names it.
		cfg.RuntimeParams["application_name"] = listenerName
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("watch changes: connect: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("watch changes: listen: %w", err)
	}
	loopCtx, stop := context.WithCancel(context.Background())
	s := &session{stop: stop, done: make(chan struct{}), watchers: map[chan struct{}]struct{}{}}
	go db.listen.loop(loopCtx, conn, s)
	return s, nil
}

// loop passes each notice to every watcher of s, until it is stopped or
// the connection fails; then it closes the connection and every
// watcher's channel.
func (l *listener) loop(ctx context.Context, conn *pgx.Conn, s *session) {
	defer func() {
		conn.Close(context.Background())
		l.mu.Lock()
		for ch := range s.watchers {
			delete(s.watchers, ch)
			close(ch)
		}
		if l.cur == s {
			l.cur = nil
		}
		l.mu.Unlock()
		s.stop()
		close(s.done)
	}()
	for {
		wait, cancel := context.WithTimeout(ctx, notifyKeepalive)
		_, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil:
			l.mu.Lock()
			for ch := range s.watchers {
				select {
				case ch <- struct{}{}:
				default: // a value is pending already: coalesced
				}
			}
			l.mu.Unlock()
		case ctx.Err() != nil:
			return
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// Quiet for a while: is the server still there?
			ping, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(ping)
			cancel()
			if err != nil {
				return
			}
		default:
			return
		}
	}
}

// closeListener stops the listening connection, closing every watcher's
// channel, and refuses new watchers: the store is closing.
func (db *DB) closeListener() {
	l := &db.listen
	l.mu.Lock()
	l.closed = true
	s := l.cur
	l.cur = nil
	l.mu.Unlock()
	if s != nil {
		s.stop()
		<-s.done
	}
}
