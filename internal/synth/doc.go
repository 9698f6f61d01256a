// Package synth makes deterministic synthetic genotypes: a marker key (ids,
// GRCh37 positions, alleles and allele frequencies) and individuals whose
// calls are drawn from it, all from one seed.
//
// Everything is a pure function of its inputs. The key depends only on
// (seed, n); an individual's call at marker i depends only on (seed,
// individual index, i) and the marker, so one person's genome, or a single
// marker of it, can be made without the rest of the cohort. That is what lets
// the 23andMe simulator answer a marker query without building whole genomes,
// and lets a cohort be written one file at a time.
//
// Realism choices, so that readers of the output know what to expect:
//   - Chromosomes 1-22, X and Y get markers in proportion to their GRCh37
//     lengths; MT gets a few dozen (the real chips carry a few thousand, which
//     would be far more than its length share).
//   - Alternate allele frequencies follow a U-shaped spectrum: the minor
//     allele is rare for about a third of markers, and the alternate allele
//     is the minor one only half of the time.
//   - Calls are Hardy-Weinberg draws; about 1% of calls on a chip are
//     no-calls ("--").
//   - Males are haploid on X (pseudo-autosomal regions are ignored), Y and
//     MT; females are diploid on X, haploid on MT, and every Y marker on
//     their chip is a no-call "--", as 23andMe raw files report it.
//   - A Chip covers a share of the key; markers off the chip are NotOnChip
//     ("__") in the genome and absent from raw files.
//
// Nothing here is a real person's data, and the gene names are synthetic
// ("SYN" and a number), so no output can be mistaken for a real genome.
package synth
