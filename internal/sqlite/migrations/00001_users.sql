-- Users are keyed by their 23andMe account id; Phenolink keeps no password.
-- Times are integer Unix nanoseconds in UTC throughout this database.

-- +goose Up
CREATE TABLE users (
    id         TEXT PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- A profile is one person on an account. Later tables (genotypes,
-- phenotypes) hang off profiles, so SaveUser upserts profiles in place
-- rather than replacing them.
CREATE TABLE profiles (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    is_genotyped INTEGER NOT NULL CHECK (is_genotyped IN (0, 1))
) STRICT;

CREATE INDEX profiles_user_id ON profiles (user_id);

-- +goose Down
DROP TABLE profiles;
DROP TABLE users;
