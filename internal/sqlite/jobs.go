package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"phenolink/internal/phenolink"
)

// jobColumns is the select list scanJob reads; jobColumnsWithoutPayload
// serves the status page, which polls and must not read a staged genome of
// many megabytes each time.
const (
	jobColumns = `id, kind, user_id, coalesce(profile_id, ''), payload, state, progress, message,
		attempts, max_attempts, run_after, locked_until, created_at, updated_at`
	jobColumnsWithoutPayload = `id, kind, user_id, coalesce(profile_id, ''), x'', state, progress, message,
		attempts, max_attempts, run_after, locked_until, created_at, updated_at`
)

// scanJob reads one row of jobColumns.
func scanJob(row *sql.Row) (phenolink.Job, error) {
	var j phenolink.Job
	var runAfter, locked, created, updated sql.NullInt64
	err := row.Scan(&j.ID, &j.Kind, &j.UserID, &j.ProfileID, &j.Payload, &j.State, &j.Progress, &j.Message,
		&j.Attempts, &j.MaxAttempts, &runAfter, &locked, &created, &updated)
	j.RunAfter, j.LockedUntil = fromNanos(runAfter), fromNanos(locked)
	j.CreatedAt, j.UpdatedAt = fromNanos(created), fromNanos(updated)
	return j, err
}

// nullString maps "" to NULL.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// Enqueue stores j as queued and returns its id; it returns ENOTFOUND when
// its user or profile does not exist.
func (db *DB) Enqueue(ctx context.Context, j phenolink.Job) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = enqueue(ctx, tx, j)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite.Enqueue(%s, user %q): %w", j.Kind, j.UserID, err)
	}
	return id, nil
}

// enqueue inserts j in tx, which may also store what the job works on. A
// payload larger than a part goes to job_payload_parts.
func enqueue(ctx context.Context, tx *sql.Tx, j phenolink.Job) (int64, error) {
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
	now := time.Now().UnixNano()
	runAfter := now
	if !j.RunAfter.IsZero() {
		runAfter = j.RunAfter.UnixNano()
	}
	res, err := exec(ctx, tx, `
		INSERT INTO jobs (kind, user_id, profile_id, payload, state, progress, message, attempts, max_attempts, run_after, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'queued', 0, ?, 0, ?, ?, ?, ?)`,
		j.Kind, j.UserID, nullString(j.ProfileID), inline, j.Message, j.MaxAttempts, runAfter, now, now)
	if isForeignKeyViolation(err) {
		err = fmt.Errorf("%w: %w", phenolink.Errorf(phenolink.ENOTFOUND, "The account or profile of the job no longer exists; sign in again."), err)
	}
	var id int64
	if err == nil {
		id, err = res.LastInsertId()
	}
	if err == nil && len(inline) < len(j.Payload) {
		err = insertPayloadParts(ctx, tx, id, j.Payload)
	}
	return id, err
}

// Claim takes the oldest due job of one of kinds inside the single write
// connection's IMMEDIATE transaction, so no two workers, in this process or
// another, can take the same job. Jobs whose lease expired with no attempts
// left are failed first, so a job that kills its worker every time stops
// coming back.
func (db *DB) Claim(ctx context.Context, kinds []string, lease time.Duration) (phenolink.Job, error) {
	var j phenolink.Job
	found := true
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := time.Now().UnixNano()
		// Failing a job drops its payload parts (a trigger of migration
		// 00009), as Complete and Fail do.
		if _, err := exec(ctx, tx, `
			UPDATE jobs SET state = 'failed', payload = x'', locked_until = NULL, updated_at = ?1,
				message = 'The job stopped unexpectedly on every attempt.'
			WHERE state = 'running' AND locked_until < ?1 AND attempts >= max_attempts
				AND kind IN (SELECT value FROM json_each(?2))`, now, kindsJSON(kinds)); err != nil {
			return err
		}
		var err error
		j, err = scanJob(queryRow(ctx, tx, `
			UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ?3, updated_at = ?1
			WHERE id = (
				SELECT id FROM jobs
				WHERE kind IN (SELECT value FROM json_each(?2)) AND (
					(state = 'queued' AND run_after <= ?1) OR
					(state = 'running' AND locked_until < ?1))
				ORDER BY run_after, id
				LIMIT 1)
			RETURNING `+jobColumns, now, kindsJSON(kinds), now+lease.Nanoseconds()))
		if errors.Is(err, sql.ErrNoRows) {
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
		return phenolink.Job{}, fmt.Errorf("sqlite.Claim(%v): %w", kinds, err)
	}
	return j, nil
}

