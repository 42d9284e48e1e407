// Package pgtest gives tests a PostgreSQL database of their own when
// PARLEY_TEST_POSTGRES names a server (postgres://user@host:port/db, a
// user that may create databases).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Env is the variable that names the server.
const Env = "PARLEY_TEST_POSTGRES"

// Server returns the URL in PARLEY_TEST_POSTGRES, or "" when unset.
func Server() string { return os.Getenv(Env) }

// Database creates an empty database on the server named by
// PARLEY_TEST_POSTGRES, drops it when the test ends, and returns its URL.
// It fails the test when the variable is unset: callers check Server.
func Database(t testing.TB) string {
	t.Helper()
	server := Server()
	if server == "" {
		t.Fatalf("%s is not set", Env)
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "parley_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("connect to %s: %v", Env, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := pgx.Connect(ctx, server)
		if err != nil {
			t.Errorf("connect to drop %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
