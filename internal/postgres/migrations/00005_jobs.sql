-- A job queue shared by every process. Workers claim with FOR UPDATE SKIP
-- LOCKED, so several never take the same job, and hold a lease
-- (locked_until) that a heartbeat extends; a job whose lease ran out (its
-- worker died) is claimed again. Jobs go with their user.

-- +goose Up
CREATE TABLE jobs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    profile_id   text REFERENCES profiles (id) ON DELETE CASCADE, -- NULL for account-wide jobs
    payload      bytea NOT NULL,
    state        text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress     double precision NOT NULL CHECK (progress BETWEEN 0 AND 1),
    message      text NOT NULL,
    attempts     integer NOT NULL,
    max_attempts integer NOT NULL CHECK (max_attempts >= 1),
    run_after    timestamptz NOT NULL,
    locked_until timestamptz,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Claim looks only at unfinished jobs; the partial index stays small
-- however many finished jobs pile up.
CREATE INDEX jobs_due ON jobs (run_after, id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_user_id ON jobs (user_id);
CREATE INDEX jobs_profile_kind ON jobs (profile_id, kind, id);

-- +goose Down
DROP TABLE jobs;
