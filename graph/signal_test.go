package graph_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-graph/parley/graph"
)

// notifierStore is a store's version with change notices the test sends:
// its first WatchChanges fails, the next ones give a channel the test
// holds.
type notifierStore struct {
	version  atomic.Int64
	reads    atomic.Int64
	mu       sync.Mutex
	watches  int
	notices  chan struct{}
	watching chan chan struct{}
}

func (s *notifierStore) Version(context.Context) (int64, error) {
	s.reads.Add(1)
	return s.version.Load(), nil
}

func (s *notifierStore) WatchChanges(context.Context) (<-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watches++
	if s.watches == 1 {
		return nil, errors.New("no listening connection")
	}
	ch := make(chan struct{}, 1)
	s.watching <- ch
	return ch, nil
}

// TestStoreSignalNotices: a store that sends change notices wakes the
// waiters on a notice, without a change of version, and its version is
// then read at the slow rate only; a change no notice tells of is still
// seen by that slow read; when the notices stop (the channel closed) the
// version is read at the fast rate again and a change is seen that way;
// and the notices are asked for again, after a failure too.
func TestStoreSignalNotices(t *testing.T) {
	store := &notifierStore{watching: make(chan chan struct{}, 4)}
	s := graph.NewStoreSignal(store, 10*time.Millisecond)
	s.SlowInterval = 300 * time.Millisecond
	s.RetryInterval = 50 * time.Millisecond
	woken := func(w <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-w:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: not woken within 5 s", what)
		}
	}
	woken(s.Wait(), "the first read")

	// The first WatchChanges failed; the retry gives notices.
	var notices chan struct{}
	select {
	case notices = <-store.watching:
	case <-time.After(5 * time.Second):
		t.Fatal("notices not asked for again after a failure")
	}
	for !s.Listening() {
		time.Sleep(time.Millisecond)
	}

	// A notice wakes the waiters, the version unchanged.
	w := s.Wait()
	notices <- struct{}{}
	woken(w, "a notice")

	// With notices, the version is read at the slow rate.
	before := store.reads.Load()
	time.Sleep(time.Second)
	if n := store.reads.Load() - before; n > 6 {
		t.Errorf("with notices, %d reads of the version in 1 s (every 300 ms: about 3)", n)
	}

	// A change no notice told of is seen by the slow read.
	w = s.Wait()
	store.version.Add(1)
	woken(w, "a change without a notice")

	// The notices stop: the version is read at the fast rate, and a
	// change is seen.
	close(notices)
	for s.Listening() {
		time.Sleep(time.Millisecond)
	}
	w = s.Wait()
	store.version.Add(1)
	woken(w, "a change after the notices stopped")

	// And notices are asked for again.
	select {
	case notices = <-store.watching:
	case <-time.After(5 * time.Second):
		t.Fatal("notices not asked for again after they stopped")
	}
	for !s.Listening() {
		time.Sleep(time.Millisecond)
	}
	w = s.Wait()
	notices <- struct{}{}
	woken(w, "a notice after listening again")
}

// versionStore is a store's version alone, no notices.
type versionStore struct{ version, reads atomic.Int64 }

func (s *versionStore) Version(context.Context) (int64, error) {
	s.reads.Add(1)
	return s.version.Load(), nil
}

// TestStoreSignalPolls: a store without notices has its version read at
// the fast rate, and a change wakes the waiters.
func TestStoreSignalPolls(t *testing.T) {
	store := &versionStore{}
	s := graph.NewStoreSignal(store, 10*time.Millisecond)
	<-s.Wait()
	w := s.Wait()
	store.version.Add(1)
	select {
	case <-w:
	case <-time.After(5 * time.Second):
		t.Fatal("a change not seen within 5 s")
	}
	if s.Listening() {
		t.Error("listening without notices")
	}
	// It keeps polling with nothing changing: five more reads come, in
	// 50 ms on a quiet machine (a deadline far above that, so a loaded
	// machine does not fail it; a signal that stopped polling does).
	before := store.reads.Load()
	deadline := time.Now().Add(10 * time.Second)
	for store.reads.Load()-before < 5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := store.reads.Load() - before; n < 5 {
		t.Errorf("%d reads of the version in 10 s, polling every 10 ms: want 5 or more", n)
	}
}
