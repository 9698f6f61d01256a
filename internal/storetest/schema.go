package storetest

import (
	"context"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/sqltrace"
)

func testMigrate(t *testing.T, h Harness) {
	ctx := t.Context()
	s := h.NewDatabase(t)(box(t, testKey))
	current, latest, err := s.SchemaStatus(ctx)
	if err != nil {
		t.Fatalf("SchemaStatus before Migrate: %v", err)
	}
	if current != 0 || latest < 1 {
		t.Fatalf("SchemaStatus before Migrate = %d, %d; want 0 and at least 1", current, latest)
	}
	for i := range 2 { // the second run must be a no-op
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate run %d: %v", i+1, err)
		}
		c, l, err := s.SchemaStatus(ctx)
		if err != nil {
			t.Fatalf("SchemaStatus after Migrate run %d: %v", i+1, err)
		}
		if c != latest || l != latest {
			t.Fatalf("SchemaStatus after Migrate run %d = %d, %d; want %d, %d", i+1, c, l, latest, latest)
		}
	}
	// The schema works: a user can be stored.
	if err := s.SaveUser(ctx, user("u1"), nil); err != nil {
		t.Fatalf("SaveUser after Migrate: %v", err)
	}
}

func testPing(t *testing.T, h Harness) {
	s := h.NewDatabase(t)(box(t, testKey))
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testStatementsAreCounted(t *testing.T, h Harness) {
	s := migrated(t, h)
	ctx, counter := sqltrace.WithCounter(t.Context())
	if err := s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p1", "u1")}); err != nil {
		t.Fatal(err)
	}
	afterSave := counter.Count()
	if afterSave < 2 {
		t.Errorf("SaveUser with a profile counted %d statements, want at least 2", afterSave)
	}
	if _, err := s.User(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if got := counter.Count(); got != afterSave+1 {
		t.Errorf("User counted %d statements, want 1", got-afterSave)
	}
	if counter.Total() <= 0 {
		t.Errorf("Total() = %v, want the statements' positive duration", counter.Total())
	}
	// Statements outside a counted context do not leak into it.
	before := counter.Count()
	if _, err := s.User(context.Background(), "u1"); err != nil {
		t.Fatal(err)
	}
	if counter.Count() != before {
		t.Error("a statement run without the counter's context was counted")
	}
}
