-- Phenotypes, consent, researcher roles, the audit log and association
-- scans.
--
-- The catalog is seeded in Go by Migrate (phenolink.DefaultPhenotypes,
-- inserting only ids not yet present), so entries edited later keep their
-- edits and entries added by a newer release appear on its first start.
--
-- A participant's values, consent and roles go with their account
-- (DeleteUser empties these tables explicitly). Withdrawing consent deletes
-- the consent row, so "consents now" is simply "has a row". Scans and the
-- audit log are the researchers' records of what they ran and exported;
-- they hold no participant data and outlive the researcher's account, so
-- they carry the account id as plain text without a foreign key.

-- +goose Up
CREATE TABLE phenotypes (
    id          text PRIMARY KEY,
    label       text NOT NULL,
    unit        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('quantitative', 'binary')),
    min         double precision NOT NULL,
    max         double precision NOT NULL,
    level0      text NOT NULL,
    level1      text NOT NULL,
    source      text NOT NULL,
    description text NOT NULL,
    step        double precision NOT NULL
);

CREATE TABLE phenotype_values (
    profile_id   text NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    phenotype_id text NOT NULL REFERENCES phenotypes (id),
    value        double precision NOT NULL,
    source       text NOT NULL CHECK (source IN ('survey', 'import')),
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (profile_id, phenotype_id)
);

CREATE INDEX phenotype_values_phenotype ON phenotype_values (phenotype_id, profile_id);

CREATE TABLE consents (
    user_id  text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version  text NOT NULL,
    text     text NOT NULL,
    given_at timestamptz NOT NULL
);

CREATE TABLE roles (
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE audit_log (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id text NOT NULL,
    action  text NOT NULL,
    detail  text NOT NULL,
    at      timestamptz NOT NULL
);

-- job_id is not a foreign key: the job goes with its researcher's account
-- while the scan stays.
CREATE TABLE scans (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phenotype_id  text NOT NULL REFERENCES phenotypes (id),
    covariates    text[] NOT NULL,
    min_maf       double precision NOT NULL,
    min_call_rate double precision NOT NULL,
    created_by    text NOT NULL,
    job_id        bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    samples       integer NOT NULL DEFAULT 0,
    tested        integer NOT NULL DEFAULT 0,
    lambda        double precision, -- NULL before completion; may be NaN
    completed_at  timestamptz
);

-- Results live apart from the summary so that listing scans never reads
-- megabytes of results.
CREATE TABLE scan_results (
    scan_id bigint PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
    results bytea NOT NULL
);

-- +goose Down
DROP TABLE scan_results;
DROP TABLE scans;
DROP TABLE audit_log;
DROP TABLE roles;
DROP TABLE consents;
DROP TABLE phenotype_values;
DROP TABLE phenotypes;
