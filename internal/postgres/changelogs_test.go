package postgres

import (
	"context"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// TestChangeLogsMigrationDuringWrites checks that migration 00012 runs to
// its end while a writer of the previous release holds a record
// uncommitted, taking no lock that writer holds, and that the writer's
// commit, whose trigger moves the counters, then goes through and logs
// the record. (The first version of the migration waited for the writer,
// and the writer's commit then deadlocked with it.)
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
	select {
	case err := <-migrated:
		if err != nil {
			t.Fatalf("the migration: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the migration waited 20 s for a writer of the data tables")
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatalf("the writer's commit after the migration: %v", err)
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM genome_changes WHERE profile_id = 'p1'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the writer's record is logged %d times, want once", n)
	}
}
