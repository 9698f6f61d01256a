-- Indexes for the per-SNP results page, which reads several phenotypes'
-- values of every consenting profile at once, in profile id byte order.
--
-- phenotype_values_cohort holds (profile_id, phenotype_id) in byte order
-- (COLLATE "C", the order every cohort read returns, whatever the
-- database's collation) with the value included, so the page's read can
-- come from the index alone. phenotype_values_phenotype becomes the same
-- for reading one phenotype's cohort (CohortValues, a scan's samples).

-- +goose Up
CREATE INDEX phenotype_values_cohort ON phenotype_values (profile_id COLLATE "C", phenotype_id COLLATE "C") INCLUDE (value);
DROP INDEX phenotype_values_phenotype;
CREATE INDEX phenotype_values_phenotype ON phenotype_values (phenotype_id, profile_id COLLATE "C") INCLUDE (value);

-- +goose Down
DROP INDEX phenotype_values_phenotype;
CREATE INDEX phenotype_values_phenotype ON phenotype_values (phenotype_id, profile_id);
DROP INDEX phenotype_values_cohort;
