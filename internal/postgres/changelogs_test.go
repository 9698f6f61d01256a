package postgres

import (
	"context"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// TestChangeLogsMigrationDuringWrites checks that migration 00012 runs
// while a writer of the previous release holds a record uncommitted, and
// that the writer's commit, whose trigger moves the counters, goes
// through: neither waits on the other for ever, or until a deadlock is
// detected.
func TestChangeLogsMigrationDuringWrites(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"}, []phenolink.Profile{{ID: "p1", UserID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.migrations.DownTo(ctx, 11); err != nil {
		t.Fatal(err)
	}
	// The writer: a record written and not yet committed.
	w, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Rollback(context.Background())
	if _, err := w.Exec(ctx, `
		INSERT INTO genomes (profile_id, source, build, chip, marker_count, called, call_rate, mismatches, chrom_counts, imported_at, calls)
		VALUES ('p1', 'file', 37, 'v5', 1, 1, 1, 0, '[]', now(), '\x11'::bytea)`); err != nil {
		t.Fatalf("writing a record as the previous release: %v", err)
	}
	migrated := make(chan error, 1)
	go func() {
		_, err := db.migrations.UpTo(ctx, 12)
		migrated <- err
	}()
	// Give the migration time to take what it can before the writer
	// commits.
	time.Sleep(300 * time.Millisecond)
	committed := make(chan error, 1)
	go func() { committed <- w.Commit(ctx) }()
	for _, step := range []struct {
		name string
		done chan error
	}{{"the writer's commit", committed}, {"the migration", migrated}} {
		select {
		case err := <-step.done:
			if err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s did not end in 20 s", step.name)
		}
	}
	// The writer's commit moved the counter through the new function or
	// the old one, whichever it ran: either way the record is counted.
	var gens, logged int64
	if err := db.pool.QueryRow(ctx, `SELECT genomes, genomes_logged_from FROM generations`).Scan(&gens, &logged); err != nil {
		t.Fatal(err)
	}
	if gens == 0 {
		t.Error("the writer's commit did not move the genome count")
	}
}
