-- Change counters for the per-SNP results page, which keeps what it read
-- in memory and asks this one row, each request, whether it is current.
--
-- genomes moves with every write to a stored record; cohort with every
-- write to what a cohort read returns: values, consents and the catalog.
-- Triggers move them inside the writing transaction, so a reader that
-- sees a new count also sees the change, and a rolled-back write moves
-- nothing. A deleted profile moves them through the record, values and
-- consent it had, whether they go by DeleteUser's explicit deletes or by a
-- cascade (SQLite fires the child tables' triggers for cascaded deletes);
-- one that had none changes nothing a page reads.

-- +goose Up
CREATE TABLE generations (
    one     INTEGER PRIMARY KEY CHECK (one = 1),
    genomes INTEGER NOT NULL,
    cohort  INTEGER NOT NULL
) STRICT;

INSERT INTO generations (one, genomes, cohort) VALUES (1, 0, 0);

-- +goose StatementBegin
CREATE TRIGGER genomes_insert_generation AFTER INSERT ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER genomes_update_generation AFTER UPDATE ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER genomes_delete_generation AFTER DELETE ON genomes BEGIN
    UPDATE generations SET genomes = genomes + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER phenotype_values_insert_generation AFTER INSERT ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_update_generation AFTER UPDATE ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER phenotype_values_delete_generation AFTER DELETE ON phenotype_values BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER consents_insert_generation AFTER INSERT ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consents_update_generation AFTER UPDATE ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER consents_delete_generation AFTER DELETE ON consents BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER phenotypes_insert_generation AFTER INSERT ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER phenotypes_update_generation AFTER UPDATE ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER phenotypes_delete_generation AFTER DELETE ON phenotypes BEGIN
    UPDATE generations SET cohort = cohort + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER phenotypes_delete_generation;
DROP TRIGGER phenotypes_update_generation;
DROP TRIGGER phenotypes_insert_generation;
DROP TRIGGER consents_delete_generation;
DROP TRIGGER consents_update_generation;
DROP TRIGGER consents_insert_generation;
DROP TRIGGER phenotype_values_delete_generation;
DROP TRIGGER phenotype_values_update_generation;
DROP TRIGGER phenotype_values_insert_generation;
DROP TRIGGER genomes_delete_generation;
DROP TRIGGER genomes_update_generation;
DROP TRIGGER genomes_insert_generation;
DROP TABLE generations;
