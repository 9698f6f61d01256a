package storetest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"phenolink/internal/jobs"
	"phenolink/internal/phenolink"
)

// waitFor polls until done reports true or the test's patience runs out.
func waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func testJobRunner(t *testing.T, h Harness) {
	s := migrated(t, h)
	withGenomeUsers(t, s)
	var slowRuns atomic.Int32
	handlers := map[string]jobs.Handler{
		"ok": func(ctx context.Context, j phenolink.Job, progress jobs.Progress) (string, error) {
			if err := progress(0.5, "Halfway"); err != nil {
				return "", err
			}
			return "Stored " + string(j.Payload) + ".", nil
		},
		// Outlives its lease several times over; heartbeats keep it.
		"slow": func(ctx context.Context, j phenolink.Job, progress jobs.Progress) (string, error) {
			slowRuns.Add(1)
			select {
			case <-time.After(2500 * time.Millisecond):
				return "Slow but done.", nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		},
		"invalid": func(context.Context, phenolink.Job, jobs.Progress) (string, error) {
			return "", phenolink.Errorf(phenolink.EINVALID, "The file is not a 23andMe raw-data file.")
		},
		"broken": func(context.Context, phenolink.Job, jobs.Progress) (string, error) {
			return "", errors.New("disk on fire at /var/secret")
		},
		"panics": func(context.Context, phenolink.Job, jobs.Progress) (string, error) {
			panic("handler bug")
		},
	}
	enqueueKind := func(kind string, maxAttempts int) int64 {
		id, err := s.Enqueue(t.Context(), phenolink.Job{Kind: kind, UserID: "u1", ProfileID: "p1", Payload: []byte(kind), MaxAttempts: maxAttempts})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	ok, slow := enqueueKind("ok", 0), enqueueKind("slow", 0)
	invalid := enqueueKind("invalid", 3)                                 // refused: no retry
	broken, panics := enqueueKind("broken", 1), enqueueKind("panics", 1) // would retry, but no attempts left
	retried := enqueueKind("broken", 2)

	ctx, cancel := context.WithCancel(t.Context())
	runner := jobs.Runner{Queue: s, Handlers: handlers, Concurrency: 3, PollInterval: 10 * time.Millisecond, Lease: time.Second}
	stopped := make(chan error, 1)
	go func() { stopped <- runner.Run(ctx) }()
	final := func(id int64) bool {
		st := job(t, s, id).State
		return st == phenolink.JobDone || st == phenolink.JobFailed
	}
	waitFor(t, "every job to end", func() bool {
		return final(ok) && final(slow) && final(invalid) && final(broken) && final(panics) && job(t, s, retried).Attempts == 1 && job(t, s, retried).State == phenolink.JobQueued
	})
	cancel()
	if err := <-stopped; err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}

	tests := []struct {
		id          int64
		state, msg  string
		attempts    int
		minProgress float64
	}{
		{ok, phenolink.JobDone, "Stored ok.", 1, 1},
		{slow, phenolink.JobDone, "Slow but done.", 1, 1},
		{invalid, phenolink.JobFailed, "The file is not a 23andMe raw-data file.", 1, 0},
		{broken, phenolink.JobFailed, "Internal error.", 1, 0},
		{panics, phenolink.JobFailed, "Internal error.", 1, 0},
		{retried, phenolink.JobQueued, "Internal error.", 1, 0},
	}
	for _, tt := range tests {
		j := job(t, s, tt.id)
		if j.State != tt.state || j.Message != tt.msg || j.Attempts != tt.attempts || j.Progress < tt.minProgress {
			t.Errorf("job %d (%s) = %s %q after %d attempts, progress %v; want %s %q after %d",
				j.ID, j.Kind, j.State, j.Message, j.Attempts, j.Progress, tt.state, tt.msg, tt.attempts)
		}
	}
	if n := slowRuns.Load(); n != 1 {
		t.Errorf("the slow job ran %d times; its heartbeats should have kept it with one worker", n)
	}
}

func testJobRunnerStops(t *testing.T, h Harness) {
	s := migrated(t, h)
	withGenomeUsers(t, s)
	started := make(chan struct{})
	runner := jobs.Runner{
		Queue: s,
		Handlers: map[string]jobs.Handler{phenolink.JobImportGenome: func(ctx context.Context, _ phenolink.Job, _ jobs.Progress) (string, error) {
			close(started)
			<-ctx.Done()
			return "", ctx.Err()
		}},
		PollInterval: 10 * time.Millisecond,
	}
	id := enqueue(t, s, "u1", "p1", 3)
	ctx, cancel := context.WithCancel(t.Context())
	stopped := make(chan error, 1)
	go func() { stopped <- runner.Run(ctx) }()
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("the handler never started")
	}
	cancel()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	// The interrupted job goes back to the queue for another process.
	if j := job(t, s, id); j.State != phenolink.JobQueued || j.Attempts != 1 || j.Message == "" {
		t.Errorf("interrupted job = %+v; want queued again after 1 attempt, with a message", j)
	}
	if err := (jobs.Runner{}).Run(t.Context()); err == nil {
		t.Error("Run of a Runner without a queue succeeded")
	}
}
