// Package pgtest gives tests of every package their own empty schema on
// the Postgres server the test suite runs against, so that they run in
// parallel and leave nothing behind. It is imported by tests only.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultURL is the local server the development machines and CI run.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// ServerURL returns the server to test against: TEST_DATABASE_URL, or
// DefaultURL. Tests skip only when it says "off"; an unreachable server
// fails them, so a broken setup cannot pass silently.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" {
		u = DefaultURL
	}
	if u == "off" {
		tb.Skip("TEST_DATABASE_URL=off: skipping the Postgres variant")
	}
	return u
}

// SchemaURL creates an empty schema with a random name on the server,
// drops it when the test ends, and returns a URL whose connections use it.
func SchemaURL(tb testing.TB) string {
	tb.Helper()
	base := ServerURL(tb)
	conn, err := pgx.Connect(tb.Context(), base)
	if err != nil {
		tb.Fatalf("Postgres at TEST_DATABASE_URL is unreachable (set TEST_DATABASE_URL=off to skip): %v", err)
	}
	defer conn.Close(context.Background())
	suffix := make([]byte, 8)
	rand.Read(suffix)
	schema := "test_" + hex.EncodeToString(suffix)
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(tb.Context(), "CREATE SCHEMA "+ident); err != nil {
		tb.Fatalf("creating schema %s: %v", schema, err)
	}
	tb.Cleanup(func() {
		// The test's context is already canceled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+ident+" CASCADE"); err != nil {
			tb.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL must be a postgres:// URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx sends unknown URL parameters as session settings
	u.RawQuery = q.Encode()
	return u.String()
}
