package phenolink

import (
	"context"
	"time"
)

// Job states. A job is queued until a worker claims it, running while a
// worker holds its lease, and ends done or failed; a failure that may pass
// puts it back in the queue with a later RunAfter.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job kinds.
const (
	// JobImportGenome stores a staged genome (a compact payload, never the
	// raw file) as the profile's record.
	JobImportGenome = "import_genome"
	// JobSyncGenome fetches the profile's genotypes from the 23andMe API
	// with the user's stored token and stores them as the profile's record.
	JobSyncGenome = "sync_genome"
)

// MaxJobPayload bounds a job's payload. A full 960,000-marker genome staged
// compactly takes about 16 MB; the bound leaves room without letting one
// upload fill the database.
const MaxJobPayload = 64 << 20

// DefaultJobAttempts is how often a job runs before it fails for good when
// Enqueue is given no MaxAttempts.
const DefaultJobAttempts = 3

// Job is a unit of work run off the request path, kept in the database so
// that any process can run it and a crashed one is retried.
type Job struct {
	ID          int64
	Kind        string
	UserID      string // whose job it is; deleted with the user
	ProfileID   string // may be empty; deleted with the profile's genome
	Payload     []byte // emptied when the job ends, so staged data does not linger
	State       string
	Progress    float64 // 0..1
	Message     string  // for the person: progress, outcome or what went wrong
	Attempts    int     // runs started so far
	MaxAttempts int
	RunAfter    time.Time // not claimed before
	LockedUntil time.Time // the running worker's lease
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Validate reports whether j can be enqueued.
func (j Job) Validate() error {
	switch {
	case j.Kind == "" || len(j.Kind) > MaxNameLength:
		return Errorf(EINVALID, "A job needs a kind of at most %d characters.", MaxNameLength)
	case j.UserID == "" || len(j.UserID) > MaxNameLength || len(j.ProfileID) > MaxNameLength:
		return Errorf(EINVALID, "A job needs the account it belongs to.")
	case len(j.Payload) > MaxJobPayload:
		return Errorf(ETOOLARGE, "The job's data is %d MB; at most %d MB are accepted.", len(j.Payload)>>20, MaxJobPayload>>20)
	case j.MaxAttempts < 0 || j.MaxAttempts > 100:
		return Errorf(EINVALID, "A job may run 1 to 100 times.")
	case len(j.Message) > 4096:
		return Errorf(EINVALID, "A job message is longer than 4096 characters.")
	}
	return nil
}

// JobBackoff is how long a job waits before its next run after its
// attempts-th run failed: 10 s, 40 s, 160 s, ... capped at 30 minutes.
func JobBackoff(attempts int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < attempts && d < 30*time.Minute; i++ {
		d *= 4
	}
	return min(d, 30*time.Minute)
}

// JobQueue is a database-backed queue that several processes share.
// Heartbeat, Progress, Complete and Fail return ECONFLICT when the job is not
// running any more: its lease expired and another worker took it, or it was
// deleted with its user or genome.
type JobQueue interface {
	// Enqueue stores j as queued and returns its id. Zero MaxAttempts
	// means DefaultJobAttempts and a zero RunAfter means now. It returns
	// ENOTFOUND when the user does not exist.
	Enqueue(ctx context.Context, j Job) (int64, error)
	// Claim takes the oldest due job of one of kinds, marks it running
	// under a lease and counts the attempt. A running job whose lease
	// expired (its worker died) is claimed again, or failed for good when
	// it has used its attempts. It returns ENOTFOUND when none is due.
	Claim(ctx context.Context, kinds []string, lease time.Duration) (Job, error)
	// Heartbeat extends a running job's lease.
	Heartbeat(ctx context.Context, id int64, lease time.Duration) error
	// Progress records how far a running job is, fraction in 0..1.
	Progress(ctx context.Context, id int64, fraction float64, message string) error
	// Complete ends a running job as done.
	Complete(ctx context.Context, id int64, message string) error
	// Fail ends a running job's attempt. With retry, and attempts left, it
	// is queued again after JobBackoff; otherwise it fails for good.
	Fail(ctx context.Context, id int64, message string, retry bool) error
	// Job returns the job, or ENOTFOUND. Job and LatestJob leave Payload
	// empty: pages poll them, and only the worker (through Claim) needs
	// the payload.
	Job(ctx context.Context, id int64) (Job, error)
	// LatestJob returns the profile's newest job of kind, or ENOTFOUND.
	LatestJob(ctx context.Context, profileID, kind string) (Job, error)
}
