-- Users are keyed by their 23andMe account id; Phenolink keeps no password.

-- +goose Up
CREATE TABLE users (
    id         text PRIMARY KEY,
    first_name text NOT NULL,
    last_name  text NOT NULL,
    email      text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- A profile is one person on an account. Later tables (genotypes,
-- phenotypes) hang off profiles, so SaveUser upserts profiles in place
-- rather than replacing them.
CREATE TABLE profiles (
    id           text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_name   text NOT NULL,
    last_name    text NOT NULL,
    is_genotyped boolean NOT NULL
);

CREATE INDEX profiles_user_id ON profiles (user_id);

-- +goose Down
DROP TABLE profiles;
DROP TABLE users;
