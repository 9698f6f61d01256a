-- A log of which profiles each move of the cohort change counter (migration
-- 00008) touched, so that the per-SNP results page, which keeps every
-- catalog phenotype's consenting values in memory, reads again only the
-- profiles a write touched instead of the whole cohort: after a survey edit,
-- a consent or a withdrawal, a handful of rows instead of 90,000 values.
-- (There is no 00010 here; the number matches the Postgres store's.)
--
-- cohort_changes holds a row per count and profile touched: a value
-- written or deleted logs its profile, a consent given, renewed or
-- withdrawn logs every profile of its user, and a catalog entry logs NULL,
-- meaning every profile (a reader then reads the cohort whole). The
-- triggers that move the counter write the rows, in the writing
-- transaction; SQLite has one writer at a time, so the counts of the log
-- are in commit order.
--
-- A deleted profile leaves no trace here: its deletion deletes every row
-- naming it and logs NULL instead, and a value deleted after it (SQLite
-- fires the child tables' triggers for cascaded deletes) logs NULL too,
-- its profile being gone. So a reader that kept the profile's values reads
-- the cohort whole, and the log names no one who has left.
--
-- generations.cohort_logged_from is the count after which the log is
-- complete: PruneCohortChanges deletes old rows and moves it up, and a
-- reader whose values are older reads the cohort whole.

-- +goose Up
ALTER TABLE generations ADD COLUMN cohort_logged_from INTEGER NOT NULL DEFAULT 0;
UPDATE generations SET cohort_logged_from = cohort;

CREATE TABLE cohort_changes (
    cohort     INTEGER NOT NULL,
    profile_id TEXT, -- NULL: the catalog changed
    logged_at  INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER)) -- Unix seconds
) STRICT;

CREATE INDEX cohort_changes_cohort ON cohort_changes (cohort);

DROP TRIGGER phenotype_values_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_insert_generation AFTER INSERT ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id)
        SELECT cohort, (SELECT id FROM profiles WHERE id = NEW.profile_id) FROM generations;
END;
-- +goose StatementEnd
DROP TRIGGER phenotype_values_update_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_update_generation AFTER UPDATE ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id)
        SELECT cohort, (SELECT id FROM profiles WHERE id = OLD.profile_id) FROM generations;
    INSERT INTO cohort_changes (cohort, profile_id)
        SELECT cohort, (SELECT id FROM profiles WHERE id = NEW.profile_id) FROM generations WHERE NEW.profile_id <> OLD.profile_id;
END;
-- +goose StatementEnd
DROP TRIGGER phenotype_values_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_delete_generation AFTER DELETE ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id)
        SELECT cohort, (SELECT id FROM profiles WHERE id = OLD.profile_id) FROM generations;
END;
-- +goose StatementEnd
DROP TRIGGER consents_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_insert_generation AFTER INSERT ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id)
        SELECT g.cohort, p.id FROM generations g, profiles p WHERE p.user_id = NEW.user_id;
END;
-- +goose StatementEnd
DROP TRIGGER consents_update_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_update_generation AFTER UPDATE ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id)
        SELECT g.cohort, p.id FROM generations g, profiles p WHERE p.user_id = OLD.user_id;
    INSERT INTO cohort_changes (cohort, profile_id)
        SELECT g.cohort, p.id FROM generations g, profiles p WHERE p.user_id = NEW.user_id AND NEW.user_id <> OLD.user_id;
END;
-- +goose StatementEnd
DROP TRIGGER consents_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER consents_delete_generation AFTER DELETE ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id)
        SELECT g.cohort, p.id FROM generations g, profiles p WHERE p.user_id = OLD.user_id;
END;
-- +goose StatementEnd
DROP TRIGGER phenotypes_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotypes_insert_generation AFTER INSERT ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id) SELECT cohort, NULL FROM generations;
END;
-- +goose StatementEnd
DROP TRIGGER phenotypes_update_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotypes_update_generation AFTER UPDATE ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id) SELECT cohort, NULL FROM generations;
END;
-- +goose StatementEnd
DROP TRIGGER phenotypes_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotypes_delete_generation AFTER DELETE ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
    INSERT INTO cohort_changes (cohort, profile_id) SELECT cohort, NULL FROM generations;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER profiles_delete_cohort_change AFTER DELETE ON profiles BEGIN
    UPDATE generations SET cohort = cohort + 1;
    DELETE FROM cohort_changes WHERE profile_id = OLD.id;
    INSERT INTO cohort_changes (cohort, profile_id) SELECT cohort, NULL FROM generations;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER profiles_delete_cohort_change;
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
DROP TRIGGER phenotypes_insert_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotypes_insert_generation AFTER INSERT ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TRIGGER phenotypes_update_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotypes_update_generation AFTER UPDATE ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TRIGGER phenotypes_delete_generation;
-- +goose StatementBegin
CREATE TRIGGER phenotypes_delete_generation AFTER DELETE ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
DROP TABLE cohort_changes;
ALTER TABLE generations DROP COLUMN cohort_logged_from;
