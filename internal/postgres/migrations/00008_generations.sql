-- Change counters for the per-SNP results page, which keeps what it read
-- in memory and asks this one row, each request, whether it is current.
--
-- genomes moves with every write to a stored record; cohort with every
-- write to what a cohort read returns: values, consents and the catalog
-- (a deleted profile's records and values go by DeleteUser's explicit
-- deletes or by a cascade, and either fires these triggers).
--
-- The triggers update the row inside the writing transaction, so a reader
-- that sees a new count also sees the change, and a rolled-back write
-- moves nothing; a sequence would move before the commit and let a reader
-- keep the old data under the new count. They are deferred to the commit:
-- a transaction then locks the row last and only for the commit, so
-- writers never wait on it while holding other locks (no deadlock with a
-- writer of the same records), and an import's long transaction does not
-- hold it. A transaction moves each counter once, however many rows it
-- writes: the flag it sets is local to the transaction.

-- +goose Up
CREATE TABLE generations (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    genomes bigint NOT NULL,
    cohort  bigint NOT NULL
);

INSERT INTO generations (genomes, cohort) VALUES (0, 0);

-- +goose StatementBegin
CREATE FUNCTION bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE CONSTRAINT TRIGGER genomes_generation AFTER INSERT OR UPDATE OR DELETE ON genomes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('genomes');
CREATE CONSTRAINT TRIGGER phenotype_values_generation AFTER INSERT OR UPDATE OR DELETE ON phenotype_values
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('cohort');
CREATE CONSTRAINT TRIGGER consents_generation AFTER INSERT OR UPDATE OR DELETE ON consents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('cohort');
CREATE CONSTRAINT TRIGGER phenotypes_generation AFTER INSERT OR UPDATE OR DELETE ON phenotypes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_generation('cohort');

-- +goose Down
DROP TRIGGER phenotypes_generation ON phenotypes;
DROP TRIGGER consents_generation ON consents;
DROP TRIGGER phenotype_values_generation ON phenotype_values;
DROP TRIGGER genomes_generation ON genomes;
DROP FUNCTION bump_generation();
DROP TABLE generations;
