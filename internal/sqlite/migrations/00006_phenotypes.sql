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
    id          TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    unit        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('quantitative', 'binary')),
    min         REAL NOT NULL,
    max         REAL NOT NULL,
    level0      TEXT NOT NULL,
    level1      TEXT NOT NULL,
    source      TEXT NOT NULL,
    description TEXT NOT NULL,
    step        REAL NOT NULL
) STRICT;

CREATE TABLE phenotype_values (
    profile_id   TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    phenotype_id TEXT NOT NULL REFERENCES phenotypes (id),
    value        REAL NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('survey', 'import')),
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (profile_id, phenotype_id)
) STRICT;

CREATE INDEX phenotype_values_phenotype ON phenotype_values (phenotype_id, profile_id);

CREATE TABLE consents (
    user_id  TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version  TEXT NOT NULL,
    text     TEXT NOT NULL,
    given_at INTEGER NOT NULL
) STRICT;

CREATE TABLE roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
) STRICT;

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    at      INTEGER NOT NULL
) STRICT;

-- job_id is not a foreign key: the job goes with its researcher's account
-- while the scan stays.
CREATE TABLE scans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    phenotype_id  TEXT NOT NULL REFERENCES phenotypes (id),
    covariates    TEXT NOT NULL, -- JSON array
    min_maf       REAL NOT NULL,
    min_call_rate REAL NOT NULL,
    created_by    TEXT NOT NULL,
    job_id        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    samples       INTEGER NOT NULL DEFAULT 0,
    tested        INTEGER NOT NULL DEFAULT 0,
    lambda        REAL, -- NULL before completion and when not a number
    completed_at  INTEGER
) STRICT;

-- Results live apart from the summary so that listing scans never reads
-- megabytes of results.
CREATE TABLE scan_results (
    scan_id INTEGER PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
    results BLOB NOT NULL
) STRICT;

-- +goose Down
DROP TABLE scan_results;
DROP TABLE scans;
DROP TABLE audit_log;
DROP TABLE roles;
DROP TABLE consents;
DROP TABLE phenotype_values;
DROP TABLE phenotypes;
