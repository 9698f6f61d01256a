package storetest

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// testJobPayloadInParts checks that a staged upload's payload, megabytes
// long, is kept in parts (job_payload_parts) that Claim reads back whole,
// also for a retry, and that the parts go with the job's end, its final
// failure, a last lease that runs out, the profile's genotypes, or its
// account; a small payload makes no parts.
func testJobPayloadInParts(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	parts := func() int { return h.Count(t, s, "job_payload_parts") }
	payload := make([]byte, 5<<19+12345) // two and a half megabytes and a bit
	rand.NewChaCha8([32]byte{1}).Read(payload)
	kinds := []string{phenolink.JobImportGenome}
	claimBack := func(want []byte) int64 {
		t.Helper()
		id, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: want})
		if err != nil {
			t.Fatal(err)
		}
		j, err := s.Claim(ctx, kinds, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if j.ID != id || !bytes.Equal(j.Payload, want) {
			t.Fatalf("Claim = job %d with %d bytes, want job %d with the %d bytes queued", j.ID, len(j.Payload), id, len(want))
		}
		return id
	}

	id := claimBack(payload)
	if n := parts(); n < 3 {
		t.Errorf("%d parts stored for %d bytes, want at least 3 (parts are under a megabyte)", n, len(payload))
	}
	if err := s.Complete(ctx, id, "done"); err != nil {
		t.Fatal(err)
	}
	if n := parts(); n != 0 {
		t.Errorf("%d parts left after Complete, want 0", n)
	}

	id = claimBack(payload[:2<<20])
	if err := s.Fail(ctx, id, "broken", false); err != nil {
		t.Fatal(err)
	}
	if n := parts(); n != 0 {
		t.Errorf("%d parts left after a final Fail, want 0", n)
	}

	id = claimBack(payload[:4096])
	if n := parts(); n != 0 {
		t.Errorf("a 4 KB payload made %d parts, want it kept with its job", n)
	}
	if err := s.Complete(ctx, id, "done"); err != nil {
		t.Fatal(err)
	}

	// A retry keeps the parts for the next attempt; deleting the profile's
	// genotypes drops its queued imports and their parts.
	id, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: payload, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, kinds, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(ctx, id, "database was busy", true); err != nil {
		t.Fatal(err)
	}
	if parts() == 0 {
		t.Fatal("a job queued again for a retry lost its payload's parts")
	}
	if err := s.DeleteGenome(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if n := parts(); n != 0 {
		t.Errorf("%d parts left after DeleteGenome, want 0", n)
	}

	// A worker that dies keeps the parts for the next attempt, which reads
	// them whole; when the last attempt's lease runs out too, the next
	// Claim fails the job and its parts go with it.
	id, err = s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: payload, MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	const lease = 50 * time.Millisecond
	if _, err := s.Claim(ctx, kinds, lease); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * lease)
	j, err := s.Claim(ctx, kinds, lease)
	if err != nil || j.ID != id || j.Attempts != 2 || !bytes.Equal(j.Payload, payload) {
		t.Fatalf("second attempt = job %d (attempt %d) with %d bytes, %v; want job %d with %d bytes", j.ID, j.Attempts, len(j.Payload), err, id, len(payload))
	}
	time.Sleep(3 * lease)
	if _, err := s.Claim(ctx, kinds, lease); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Fatalf("Claim after the last lease ran out = %v, want nothing due", err)
	}
	if j, err := s.Job(ctx, id); err != nil || j.State != phenolink.JobFailed {
		t.Errorf("job after its last lease ran out = %+v, %v; want failed", j, err)
	}
	if n := parts(); n != 0 {
		t.Errorf("%d parts left after the last lease ran out, want 0", n)
	}

	// Deleting the account drops everything else.
	if _, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p2", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if parts() == 0 {
		t.Fatal("a queued large payload made no parts")
	}
	if err := s.DeleteUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if n := parts(); n != 0 {
		t.Errorf("%d parts left after DeleteUser, want 0", n)
	}
}
