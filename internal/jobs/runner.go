// Package jobs runs the database-backed job queue's work: a Runner claims
// due jobs, runs the handler registered for their kind with a context,
// heartbeats the job's lease while it runs, records progress, and completes
// or fails the job. It holds no state besides its configuration, so any
// number of processes can run one against the same database.
//
// A handler's error decides what happens next: an error carrying a domain
// code that a retry cannot fix (EINVALID, ENOTFOUND, ETOOLARGE, EFORBIDDEN,
// ECONFLICT) fails the job for good, anything else is retried after a
// backoff until the job's attempts run out. A panic is recovered and counts
// as an error that may pass. The job's message shows the person the error's
// safe message (phenolink.ErrorMessage), never internal details; those are
// logged.
//
// When Run's context is cancelled, handlers still running get a cancelled
// context; their jobs are failed with retry, so another process picks them
// up, and Run returns when every handler has returned.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"phenolink/internal/phenolink"
)

// Defaults for a Runner's zero fields.
const (
	DefaultPollInterval = time.Second
	DefaultLease        = time.Minute
)

// Progress reports how far a job is, fraction in 0..1, with a message for
// the person waiting. It returns an error when the job is no longer this
// worker's; the handler should then stop.
type Progress func(fraction float64, message string) error

// Handler does one job's work and returns the message to show when it is
// done.
type Handler func(ctx context.Context, job phenolink.Job, progress Progress) (message string, err error)

// Runner claims and runs jobs.
type Runner struct {
	Queue    phenolink.JobQueue
	Handlers map[string]Handler // by job kind; only these kinds are claimed
	Logger   *slog.Logger       // nil logs nothing
	// Concurrency is how many jobs run at once; default 1.
	Concurrency int
	// PollInterval is how long an idle worker waits before claiming
	// again; default DefaultPollInterval.
	PollInterval time.Duration
	// Lease is how long a claimed job stays this worker's without a
	// heartbeat; heartbeats come every third of it. Default DefaultLease.
	Lease time.Duration
}

// Run works until ctx is cancelled, then waits for running handlers and
// returns nil. It returns an error at once when the Runner is misconfigured.
func (r Runner) Run(ctx context.Context) error {
	if r.Queue == nil || len(r.Handlers) == 0 {
		return errors.New("jobs.Run: a Runner needs a Queue and at least one Handler")
	}
	if r.Concurrency <= 0 {
		r.Concurrency = 1
	}
	if r.PollInterval <= 0 {
		r.PollInterval = DefaultPollInterval
	}
	if r.Lease <= 0 {
		r.Lease = DefaultLease
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	kinds := make([]string, 0, len(r.Handlers))
	for k := range r.Handlers {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var wg sync.WaitGroup
	for range r.Concurrency {
		wg.Go(func() { r.work(ctx, kinds) })
	}
	wg.Wait()
	return nil
}

// work is one worker's loop: claim, run, repeat; wait when nothing is due.
func (r Runner) work(ctx context.Context, kinds []string) {
	for ctx.Err() == nil {
		job, err := r.Queue.Claim(ctx, kinds, r.Lease)
		if err == nil {
			r.runJob(ctx, job)
			continue
		}
		if phenolink.ErrorCode(err) != phenolink.ENOTFOUND && ctx.Err() == nil {
			r.Logger.Error("claiming a job", "kinds", kinds, "err", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(r.PollInterval):
		}
	}
}

// runJob runs one claimed job to its end and records the outcome. The
// outcome is recorded even when ctx is cancelled, so a stopping process
// hands its job back rather than leaving it to its lease.
func (r Runner) runJob(ctx context.Context, job phenolink.Job) {
	log := r.Logger.With("job", job.ID, "kind", job.Kind, "attempt", job.Attempts)
	// Imports and scans allocate tens to hundreds of megabytes that are
	// garbage once they end; return them to the system now rather than
	// over the next minutes, so a web process that ran a job idles small.
	defer debug.FreeOSMemory()
	// Past the handler only the id is needed: nothing below holds job, so
	// an import's payload (megabytes) is the handler's alone to drop.
	id := job.ID
	jobCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopHeartbeat := r.heartbeat(jobCtx, id, cancel)
	start := time.Now()
	progress := func(fraction float64, message string) error {
		err := r.Queue.Progress(jobCtx, id, fraction, message)
		if phenolink.ErrorCode(err) == phenolink.ECONFLICT {
			cancel(err)
		}
		return err
	}
	// Collect before the handler allocates: the collector's next goal is
	// twice what was live at its last cycle, and when that cycle ran
	// during the upload that queued this job (the raw file and its parse,
	// garbage by now) the job's allocations would pile on top of that
	// garbage to about twice the job's own peak before the next cycle.
	runtime.GC()
	message, err := r.call(jobCtx, job, progress)
	stopHeartbeat()
	if cause := context.Cause(jobCtx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause // the lease was lost while the handler finished
	}

	// The job's record must be written even when the runner is stopping.
	done, cancelDone := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancelDone()
	if err == nil {
		if err := r.Queue.Complete(done, id, message); err != nil {
			log.Error("completing a job", "err", err)
			return
		}
		log.Info("job done", "took", time.Since(start))
		return
	}
	retry, shown := retryable(err), phenolink.ErrorMessage(err)
	if ctx.Err() != nil {
		retry, shown = true, "Interrupted by a restart; it will run again shortly."
	}
	log.Warn("job failed", "err", err, "retry", retry, "took", time.Since(start))
	if err := r.Queue.Fail(done, id, shown, retry); err != nil && phenolink.ErrorCode(err) != phenolink.ECONFLICT {
		log.Error("recording a job's failure", "err", err)
	}
}

// call runs the handler, turning a panic into an error.
func (r Runner) call(ctx context.Context, job phenolink.Job, progress Progress) (message string, err error) {
	id, kind := job.ID, job.Kind
	h, ok := r.Handlers[kind]
	if !ok {
		return "", fmt.Errorf("no handler for job kind %q", kind)
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("job %d (%s) panicked: %v\n%s", id, kind, v, debug.Stack())
		}
	}()
	return h(ctx, job, progress)
}

// heartbeat extends the job's lease every third of it until stopped. When
// the job turns out to be no longer this worker's, it cancels the handler's
// context with that error.
func (r Runner) heartbeat(ctx context.Context, id int64, cancel context.CancelCauseFunc) (stop func()) {
	stopped := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(r.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-stopped:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				err := r.Queue.Heartbeat(ctx, id, r.Lease)
				if phenolink.ErrorCode(err) == phenolink.ECONFLICT {
					cancel(err)
					return
				}
				if err != nil && ctx.Err() == nil {
					r.Logger.Warn("extending a job's lease", "job", id, "err", err)
				}
			}
		}
	})
	return func() { close(stopped); wg.Wait() }
}

// retryable reports whether another attempt might succeed.
func retryable(err error) bool {
	switch phenolink.ErrorCode(err) {
	case phenolink.EINVALID, phenolink.ENOTFOUND, phenolink.ETOOLARGE, phenolink.EFORBIDDEN, phenolink.ECONFLICT:
		return false
	}
	return true
}
