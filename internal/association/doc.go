// Package association is Phenolink's statistics engine: genome-wide scans
// and per-marker regressions of a phenotype on genotype, giving the numbers
// PLINK prints for the same data.
//
// A scan streams markers (packed PLINK .bed records, see package plinkfile)
// from an iterator through GOMAXPROCS workers, a few hundred markers at a
// time, so the cohort's genotypes are never all in memory and never become
// float64. Linear regression (LinearScan) turns each marker's sums into
// table look-ups: for every byte of a record (four samples) and each of its
// 256 values the tables hold the sum of dosage times phenotype and times each
// covariate, so a marker costs one look-up per four samples and statistic,
// plus popcounts for the genotype counts. Samples with a missing call are
// removed exactly by subtracting their rows from the precomputed
// intercept-and-covariate cross-products, as PLINK drops them per marker.
//
// A few markers, such as the per-SNP results page's, are cheaper fitted one
// at a time (LinearModel, LogisticModel) than scanned: the tables cost 256
// entries per four samples to build, which a scan spreads over its
// markers. The models sum each record directly, in the scan's order, so
// they give exactly the scan's results.
//
// Counted allele (A1). Convention PLINK1Linear and PLINK1Assoc count the
// minor allele over all samples, .bim column 5 on a tie (PLINK 1.9);
// PLINK2 counts REF (.bim column 6) when its frequency is below 0.5, else
// ALT (column 5), as PLINK 2 --glm does. Beta is per copy of A1.
//
// X chromosome. Males carry one X: PLINK stores a male's call as a
// homozygous .bed code and sets a male heterozygous call to missing, and so
// does this package. How the hemizygous call is counted follows the PLINK
// test being matched, as measured against PLINK 1.9 (v1.90b6.26) and PLINK 2
// (v2.00a3.5) with their default --xchr-model:
//   - PLINK2 (--glm): a male counts 0 or 2 copies, and sex is added as a
//     covariate on X (unless Options.NoXSex);
//   - PLINK1Linear (--linear, --logistic): a male counts 0 or 1 copy, sex
//     added likewise;
//   - PLINK1Assoc (--assoc on a quantitative trait): a male counts 0 or 2
//     copies and sex is not added.
//
// A1's frequency on X counts each male once. Markers with a single genotype
// class among the samples used are reported as not testable (PLINK prints
// NA), as are markers whose variance inflation factor against the
// covariates exceeds PLINK's default of 50.
//
// Y, XY and MT markers are treated as autosomal; PLINK's haploid handling
// of them is not reproduced.
//
// Binary traits (LogisticScan) get the additive logistic model by Newton's
// method, converged to 1e-10, with Wald standard errors from the
// information at the optimum. Markers whose estimate diverges (separation)
// are not testable, as in PLINK 1.9, or with Options.FirthFallback are
// refitted by Firth's penalised likelihood, as PLINK 2 does. PLINK 1.9 computes logistic fits in single
// precision and PLINK 2 (v2.00a3.5) takes the standard error from the
// penultimate Newton step, so their printed SE, z and p differ slightly from
// these exact values (see the fixture tests for the measured bounds).
//
// P-values come from Student's t (linear) and the normal distribution
// (logistic Wald tests), accurate into the far tail; below 1e-300 only
// -log10 p is reported (PValue.MinusLog10).
package association
