package postgres

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// TestPayloadPartBoundaryAndInlineRows covers what the shared suite's
// JobPayloadInParts cannot see from outside: a payload of exactly one
// part's size stays inline and one byte more makes two parts, and a
// payload queued inline before parts existed is still claimed whole.
func TestPayloadPartBoundaryAndInlineRows(t *testing.T) {
	ctx := t.Context()
	db := payloadDB(t)
	payload := make([]byte, payloadPartSize+1)
	rand.NewChaCha8([32]byte{1}).Read(payload)
	kinds := []string{phenolink.JobImportGenome}
	for _, tt := range []struct {
		size, parts int
	}{{payloadPartSize, 0}, {payloadPartSize + 1, 2}} {
		id, err := db.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: payload[:tt.size]})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM job_payload_parts WHERE job_id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != tt.parts {
			t.Errorf("a payload of %d bytes made %d parts, want %d", tt.size, n, tt.parts)
		}
		j, err := db.Claim(ctx, kinds, time.Minute)
		if err != nil || j.ID != id || !bytes.Equal(j.Payload, payload[:tt.size]) {
			t.Fatalf("Claim = job %d with %d bytes, %v; want job %d with %d bytes", j.ID, len(j.Payload), err, id, tt.size)
		}
		if err := db.Complete(ctx, id, "done"); err != nil {
			t.Fatal(err)
		}
	}

	// A payload queued inline before parts existed.
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO jobs (kind, user_id, profile_id, payload, state, progress, message, attempts, max_attempts, run_after, created_at, updated_at)
		VALUES ($1, 'u1', 'p1', $2, 'queued', 0, '', 0, 3, now(), now(), now())`, phenolink.JobImportGenome, payload); err != nil {
		t.Fatal(err)
	}
	j, err := db.Claim(ctx, kinds, time.Minute)
	if err != nil || !bytes.Equal(j.Payload, payload) {
		t.Fatalf("Claim of an inline payload = %d bytes, %v; want %d bytes", len(j.Payload), err, len(payload))
	}
}

// TestPayloadPartsSurviveMigratingDown checks that going back below
// migration 00009 puts a queued payload's parts back whole into
// jobs.payload, where the older schema reads it.
func TestPayloadPartsSurviveMigratingDown(t *testing.T) {
	ctx := t.Context()
	db := payloadDB(t)
	payload := make([]byte, 3*payloadPartSize+7)
	rand.NewChaCha8([32]byte{2}).Read(payload)
	id, err := db.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.migrations.DownTo(ctx, 8); err != nil {
		t.Fatalf("migrating down to 8: %v", err)
	}
	var got []byte
	if err := db.pool.QueryRow(ctx, `SELECT payload FROM jobs WHERE id = $1`, id).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, payload) {
		t.Errorf("payload after migrating down = %d bytes, want the %d queued", len(got), len(payload))
	}
}

// payloadDB opens a migrated database with user u1 and profile p1 to
// queue jobs for.
func payloadDB(t *testing.T) *DB {
	t.Helper()
	ctx := t.Context()
	db := openMigrated(t, Options{})
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"},
		[]phenolink.Profile{{ID: "p1", UserID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	return db
}
