package cli

import (
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-graph/parley/internal/postgres/pgtest"
)

// proxy forwards TCP connections from a local port to target, until it
// is cut: then it closes its listener and every connection it carries, as
// a network failure or a server gone would.
type proxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestServeReadyzPostgres serves a PostgreSQL database reached through a
// proxy: /readyz answers 200 while the database answers, 503 once the
// connection to it is cut (and a query fails cleanly), and 200 again once
// the database can be reached again (the pool connects anew).
func TestServeReadyzPostgres(t *testing.T) {
	if pgtest.Server() == "" {
		t.Skipf("%s not set: no PostgreSQL server to test against", pgtest.Env)
	}
	u, err := url.Parse(pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{target: u.Host}
	p.start(t)
	defer p.cut()
	u.Host = p.addr
	s := startServer(t, "--db", u.String())
	if code, body := s.get("/readyz"); code != 200 {
		t.Fatalf("/readyz = %d %q, want 200", code, body)
	}
	if code, body := s.post("", `{"query":"{ actors { totalCount } }"}`); code != 200 || body != `{"data":{"actors":{"totalCount":33}}}` {
		t.Errorf("read: %d %s", code, body)
	}
	p.cut()
	code, body := s.get("/readyz")
	if code != 503 || !strings.HasPrefix(body, "not ready: ") {
		t.Errorf("/readyz with the database cut off = %d %q, want 503", code, body)
	}
	t.Logf("/readyz with the database cut off: %d %q", code, body)
	if code, body := s.post("", `{"query":"{ actors { totalCount } }"}`); !strings.Contains(body, `"errors"`) || strings.Contains(body, "totalCount\":33") {
		t.Errorf("read with the database cut off: %d %s, want an error", code, body)
	}
	p.start(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := s.get("/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz = %d %q 20 s after the database came back", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code, body := s.post("", `{"query":"{ actors { totalCount } }"}`); code != 200 || body != `{"data":{"actors":{"totalCount":33}}}` {
		t.Errorf("read after the database came back: %d %s", code, body)
	}
}
