// Package plinkfile reads and writes PLINK 1 binary filesets: the .bed
// genotype matrix (SNP-major, with its three magic bytes), the .bim marker
// table and the .fam sample table, plus the whitespace-separated phenotype
// and covariate files (FID IID value...) that PLINK's --pheno and --covar
// read.
//
// Genotypes travel as packed .bed records: two bits per sample, four samples
// per byte, the first sample in the lowest bits, with 00 = homozygous for the
// .bim's allele 1 (column 5), 01 = missing, 10 = heterozygous and
// 11 = homozygous for allele 2 (column 6). The reader and the writer move one
// marker at a time so that neither an export nor a scan ever holds the whole
// cohort in memory.
package plinkfile
