-- One 23andMe token pair per user. Both tokens are sealed with AES-256-GCM
-- (see internal/secretbox); the raw values never reach the database.

-- +goose Up
CREATE TABLE tokens (
    user_id       TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    access_token  BLOB NOT NULL,
    refresh_token BLOB NOT NULL,
    token_type    TEXT NOT NULL,
    scope         TEXT NOT NULL,
    expiry        INTEGER, -- NULL when the token does not expire
    updated_at    INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE tokens;
