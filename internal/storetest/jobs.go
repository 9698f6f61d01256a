package storetest

import (
	"bytes"
	"slices"
	"sync"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// importKinds is what the queue tests claim.
var importKinds = []string{phenolink.JobImportGenome}

// enqueue stores a genome import job for the profile or fails the test.
func enqueue(t *testing.T, s Store, userID, profileID string, maxAttempts int) int64 {
	t.Helper()
	id, err := s.Enqueue(t.Context(), phenolink.Job{
		Kind: phenolink.JobImportGenome, UserID: userID, ProfileID: profileID,
		Payload: []byte("staged genome"), MaxAttempts: maxAttempts,
	})
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return id
}

// job reads a job or fails the test.
func job(t *testing.T, s Store, id int64) phenolink.Job {
	t.Helper()
	j, err := s.Job(t.Context(), id)
	if err != nil {
		t.Fatalf("Job(%d): %v", id, err)
	}
	return j
}

func testJobLifecycle(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	_, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "nobody"})
	wantCode(t, err, phenolink.ENOTFOUND)
	_, err = s.Enqueue(ctx, phenolink.Job{UserID: "nobody"})
	wantCode(t, err, phenolink.EINVALID)
	withGenomeUsers(t, s)
	_, err = s.Claim(ctx, importKinds, time.Minute)
	wantCode(t, err, phenolink.ENOTFOUND)

	start := time.Now()
	id := enqueue(t, s, "u1", "p1", 0)
	j := job(t, s, id)
	if j.State != phenolink.JobQueued || j.Attempts != 0 || j.MaxAttempts != phenolink.DefaultJobAttempts ||
		j.UserID != "u1" || j.ProfileID != "p1" || len(j.Payload) != 0 || !within(j.CreatedAt, start, time.Now()) {
		t.Errorf("new job = %+v; want queued, no attempts, default max, no payload shown", j)
	}
	if latest, err := s.LatestJob(ctx, "p1", phenolink.JobImportGenome); err != nil || latest.ID != id {
		t.Errorf("LatestJob = %d, %v; want %d", latest.ID, err, id)
	}
	_, err = s.Claim(ctx, []string{"another_kind"}, time.Minute)
	wantCode(t, err, phenolink.ENOTFOUND)

	claimed, err := s.Claim(ctx, importKinds, time.Minute)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if claimed.ID != id || claimed.State != phenolink.JobRunning || claimed.Attempts != 1 ||
		!bytes.Equal(claimed.Payload, []byte("staged genome")) || !claimed.LockedUntil.After(time.Now().Add(50*time.Second)) {
		t.Errorf("claimed job = %+v; want running, attempt 1, with its payload and a minute's lease", claimed)
	}
	_, err = s.Claim(ctx, importKinds, time.Minute)
	wantCode(t, err, phenolink.ENOTFOUND) // held under a live lease

	if err := s.Progress(ctx, id, 0.5, "Halfway"); err != nil {
		t.Fatalf("Progress: %v", err)
	}
	if j := job(t, s, id); j.Progress != 0.5 || j.Message != "Halfway" {
		t.Errorf("after Progress job = %+v; want 0.5, Halfway", j)
	}
	if err := s.Heartbeat(ctx, id, time.Hour); err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
	if j := job(t, s, id); !j.LockedUntil.After(time.Now().Add(50 * time.Minute)) {
		t.Errorf("after a one-hour Heartbeat the lease ends %v", j.LockedUntil)
	}
	if err := s.Complete(ctx, id, "Stored."); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if j := job(t, s, id); j.State != phenolink.JobDone || j.Progress != 1 || j.Message != "Stored." || !j.LockedUntil.IsZero() {
		t.Errorf("completed job = %+v; want done, 1, Stored., no lease", j)
	}
	// A job that is not running cannot be touched by a late worker.
	wantCode(t, s.Progress(ctx, id, 0.9, "late"), phenolink.ECONFLICT)
	wantCode(t, s.Heartbeat(ctx, id, time.Minute), phenolink.ECONFLICT)
	wantCode(t, s.Complete(ctx, id, "again"), phenolink.ECONFLICT)
	wantCode(t, s.Fail(ctx, id, "late", true), phenolink.ECONFLICT)
	_, err = s.Job(ctx, id+100)
	wantCode(t, err, phenolink.ENOTFOUND)

	// LatestJob is the newest.
	newer := enqueue(t, s, "u1", "p1", 0)
	if latest, err := s.LatestJob(ctx, "p1", phenolink.JobImportGenome); err != nil || latest.ID != newer {
		t.Errorf("LatestJob = %d, %v; want the newer job %d", latest.ID, err, newer)
	}
	_, err = s.LatestJob(ctx, "p2", phenolink.JobImportGenome)
	wantCode(t, err, phenolink.ENOTFOUND)
}

