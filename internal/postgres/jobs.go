package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// jobColumns is the select list scanJob reads.
const jobColumns = `id, kind, user_id, coalesce(profile_id, ''), payload, state, progress, message,
	attempts, max_attempts, run_after, locked_until, created_at, updated_at`

// jobColumnsWithoutPayload is jobColumns for the status page, which polls
// and must not read a staged genome of many megabytes each time.
const jobColumnsWithoutPayload = `id, kind, user_id, coalesce(profile_id, ''), ''::bytea, state, progress, message,
	attempts, max_attempts, run_after, locked_until, created_at, updated_at`

// scanJob reads one row of jobColumns.
func scanJob(row pgx.Row) (phenolink.Job, error) {
	var j phenolink.Job
	var locked *time.Time
	err := row.Scan(&j.ID, &j.Kind, &j.UserID, &j.ProfileID, &j.Payload, &j.State, &j.Progress, &j.Message,
		&j.Attempts, &j.MaxAttempts, &j.RunAfter, &locked, &j.CreatedAt, &j.UpdatedAt)
	if locked != nil {
		j.LockedUntil = locked.UTC()
	}
	j.RunAfter, j.CreatedAt, j.UpdatedAt = j.RunAfter.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	return j, err
}

// nullString maps "" to NULL.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Enqueue stores j as queued and returns its id; it returns ENOTFOUND when
// its user or profile does not exist.
func (db *DB) Enqueue(ctx context.Context, j phenolink.Job) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		id, err = enqueue(ctx, tx, j)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres.Enqueue(%s, user %q): %w", j.Kind, j.UserID, err)
	}
	return id, nil
}

