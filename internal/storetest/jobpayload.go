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
// and that the parts go with the job's end, its final failure, or its
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

	if _, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1", Payload: payload}); err != nil {
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