func testJobConcurrentClaim(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	const jobs, workers = 30, 6
	for range jobs {
		enqueue(t, s, "u1", "p1", 0)
	}
	var mu sync.Mutex
	var claimed []int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				j, err := s.Claim(ctx, importKinds, time.Minute)
				if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
					return
				}
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				mu.Lock()
				claimed = append(claimed, j.ID)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(claimed)
	if len(claimed) != jobs || len(slices.Compact(slices.Clone(claimed))) != jobs {
		t.Errorf("%d workers claimed %v; want each of %d jobs exactly once", workers, claimed, jobs)
	}
}

func testJobLeaseExpiry(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	const lease = 50 * time.Millisecond
	id := enqueue(t, s, "u1", "p1", 2)
	if _, err := s.Claim(ctx, importKinds, lease); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * lease) // the worker died
	again, err := s.Claim(ctx, importKinds, lease)
	if err != nil || again.ID != id || again.Attempts != 2 {
		t.Fatalf("Claim after the lease expired = %+v, %v; want job %d on attempt 2", again, err, id)
	}
	time.Sleep(3 * lease) // died again, with no attempts left
	_, err = s.Claim(ctx, importKinds, lease)
	wantCode(t, err, phenolink.ENOTFOUND)
	if j := job(t, s, id); j.State != phenolink.JobFailed || j.Message == "" {
		t.Errorf("job that outlived its leases on every attempt = %+v; want failed with a message", j)
	}
}

func testJobRetry(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	tests := []struct {
		name        string
		maxAttempts int
		retry       bool
		wantState   string
	}{
		{"retry with attempts left", 3, true, phenolink.JobQueued},
		{"retry without attempts left", 1, true, phenolink.JobFailed},
		{"no retry", 3, false, phenolink.JobFailed},
	}
	for _, tt := range tests {
		id := enqueue(t, s, "u1", "p1", tt.maxAttempts)
		j, err := s.Claim(ctx, importKinds, time.Minute)
		if err != nil || j.ID != id {
			t.Fatalf("%s: Claim = %d, %v; want %d", tt.name, j.ID, err, id)
		}
		before := time.Now()
		if err := s.Fail(ctx, id, "Try again later.", tt.retry); err != nil {
			t.Fatalf("%s: Fail: %v", tt.name, err)
		}
		j = job(t, s, id)
		if j.State != tt.wantState || j.Message != "Try again later." || !j.LockedUntil.IsZero() {
			t.Errorf("%s: job = %+v; want %s with the message and no lease", tt.name, j, tt.wantState)
		}
		if tt.wantState == phenolink.JobQueued {
			backoff := phenolink.JobBackoff(1)
			if !within(j.RunAfter, before.Add(backoff-time.Second), time.Now().Add(backoff+time.Second)) {
				t.Errorf("%s: RunAfter = %v, want about %v from now", tt.name, j.RunAfter, backoff)
			}
			// Not due before its backoff ends.
			_, err := s.Claim(ctx, importKinds, time.Minute)
			wantCode(t, err, phenolink.ENOTFOUND)
		}
	}
}
