-- A log of which profiles each move of the cohort change counter (migration
-- 00008) touched, so that the per-SNP results page, which keeps every
-- catalog phenotype's consenting values in memory, reads again only the
-- profiles a write touched instead of the whole cohort: after a survey edit,
-- a consent or a withdrawal, a handful of rows instead of 90,000 values.
--
-- cohort_changes holds one row per count and profile touched: a value
-- written or deleted logs its profile, a consent given, renewed or
-- withdrawn logs every profile of its user, and a catalog entry logs NULL,
-- meaning every profile (a reader then reads the cohort whole). The rows
-- are written by the same deferred triggers that move the counter, in the
-- writing transaction and at its commit, while it holds the counter's row:
-- so the counts of the log are in commit order, and a reader that sees a
-- count sees every row logged up to it.
--
-- A deleted profile leaves no trace here: its deletion deletes every row
-- naming it and logs NULL instead, and a value deleted with it logs NULL,
-- its profile being gone by the commit. So a reader that kept the
-- profile's values reads the cohort whole, and the log names no one who
-- has left.
--
-- generations.cohort_logged_from is the count after which the log is
-- complete: PruneCohortChanges deletes old rows and moves it up, and a
-- reader whose values are older reads the cohort whole.

-- +goose Up
ALTER TABLE generations ADD COLUMN cohort_logged_from bigint NOT NULL DEFAULT 0;
UPDATE generations SET cohort_logged_from = cohort;

CREATE TABLE cohort_changes (
    cohort     bigint NOT NULL,
    profile_id text, -- NULL: the catalog changed
    logged_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per count and profile, however many of its values a transaction
-- writes; NULLs are distinct, and harmless.
CREATE UNIQUE INDEX cohort_changes_key ON cohort_changes (cohort, profile_id COLLATE "C");

-- +goose StatementBegin
CREATE FUNCTION log_cohort_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    gen      bigint := nullif(current_setting('phenolink.cohort_generation', true), '')::bigint;
    pid      text;
    everyone boolean := false; -- log NULL: every profile
BEGIN
    -- The first of a transaction's rows moves the counter; the count is
    -- kept for the transaction's other rows.
    IF gen IS NULL THEN
        UPDATE generations SET cohort = cohort + 1 RETURNING cohort INTO gen;
        PERFORM set_config('phenolink.cohort_generation', gen::text, true);
    END IF;
    IF TG_TABLE_NAME = 'phenotype_values' THEN
        FOREACH pid IN ARRAY ARRAY[OLD.profile_id, NEW.profile_id] LOOP
            CONTINUE WHEN pid IS NULL;
            IF EXISTS (SELECT 1 FROM profiles p WHERE p.id = pid) THEN
                INSERT INTO cohort_changes (cohort, profile_id) VALUES (gen, pid) ON CONFLICT DO NOTHING;
            ELSE
                everyone := true; -- the profile is gone by the commit
            END IF;
        END LOOP;
    ELSIF TG_TABLE_NAME = 'consents' THEN
        INSERT INTO cohort_changes (cohort, profile_id)
        SELECT gen, p.id FROM profiles p
        WHERE p.user_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END
           OR (TG_OP = 'UPDATE' AND p.user_id = OLD.user_id)
        ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'profiles' THEN
        DELETE FROM cohort_changes WHERE profile_id = OLD.id;
        everyone := true;
    ELSE
        everyone := true; -- the catalog
    END IF;
    IF everyone AND NOT EXISTS (SELECT 1 FROM cohort_changes c WHERE c.cohort = gen AND c.profile_id IS NULL) THEN
        INSERT INTO cohort_changes (cohort, profile_id) VALUES (gen, NULL);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

DROP TRIGGER phenotype_values_generation ON phenotype_values;
DROP TRIGGER consents_generation ON consents;
DROP TRIGGER phenotypes_generation ON phenotypes;
CREATE CONSTRAINT TRIGGER phenotype_values_generation AFTER INSERT OR UPDATE OR DELETE ON phenotype_values
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_cohort_change();
CREATE CONSTRAINT TRIGGER consents_generation AFTER INSERT OR UPDATE OR DELETE ON consents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_cohort_change();
CREATE CONSTRAINT TRIGGER phenotypes_generation AFTER INSERT OR UPDATE OR DELETE ON phenotypes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_cohort_change();
CREATE CONSTRAINT TRIGGER profiles_cohort_change AFTER DELETE ON profiles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION log_cohort_change();

-- +goose Down
DROP TRIGGER profiles_cohort_change ON profiles;
DROP TRIGGER phenotypes_generation ON phenotypes;
DROP TRIGGER consents_generation ON consents;
DROP TRIGGER phenotype_values_generation ON phenotype_values;
CREATE CONSTRAINT TRIGGER phenotype_values_generation AFTER INSERT OR UPDATE OR DELETE ON phenotype_values
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('cohort');
CREATE CONSTRAINT TRIGGER consents_generation AFTER INSERT OR UPDATE OR DELETE ON consents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('cohort');
CREATE CONSTRAINT TRIGGER phenotypes_generation AFTER INSERT OR UPDATE OR DELETE ON phenotypes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('cohort');
DROP FUNCTION log_cohort_change();
DROP TABLE cohort_changes;
ALTER TABLE generations DROP COLUMN cohort_logged_from;
