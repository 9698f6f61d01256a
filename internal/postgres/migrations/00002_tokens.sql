-- One 23andMe token pair per user. Both tokens are sealed with AES-256-GCM
-- (see internal/secretbox); the raw values never reach the database.

-- +goose Up
CREATE TABLE tokens (
    user_id       text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    access_token  bytea NOT NULL,
    refresh_token bytea NOT NULL,
    token_type    text NOT NULL,
    scope         text NOT NULL,
    expiry        timestamptz, -- NULL when the token does not expire
    updated_at    timestamptz NOT NULL
);

-- +goose Down
DROP TABLE tokens;
