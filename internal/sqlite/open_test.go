package sqlite

import (
	"path/filepath"
	"testing"
)

func TestOpenConfiguresEveryConnection(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "p.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		pool   string
		pragma string
		want   string
	}{
		{"write", "journal_mode", "wal"},
		{"write", "foreign_keys", "1"},
		{"write", "busy_timeout", "5000"},
		{"write", "query_only", "0"},
		{"read", "journal_mode", "wal"},
		{"read", "foreign_keys", "1"},
		{"read", "query_only", "1"},
	}
	for _, tt := range tests {
		pool := db.write
		if tt.pool == "read" {
			pool = db.read
		}
		var got string
		if err := pool.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatalf("%s pool PRAGMA %s: %v", tt.pool, tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("%s pool PRAGMA %s = %q, want %q", tt.pool, tt.pragma, got, tt.want)
		}
	}
	if got := db.write.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("write pool allows %d connections, want exactly 1", got)
	}
}

func TestOpenRejectsPathsThatAreNotFiles(t *testing.T) {
	for _, path := range []string{"", ":memory:", "a.db?mode=memory"} {
		if db, err := Open(t.Context(), path, Options{}); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestTokenMethodsNeedABox(t *testing.T) {
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "p.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Token(t.Context(), "u1"); err == nil {
		t.Error("Token without a Box succeeded")
	}
}

func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	if _, err := db.migrations.DownTo(ctx, 0); err != nil {
		t.Fatalf("migrating down to 0: %v", err)
	}
	var tables int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('users', 'profiles', 'tokens', 'sessions')`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d tables remain after migrating down to 0", tables)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating up again: %v", err)
	}
	if current, latest, err := db.SchemaStatus(ctx); err != nil || current != latest {
		t.Errorf("SchemaStatus after up, down, up = %d, %d, %v; want current = latest", current, latest, err)
	}
}
