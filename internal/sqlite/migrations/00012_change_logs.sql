-- Logs of which profiles each move of the change counters (migration
-- 00008) touched, so that the per-SNP results page, which keeps the
-- cohort's values and the calls of the markers asked for in memory, reads
-- again only what a write touched: after a survey edit, a consent or a
-- withdrawal, one profile's values instead of 90,000; after an upload, one
-- record's calls at the markers kept instead of every record's. (There is
-- no 00010 here; the number matches the Postgres store's.)
--
-- cohort_changes holds a row per cohort count and profile touched: a
-- value written or deleted logs its profile, a consent given, renewed or
-- withdrawn every profile of its user. A catalog entry moves the count
-- (migration 00008's triggers) and logs nothing: it changes no value, and
-- a reader that keeps the catalog reads it again (it is small).
-- genome_changes
-- holds a row per genome count and profile whose record was written or
-- deleted. The triggers that move the counters write the rows, in the
-- writing transaction; SQLite has one writer at a time, so a log's counts
-- are in commit order.
--
-- A deleted profile leaves no trace in either log: its deletion deletes
-- every row naming it and logs '' in both instead, meaning "profiles have
-- left", and a value or record deleted after it (SQLite fires the child
-- tables' triggers for cascaded deletes) logs '', its profile being gone.
-- A reader that sees '' reads the ids of those still there (the
-- consenting profiles, the stored records) and drops the rest; the logs
-- name no one who has left.
--
-- generations.cohort_logged_from and genomes_logged_from are the counts
-- after which each log is complete: PruneChanges deletes old rows and
-- moves them up, and a reader holding older data reads it whole.

-- +goose Up
ALTER TABLE generations ADD COLUMN cohort_logged_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE generations ADD COLUMN genomes_logged_from INTEGER NOT NULL DEFAULT 0;
UPDATE generations SET cohort_logged_from = cohort, genomes_logged_from = genomes;

CREATE TABLE cohort_changes (
    gen        INTEGER NOT NULL,
    profile_id TEXT NOT NULL, -- '': some profiles left
    logged_at  INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER)) -- Unix seconds
) STRICT;
CREATE TABLE genome_changes (
    gen        INTEGER NOT NULL,
    profile_id TEXT NOT NULL, -- '': some profiles left
    logged_at  INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
) STRICT;

-- By count for the readers; by profile for a deletion, which empties the
-- rows naming it while it holds the one writer's lock.
CREATE INDEX cohort_changes_gen ON cohort_changes (gen);
CREATE INDEX genome_changes_gen ON genome_changes (gen);
CREATE INDEX cohort_changes_profile ON cohort_changes (profile_id);
CREATE INDEX genome_changes_profile ON genome_changes (profile_id);

DROP TRIGGER genomes_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER genomes_insert_generation AFTER INSERT ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
    INSERT INTO genome_changes (gen, profile_id)
        SELECT genomes, NEW.profile_id FROM generations;
END;
-- +goose StatementEnd
DROP TRIGGER genomes_update_generation;
-- +goose StatementBegin
CREATE TRIGGER genomes_update_generation AFTER UPDATE ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
    INSERT INTO genome_changes (gen, profile_id)
        SELECT genomes, OLD.profile_id FROM generations;
    INSERT INTO genome_changes (gen, profile_id)
        SELECT genomes, NEW.profile_id FROM generations WHERE NEW.profile_id <> OLD.profile_id;
END;
-- +goose StatementEnd
DROP TRIGGER genomes_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER genomes_delete_generation AFTER DELETE ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
    INSERT INTO genome_changes (gen, profile_id)
        SELECT genomes, coalesce((SELECT id FROM profiles WHERE id = OLD.profile_id), '') FROM generations;
END;
-- +goose StatementEnd
DROP TRIGGER phenotype_values_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_insert_generation AFTER INSERT ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (gen, profile_id)
        SELECT cohort, NEW.profile_id FROM generations;
END;
-- +goose StatementEnd
DROP TRIGGER phenotype_values_update_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_update_generation AFTER UPDATE ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (gen, profile_id)
        SELECT cohort, OLD.profile_id FROM generations;
    INSERT INTO cohort_changes (gen, profile_id)
        SELECT cohort, NEW.profile_id FROM generations WHERE NEW.profile_id <> OLD.profile_id;
END;
-- +goose StatementEnd
DROP TRIGGER phenotype_values_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_delete_generation AFTER DELETE ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (gen, profile_id)
        SELECT cohort, coalesce((SELECT id FROM profiles WHERE id = OLD.profile_id), '') FROM generations;
END;
-- +goose StatementEnd
DROP TRIGGER consents_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_insert_generation AFTER INSERT ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (gen, profile_id)
        SELECT g.cohort, p.id FROM generations g, profiles p WHERE p.user_id = NEW.user_id;
END;
-- +goose StatementEnd
DROP TRIGGER consents_update_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_update_generation AFTER UPDATE ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (gen, profile_id)
        SELECT g.cohort, p.id FROM generations g, profiles p WHERE p.user_id = OLD.user_id;
    INSERT INTO cohort_changes (gen, profile_id)
        SELECT g.cohort, p.id FROM generations g, profiles p WHERE p.user_id = NEW.user_id AND NEW.user_id <> OLD.user_id;
END;
-- +goose StatementEnd
DROP TRIGGER consents_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_delete_generation AFTER DELETE ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (gen, profile_id)
        SELECT g.cohort, p.id FROM generations g, profiles p WHERE p.user_id = OLD.user_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER profiles_delete_changes_forgotten AFTER DELETE ON profiles BEGIN
    UPDATE generations SET cohort = cohort + 1, genomes = genomes + 1;
    DELETE FROM cohort_changes WHERE profile_id = OLD.id;
    DELETE FROM genome_changes WHERE profile_id = OLD.id;
    INSERT INTO cohort_changes (gen, profile_id) SELECT cohort, '' FROM generations;
    INSERT INTO genome_changes (gen, profile_id) SELECT genomes, '' FROM generations;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER profiles_delete_changes_forgotten;
DROP TRIGGER genomes_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER genomes_insert_generation AFTER INSERT ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
END;
-- +goose StatementEnd
DROP TRIGGER genomes_update_generation;
-- +goose StatementBegin
CREATE TRIGGER genomes_update_generation AFTER UPDATE ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
END;
-- +goose StatementEnd
DROP TRIGGER genomes_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER genomes_delete_generation AFTER DELETE ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
END;
-- +goose StatementEnd
DROP TRIGGER phenotype_values_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_insert_generation AFTER INSERT ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TRIGGER phenotype_values_update_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_update_generation AFTER UPDATE ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TRIGGER phenotype_values_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_delete_generation AFTER DELETE ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TRIGGER consents_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_insert_generation AFTER INSERT ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TRIGGER consents_update_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_update_generation AFTER UPDATE ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TRIGGER consents_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_delete_generation AFTER DELETE ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TABLE genome_changes;
DROP TABLE cohort_changes;
ALTER TABLE generations DROP COLUMN genomes_logged_from;
ALTER TABLE generations DROP COLUMN cohort_logged_from;
