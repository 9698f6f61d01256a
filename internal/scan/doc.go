// Package scan runs Phenolink's genome-wide association scans as jobs,
// stores their results compactly, draws them, and exports the consenting
// cohort as a PLINK fileset.
//
// A scan job (phenolink.JobScan, payload the decimal scan id) loads the
// scan, gathers its cohort, reads every stored genome once, as stored,
// through phenolink.GenomeRecordScanner (GenotypeStore.ScanGenomes for a
// store without it) into packed two-bit .bed records (a quarter of a byte
// per call: 300 MB for 2,000 samples by 600,000 markers; the calls are
// never held as numbers), filters the markers, runs package association's
// linear (quantitative) or logistic (binary) scan and completes the scan
// with its encoded Results.
//
// Cohort. A sample is a profile whose user consents (CohortValues returns
// only those), with a value of the scan's phenotype and a stored genome.
// Profiles lacking a requested covariate are left out and counted in the
// job's message.
//
// Covariates. Age is the scan's creation year minus the date_of_birth
// phenotype (a year). Sex is the sex phenotype (0 female, 1 male) when the
// profile has one, and otherwise inferred from the genome:
//   - male when at least half of the profile's Y markers (on its chip)
//     carry a call, and at most 1% of its called X markers are
//     heterozygous;
//   - female when at most 10% of its Y markers carry a call and at least
//     one in a thousand of its called X markers is heterozygous;
//   - unknown otherwise, including genomes with fewer than 100 called X
//     markers or no Y marker on the chip. Such a profile leaves a scan
//     with the sex covariate and counts as unknown sex for X markers.
//
// Sex also decides how X markers are tested (males carry one X), whether
// or not sex is a covariate.
//
// Statistics follow PLINK 1.9 --linear and --logistic
// (association.PLINK1Linear): A1 is the cohort's minor allele, Beta is per
// copy of A1. Alleles come from the calls themselves: each marker's first
// two alleles seen, in profile order, become .bim alleles 1 and 2; a call
// with a third allele reads as missing and takes the marker out of scans
// (an export keeps it, with those calls missing). A haploid call (male X
// and Y, MT) is stored as homozygous, as PLINK stores it.
//
// Filters. A marker is tested when its call rate over the cohort is at
// least MinCallRate and its minor-allele frequency (males counted once on
// X) is at least MinMAF and above zero. Results hold the tested markers
// only, those with a p-value, in index order.
package scan
