-- Server-side sessions, keyed by the SHA-256 of the session token so a copy
-- of the database cannot be replayed as cookies. user_id is read out of the
-- session data so that deleting a user ends all of their sessions.

-- +goose Up
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    data       bytea NOT NULL,
    expiry     timestamptz NOT NULL,
    user_id    text REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX sessions_expiry ON sessions (expiry);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- +goose Down
DROP TABLE sessions;
