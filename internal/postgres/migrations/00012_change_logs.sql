-- Logs of which profiles each move of the change counters (migration
-- 00008) touched, so that the per-SNP results page, which keeps the
-- cohort's values and the calls of the markers asked for in memory, reads
-- again only what a write touched: after a survey edit, a consent or a
-- withdrawal, one profile's values instead of 90,000; after an upload, one
-- record's calls at the markers kept instead of every record's.
--
-- cohort_changes holds a row per cohort count and profile touched: a
-- value written or deleted logs its profile, a consent given, renewed or
-- withdrawn every profile of its user. A catalog entry moves the count and
-- logs nothing: it changes no value, and a reader that keeps the catalog
-- reads it again (it is small). genome_changes
-- holds a row per genome count and profile whose record was written or
-- deleted. The rows are written by the deferred triggers that move the
-- counters, in the writing transaction at its commit, while it holds the
-- counters' row: so a log's counts are in commit order, and a reader that
-- sees a count sees every row logged up to it.
--
-- A deleted profile leaves no trace in either log: its deletion deletes
-- every row naming it and logs '' in both instead, meaning "profiles have
-- left", and a value or record deleted with it logs '', its profile being
-- gone by the commit. A reader that sees '' reads the ids of those still
-- there (the consenting profiles, the stored records) and drops the rest;
-- the logs name no one who has left.
--
-- generations.cohort_logged_from and genomes_logged_from are the counts
-- after which each log is complete: PruneChanges deletes old rows and
-- moves them up, and a reader holding older data reads it whole.
--
-- During a deploy the previous release's processes keep writing. So the
-- migration leaves the data tables' triggers in place and replaces the
-- function they call (which takes no lock on those tables), adds the
-- trigger on profiles, and alters generations last: a writer holding a
-- data table, whose commit needs the counters' row, is never waited for
-- by a migration already holding that row.

-- +goose Up
CREATE TABLE cohort_changes (
    gen        bigint NOT NULL,
    profile_id text NOT NULL, -- '': some profiles left
    logged_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE genome_changes (
    gen        bigint NOT NULL,
    profile_id text NOT NULL, -- '': some profiles left
    logged_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per count and profile, however many rows of it a transaction
-- writes; and the rows of a profile found at once when it is deleted.
CREATE UNIQUE INDEX cohort_changes_key ON cohort_changes (gen, profile_id COLLATE "C");
CREATE UNIQUE INDEX genome_changes_key ON genome_changes (gen, profile_id COLLATE "C");
CREATE INDEX cohort_changes_profile ON cohort_changes (profile_id);
CREATE INDEX genome_changes_profile ON genome_changes (profile_id);

-- +goose StatementBegin
-- next_generation moves the counter ('cohort' or 'genomes') once a
-- transaction, at the first of its rows, and returns the transaction's
-- count.
CREATE FUNCTION next_generation(counter text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    setting text := 'phenolink.' || counter || '_generation';
    gen     bigint := nullif(current_setting(setting, true), '')::bigint;
BEGIN
    IF gen IS NULL THEN
        IF counter = 'genomes' THEN
            UPDATE generations SET genomes = genomes + 1 RETURNING genomes INTO gen;
        ELSE
            UPDATE generations SET cohort = cohort + 1 RETURNING cohort INTO gen;
        END IF;
        PERFORM set_config(setting, gen::text, true);
    END IF;
    RETURN gen;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- logged_profile returns the id to log for a row of the profile written
-- (op, the trigger's): the id, or '' when a deleted row's profile is gone
-- by the commit. A row inserted or updated needs no look-up: were its
-- profile deleted later in the transaction, that deletion's trigger,
-- firing after, empties the log of the id.
CREATE FUNCTION logged_profile(pid text, op text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF op = 'DELETE' AND NOT EXISTS (SELECT 1 FROM profiles p WHERE p.id = pid) THEN
        RETURN '';
    END IF;
    RETURN pid;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- bump_generation is what migration 00008's triggers call, with the
-- counter as their argument: it now also logs the profiles each row
-- touched.
CREATE OR REPLACE FUNCTION bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n   bigint := next_generation(TG_ARGV[0]);
    pid text;
BEGIN
    IF TG_TABLE_NAME IN ('genomes', 'phenotype_values') THEN
        FOREACH pid IN ARRAY ARRAY[OLD.profile_id, NEW.profile_id] LOOP
            CONTINUE WHEN pid IS NULL;
            pid := logged_profile(pid, TG_OP);
            IF TG_TABLE_NAME = 'genomes' THEN
                INSERT INTO genome_changes (gen, profile_id) VALUES (n, pid) ON CONFLICT DO NOTHING;
            ELSE
                -- A profile's values usually come together: the one
                -- logged last is not logged again.
                CONTINUE WHEN pid = current_setting('phenolink.cohort_logged_last', true);
                INSERT INTO cohort_changes (gen, profile_id) VALUES (n, pid) ON CONFLICT DO NOTHING;
                PERFORM set_config('phenolink.cohort_logged_last', pid, true);
            END IF;
        END LOOP;
    ELSIF TG_TABLE_NAME = 'consents' THEN
        INSERT INTO cohort_changes (gen, profile_id)
        SELECT n, p.id FROM profiles p
        WHERE p.user_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END
           OR (TG_OP = 'UPDATE' AND p.user_id = OLD.user_id)
        ON CONFLICT DO NOTHING;
    END IF; -- the catalog: the count alone
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION forget_profile_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cohort  bigint := next_generation('cohort');
    genomes bigint := next_generation('genomes');
BEGIN
    DELETE FROM cohort_changes WHERE profile_id = OLD.id;
    DELETE FROM genome_changes WHERE profile_id = OLD.id;
    PERFORM set_config('phenolink.cohort_logged_last', '', true);
    INSERT INTO cohort_changes (gen, profile_id) VALUES (cohort, '') ON CONFLICT DO NOTHING;
    INSERT INTO genome_changes (gen, profile_id) VALUES (genomes, '') ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER profiles_changes_forgotten AFTER DELETE ON profiles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION forget_profile_changes();

-- Last: from here the migration holds the counters' row.
ALTER TABLE generations
    ADD COLUMN cohort_logged_from bigint NOT NULL DEFAULT 0,
    ADD COLUMN genomes_logged_from bigint NOT NULL DEFAULT 0;
UPDATE generations SET cohort_logged_from = cohort, genomes_logged_from = genomes;

-- +goose Down
ALTER TABLE generations DROP COLUMN genomes_logged_from, DROP COLUMN cohort_logged_from;
DROP TRIGGER profiles_changes_forgotten ON profiles;
DROP FUNCTION forget_profile_changes();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    flag text := 'phenolink.generation_bumped_' || TG_ARGV[0];
BEGIN
    IF coalesce(current_setting(flag, true), '') <> 'on' THEN
        PERFORM set_config(flag, 'on', true);
        IF TG_ARGV[0] = 'genomes' THEN
            UPDATE generations SET genomes = genomes + 1;
        ELSE
            UPDATE generations SET cohort = cohort + 1;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP FUNCTION logged_profile(text, text);
DROP FUNCTION next_generation(text);
DROP TABLE genome_changes;
DROP TABLE cohort_changes;
