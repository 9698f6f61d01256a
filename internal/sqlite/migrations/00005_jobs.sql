-- A job queue shared by every process on the file. Claims run in the single
-- write connection's IMMEDIATE transaction, so two workers never take the
-- same job; a worker holds a lease (locked_until) that a heartbeat extends,
-- and a job whose lease ran out (its worker died) is claimed again. Jobs go
-- with their user.

-- +goose Up
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT, -- ids are never reused
    kind         TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    profile_id   TEXT REFERENCES profiles (id) ON DELETE CASCADE, -- NULL for account-wide jobs
    payload      BLOB NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress     REAL NOT NULL CHECK (progress BETWEEN 0 AND 1),
    message      TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_after    INTEGER NOT NULL,
    locked_until INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX jobs_due ON jobs (run_after, id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_user_id ON jobs (user_id);
CREATE INDEX jobs_profile_kind ON jobs (profile_id, kind, id);

-- +goose Down
DROP TABLE jobs;