// enqueue inserts j in tx, which may also store what the job works on. A
// payload larger than a part goes to job_payload_parts.
func enqueue(ctx context.Context, tx pgx.Tx, j phenolink.Job) (int64, error) {
	if err := j.Validate(); err != nil {
		return 0, err
	}
	if j.MaxAttempts == 0 {
		j.MaxAttempts = phenolink.DefaultJobAttempts
	}
	if j.Payload == nil {
		j.Payload = []byte{}
	}
	inline := j.Payload
	if len(inline) > payloadPartSize {
		inline = []byte{}
	}
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO jobs (kind, user_id, profile_id, payload, state, progress, message, attempts, max_attempts, run_after, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'queued', 0, $5, 0, $6, coalesce($7, now()), now(), now())
		RETURNING id`,
		j.Kind, j.UserID, nullString(j.ProfileID), inline, j.Message, j.MaxAttempts, nullTime(j.RunAfter)).Scan(&id)
	if isForeignKeyViolation(err) {
		err = fmt.Errorf("%w: %w", phenolink.Errorf(phenolink.ENOTFOUND, "The account or profile of the job no longer exists; sign in again."), err)
	}
	if err == nil && len(inline) < len(j.Payload) {
		err = insertPayloadParts(ctx, tx, id, j.Payload)
	}
	return id, err
}

// Claim takes the oldest due job of one of kinds. SKIP LOCKED lets workers
// in every process claim at once without waiting on or taking each
// other's rows. Jobs whose lease expired with no attempts left are failed
// first, so a job that kills its worker every time stops coming back.
func (db *DB) Claim(ctx context.Context, kinds []string, lease time.Duration) (phenolink.Job, error) {
	var j phenolink.Job
	found := true
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		// Failing a job drops its payload parts (a trigger of migration
		// 00009), after the job's row is locked, as Complete and Fail do.
		if _, err := tx.Exec(ctx, `
			UPDATE jobs SET state = 'failed', payload = '', locked_until = NULL, updated_at = now(),
				message = 'The job stopped unexpectedly on every attempt.'
			WHERE state = 'running' AND locked_until < now() AND attempts >= max_attempts AND kind = ANY($1)`, kinds); err != nil {
			return err
		}
		var err error
		j, err = scanJob(tx.QueryRow(ctx, `
			UPDATE jobs SET state = 'running', attempts = attempts + 1,
				locked_until = now() + $2 * interval '1 microsecond', updated_at = now()
			WHERE id = (
				SELECT id FROM jobs
				WHERE kind = ANY($1) AND (
					(state = 'queued' AND run_after <= now()) OR
					(state = 'running' AND locked_until < now()))
				ORDER BY run_after, id
				LIMIT 1
				FOR UPDATE SKIP LOCKED)
			RETURNING `+jobColumns, kinds, lease.Microseconds()))
		if errors.Is(err, pgx.ErrNoRows) {
			// Commit the jobs failed above all the same.
			found, err = false, nil
		}
		if err != nil || !found || len(j.Payload) > 0 {
			return err
		}
		parts, err := readPayloadParts(ctx, tx, j.ID)
		if parts != nil {
			j.Payload = parts
		}
		return err
	})
	if err == nil && !found {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "No job is due.")
	}
	if err != nil {
		return phenolink.Job{}, fmt.Errorf("postgres.Claim(%v): %w", kinds, err)
	}
	return j, nil
}

// updateRunning runs an UPDATE of one running job and returns ECONFLICT
// when the job is not running any more.
func (db *DB) updateRunning(ctx context.Context, stmt string, args ...any) error {
	tag, err := db.pool.Exec(ctx, stmt, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return phenolink.Errorf(phenolink.ECONFLICT, "The job is no longer running; it was taken over or deleted.")
	}
	return nil
}

// Heartbeat extends a running job's lease.
func (db *DB) Heartbeat(ctx context.Context, id int64, lease time.Duration) error {
	err := db.updateRunning(ctx, `
		UPDATE jobs SET locked_until = now() + $2 * interval '1 microsecond', updated_at = now()
		WHERE id = $1 AND state = 'running'`, id, lease.Microseconds())
	if err != nil {
		return fmt.Errorf("postgres.Heartbeat(%d): %w", id, err)
	}
	return nil
}

// Progress records how far a running job is.
func (db *DB) Progress(ctx context.Context, id int64, fraction float64, message string) error {
	err := db.updateRunning(ctx, `
		UPDATE jobs SET progress = $2, message = $3, updated_at = now()
		WHERE id = $1 AND state = 'running'`, id, clampFraction(fraction), message)
	if err != nil {
		return fmt.Errorf("postgres.Progress(%d): %w", id, err)
	}
	return nil
}

// clampFraction keeps a progress fraction in 0..1.
func clampFraction(f float64) float64 {
	if !(f >= 0) { // NaN too
		return 0
	}
	return min(f, 1)
}

// Complete ends a running job as done and drops its payload (its parts
// go by a trigger of migration 00009).
func (db *DB) Complete(ctx context.Context, id int64, message string) error {
	err := db.updateRunning(ctx, `
		UPDATE jobs SET state = 'done', progress = 1, message = $2, payload = '', locked_until = NULL, updated_at = now()
		WHERE id = $1 AND state = 'running'`, id, message)
	if err != nil {
		return fmt.Errorf("postgres.Complete(%d): %w", id, err)
	}
	return nil
}

// Fail ends a running job's attempt: queued again after a backoff when retry
// is set and attempts remain, failed for good (payload dropped) otherwise.
func (db *DB) Fail(ctx context.Context, id int64, message string, retry bool) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var attempts, maxAttempts int
		err := tx.QueryRow(ctx, `SELECT attempts, max_attempts FROM jobs WHERE id = $1 AND state = 'running' FOR UPDATE`, id).
			Scan(&attempts, &maxAttempts)
		if errors.Is(err, pgx.ErrNoRows) {
			return phenolink.Errorf(phenolink.ECONFLICT, "The job is no longer running; it was taken over or deleted.")
		}
		if err != nil {
			return err
		}
		if retry && attempts < maxAttempts {
			_, err = tx.Exec(ctx, `
				UPDATE jobs SET state = 'queued', message = $2, locked_until = NULL,
					run_after = now() + $3 * interval '1 microsecond', updated_at = now()
				WHERE id = $1`, id, message, phenolink.JobBackoff(attempts).Microseconds())
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE jobs SET state = 'failed', message = $2, payload = '', locked_until = NULL, updated_at = now()
			WHERE id = $1`, id, message)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres.Fail(%d): %w", id, err)
	}
	return nil
}

// Job returns the job without its payload, or ENOTFOUND.
func (db *DB) Job(ctx context.Context, id int64) (phenolink.Job, error) {
	j, err := scanJob(db.pool.QueryRow(ctx, `SELECT `+jobColumnsWithoutPayload+` FROM jobs WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "No job has id %d.", id)
	}
	if err != nil {
		return phenolink.Job{}, fmt.Errorf("postgres.Job(%d): %w", id, err)
	}
	return j, nil
}

// LatestJob returns the profile's newest job of kind without its payload,
// or ENOTFOUND.
func (db *DB) LatestJob(ctx context.Context, profileID, kind string) (phenolink.Job, error) {
	j, err := scanJob(db.pool.QueryRow(ctx, `
		SELECT `+jobColumnsWithoutPayload+` FROM jobs WHERE profile_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1`, profileID, kind))
	if errors.Is(err, pgx.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "Profile %q has no %s job.", profileID, kind)
	}
	if err != nil {
		return phenolink.Job{}, fmt.Errorf("postgres.LatestJob(%q, %s): %w", profileID, kind, err)
	}
	return j, nil
}
