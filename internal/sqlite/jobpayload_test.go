package sqlite

import (
	"bytes"
	"math/rand/v2"
	"strings"
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
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM job_payload_parts WHERE job_id = ?`, id).Scan(&n); err != nil {
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
	if _, err := db.write.ExecContext(ctx, `
		INSERT INTO jobs (kind, user_id, profile_id, payload, state, progress, message, attempts, max_attempts, run_after, created_at, updated_at)
		VALUES (?, 'u1', 'p1', ?, 'queued', 0, '', 0, 3, 0, 0, 0)`, phenolink.JobImportGenome, payload); err != nil {
		t.Fatal(err)
	}
	j, err := db.Claim(ctx, kinds, time.Minute)
	if err != nil || !bytes.Equal(j.Payload, payload) {
		t.Fatalf("Claim of an inline payload = %d bytes, %v; want %d bytes", len(j.Payload), err, len(payload))
	}
}

// TestPayloadPartsFailTheirJobsWhenMigratingDown checks that going back
// below migration 00009 ends a queued job whose payload is in parts with
// a message, rather than leaving it to run with an empty payload.
func TestPayloadPartsFailTheirJobsWhenMigratingDown(t *testing.T) {
	ctx := t.Context()
	db := payloadDB(t)
	large, err := db.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: make([]byte, 2*payloadPartSize)})
	if err != nil {
		t.Fatal(err)
	}
	small, err := db.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: []byte("small")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.migrations.DownTo(ctx, 8); err != nil {
		t.Fatalf("migrating down to 8: %v", err)
	}
	for _, tt := range []struct {
		id            int64
		state, saying string
	}{{large, phenolink.JobFailed, "upload the file again"}, {small, phenolink.JobQueued, ""}} {
		var state, message string
		if err := db.read.QueryRowContext(ctx, `SELECT state, message FROM jobs WHERE id = ?`, tt.id).Scan(&state, &message); err != nil {
			t.Fatal(err)
		}
		if state != tt.state || !strings.Contains(message, tt.saying) {
			t.Errorf("job %d after migrating down = %s %q, want %s saying %q", tt.id, state, message, tt.state, tt.saying)
		}
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
