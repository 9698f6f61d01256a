-- Indexes for the per-SNP results page, which reads several phenotypes'
-- values of every consenting profile at once, in profile id order.
--
-- phenotype_values_cohort covers (profile_id, phenotype_id, value), so the
-- page walks each consenting profile's values in the index alone, without
-- the table's rows or a sort. phenotype_values_phenotype gains the value,
-- so reading one phenotype's cohort (CohortValues, a scan's samples) can
-- skip the table's rows too.

-- +goose Up
CREATE INDEX phenotype_values_cohort ON phenotype_values (profile_id, phenotype_id, value);
DROP INDEX phenotype_values_phenotype;
CREATE INDEX phenotype_values_phenotype ON phenotype_values (phenotype_id, profile_id, value);

-- +goose Down
DROP INDEX phenotype_values_phenotype;
CREATE INDEX phenotype_values_phenotype ON phenotype_values (phenotype_id, profile_id);
DROP INDEX phenotype_values_cohort;
