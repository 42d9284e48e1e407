package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeTimeouts checks serve cuts the clients that hold a connection
// without using it, and still shuts down cleanly with one of them
// connected.
func TestServeTimeouts(t *testing.T) {
	db := filepath.Join(t.TempDir(), "serve.db")
	addrc := make(chan string, 1)
	var stderr bytes.Buffer
	env := map[string]string{"PARLEY_IDLE_TIMEOUT": "1s"}
	app := &App{Stdout: io.Discard, Stderr: &stderr, Getenv: func(k string) string { return env[k] }, Ready: func(a string) { addrc <- a }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- app.Run(ctx, []string{"--db", db, "--addr", "127.0.0.1:0", "--read-timeout", "1s", "--request-timeout", "2s", "--write-timeout", "3s"})
	}()
	var addr string
	select {
	case addr = <-addrc:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, stderr.String())
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not start")
	}

	// closedWithin reads from conn until the server closes it; the
	// bound is ten times the timeout, to stay clear of a busy machine.
	closedWithin := func(conn net.Conn, d time.Duration) bool {
		conn.SetReadDeadline(time.Now().Add(d))
		_, err := io.Copy(io.Discard, conn)
		return err == nil // EOF: the server closed it
	}

	// A body announced and never sent.
	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":")
	if !closedWithin(slow, 10*time.Second) {
		t.Error("a client trickling its body kept its connection")
	}

	// An idle keep-alive connection after one request.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
	if !closedWithin(idle, 10*time.Second) {
		t.Error("an idle keep-alive connection was kept")
	}

	// Shutting down with a client holding a connection half-sent.
	held, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	io.WriteString(held, "POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown: %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(stderr.String(), "msg=stopped") {
		t.Errorf("log lacks the stop:\n%s", stderr.String())
	}
}

func TestServeTimeoutFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--request-timeout", "0s"},
		{"--request-timeout", "40s", "--write-timeout", "40s"},
		{"--idle-timeout", "soon"},
	} {
		var stderr bytes.Buffer
		app := &App{Stdout: io.Discard, Stderr: &stderr, Getenv: func(string) string { return "" }}
		if code := app.Run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "x.db")}, args...)); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage): %s", args, code, stderr.String())
		}
	}
}
