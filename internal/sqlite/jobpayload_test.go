package sqlite

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// TestLargePayloadInParts checks that a payload larger than a part is
// stored in parts, read back whole by Claim, and dropped with the job's
// end or the account; smaller and older inline payloads still work.
func TestLargePayloadInParts(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "phenolink.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1", Email: "u1@example.com"},
		[]phenolink.Profile{{ID: "p1", UserID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	parts := func() int {
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM job_payload_parts`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	payload := make([]byte, 2*payloadPartSize+12345)
	rand.NewChaCha8([32]byte{1}).Read(payload)
	kinds := []string{phenolink.JobImportGenome}
	claimBack := func(want []byte) int64 {
		t.Helper()
		id, err := db.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: want})
		if err != nil {
			t.Fatal(err)
		}
		j, err := db.Claim(ctx, kinds, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if j.ID != id || !bytes.Equal(j.Payload, want) {
			t.Fatalf("Claim = job %d with %d bytes, want job %d with the %d bytes queued", j.ID, len(j.Payload), id, len(want))
		}
		return id
	}

	id := claimBack(payload)
	if n := parts(); n != 3 {
		t.Errorf("%d parts stored for %d bytes, want 3", n, len(payload))
	}
	if err := db.Complete(ctx, id, "done"); err != nil {
		t.Fatal(err)
	}
	if n := parts(); n != 0 {
		t.Errorf("%d parts left after Complete, want 0", n)
	}

	id = claimBack(payload[:payloadPartSize+1])
	if err := db.Fail(ctx, id, "broken", false); err != nil {
		t.Fatal(err)
	}
	if n := parts(); n != 0 {
		t.Errorf("%d parts left after a final Fail, want 0", n)
	}

	id = claimBack(payload[:payloadPartSize])
	if n := parts(); n != 0 {
		t.Errorf("a payload of one part's size made %d parts, want it inline", n)
	}
	if err := db.Complete(ctx, id, "done"); err != nil {
		t.Fatal(err)
	}

	// A payload queued inline before parts existed.
	if _, err := db.write.ExecContext(ctx, `
		INSERT INTO jobs (kind, user_id, profile_id, payload, state, progress, message, attempts, max_attempts, run_after, created_at, updated_at)
		VALUES (?, 'u1', 'p1', ?, 'queued', 0, '', 0, 3, 0, 0, 0)`, phenolink.JobImportGenome, payload); err != nil {
		t.Fatal(err)
	}
	j, err := db.Claim(ctx, kinds, time.Minute)
	if err != nil || !bytes.Equal(j.Payload, payload) {
		t.Fatalf("Claim of an inline payload = %d bytes, %v; want %d bytes", len(j.Payload), err, len(payload))
	}

	if _, err := db.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if n := parts(); n != 0 {
		t.Errorf("%d parts left after DeleteUser, want 0", n)
	}
}