// kindsJSON passes a list of kinds as one parameter, read with json_each.
func kindsJSON(kinds []string) string {
	b, _ := json.Marshal(kinds) // a []string always marshals
	return string(b)
}

// updateRunning runs an UPDATE of one running job and returns ECONFLICT
// when the job is not running any more.
func (db *DB) updateRunning(ctx context.Context, stmt string, args ...any) error {
	res, err := exec(ctx, db.write, stmt, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return phenolink.Errorf(phenolink.ECONFLICT, "The job is no longer running; it was taken over or deleted.")
	}
	return nil
}

// Heartbeat extends a running job's lease.
func (db *DB) Heartbeat(ctx context.Context, id int64, lease time.Duration) error {
	now := time.Now()
	err := db.updateRunning(ctx, `UPDATE jobs SET locked_until = ?, updated_at = ? WHERE id = ? AND state = 'running'`,
		now.Add(lease).UnixNano(), now.UnixNano(), id)
	if err != nil {
		return fmt.Errorf("sqlite.Heartbeat(%d): %w", id, err)
	}
	return nil
}

// Progress records how far a running job is.
func (db *DB) Progress(ctx context.Context, id int64, fraction float64, message string) error {
	err := db.updateRunning(ctx, `UPDATE jobs SET progress = ?, message = ?, updated_at = ? WHERE id = ? AND state = 'running'`,
		clampFraction(fraction), message, time.Now().UnixNano(), id)
	if err != nil {
		return fmt.Errorf("sqlite.Progress(%d): %w", id, err)
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
		UPDATE jobs SET state = 'done', progress = 1, message = ?, payload = x'', locked_until = NULL, updated_at = ?
		WHERE id = ? AND state = 'running'`, message, time.Now().UnixNano(), id)
	if err != nil {
		return fmt.Errorf("sqlite.Complete(%d): %w", id, err)
	}
	return nil
}

// Fail ends a running job's attempt: queued again after a backoff when retry
// is set and attempts remain, failed for good (payload dropped) otherwise.
func (db *DB) Fail(ctx context.Context, id int64, message string, retry bool) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var attempts, maxAttempts int
		err := queryRow(ctx, tx, `SELECT attempts, max_attempts FROM jobs WHERE id = ? AND state = 'running'`, id).
			Scan(&attempts, &maxAttempts)
		if errors.Is(err, sql.ErrNoRows) {
			return phenolink.Errorf(phenolink.ECONFLICT, "The job is no longer running; it was taken over or deleted.")
		}
		if err != nil {
			return err
		}
		now := time.Now()
		if retry && attempts < maxAttempts {
			_, err = exec(ctx, tx, `
				UPDATE jobs SET state = 'queued', message = ?, locked_until = NULL, run_after = ?, updated_at = ?
				WHERE id = ?`, message, now.Add(phenolink.JobBackoff(attempts)).UnixNano(), now.UnixNano(), id)
			return err
		}
		_, err = exec(ctx, tx, `
			UPDATE jobs SET state = 'failed', message = ?, payload = x'', locked_until = NULL, updated_at = ?
			WHERE id = ?`, message, now.UnixNano(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite.Fail(%d): %w", id, err)
	}
	return nil
}

// Job returns the job without its payload, or ENOTFOUND.
func (db *DB) Job(ctx context.Context, id int64) (phenolink.Job, error) {
	j, err := scanJob(db.readQueryRow(ctx, `SELECT `+jobColumnsWithoutPayload+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "No job has id %d.", id)
	}
	if err != nil {
		return phenolink.Job{}, fmt.Errorf("sqlite.Job(%d): %w", id, err)
	}
	return j, nil
}

// LatestJob returns the profile's newest job of kind without its payload,
// or ENOTFOUND.
func (db *DB) LatestJob(ctx context.Context, profileID, kind string) (phenolink.Job, error) {
	j, err := scanJob(db.readQueryRow(ctx, `
		SELECT `+jobColumnsWithoutPayload+` FROM jobs WHERE profile_id = ? AND kind = ? ORDER BY id DESC LIMIT 1`, profileID, kind))
	if errors.Is(err, sql.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "Profile %q has no %s job.", profileID, kind)
	}
	if err != nil {
		return phenolink.Job{}, fmt.Errorf("sqlite.LatestJob(%q, %s): %w", profileID, kind, err)
	}
	return j, nil
}
