// Package research computes the per-SNP results page: for each requested
// marker and phenotype, the phenotype's summary in every genotype group and
// an additive-model test of the phenotype on the genotype, over the
// consenting cohort, with every group smaller than k hidden.
//
// Who counts. A table of one marker and one phenotype holds the profiles
// whose user consents and that have a value of the phenotype (what
// PhenotypeStore.CohortValuesOf reads) and a call at the marker; a no-call,
// a marker not on the profile's chip and a profile without a stored genome
// leave the profile out.
//
// Groups. People are grouped by their normalized call, so "AG" and "GA" are
// one group (the packed Call sorts its alleles). A haploid call (male X and
// Y, MT) is its own group, written with one letter: PLINK stores it as a
// homozygous .bed code, so in the test it counts as two copies of its
// allele, as PLINK counts a sample of unknown sex; the page shows it apart
// from the diploid homozygotes. Quantitative phenotypes get n, mean, sample
// standard deviation (n-1) and median per group; binary ones (1 is the
// case, the phenotype's second level) the number of cases and their rate.
//
// Privacy (k = Service.MinGroupSize, default 5). A genotype group with fewer
// than k people is Hidden: its N and statistics are never filled in, here
// or in the CSV and JSON exports. Its people are also left out of the test,
// so that the test, with its N, is exactly the one the shown groups alone
// give, and comparing it with the shown groups reveals nothing about the
// hidden ones. Table.N counts the people shown. Table.LeftOut, the number of
// people in hidden groups, would give away the size of a single hidden
// group and narrow down several, so it is filled in only when every hidden
// group could still have any size from 1 to k-1 given that total (with m
// hidden groups: a total from m+k-2 to (m-1)(k-1)+1), and is 0 otherwise;
// the page learns that people were left out from the hidden groups
// themselves. A table with fewer than k people in all shows no groups and
// no test, only a Note.
//
// Test. The additive model regresses the phenotype on the count of A1
// copies with package association: linear regression for quantitative
// phenotypes (beta per copy of A1, its standard error, Student's t and p)
// and logistic regression for binary ones (odds ratio per copy of A1 with
// its 95% Wald interval, z and p), refitted by Firth's penalised likelihood
// where the estimate diverges (separation), as association's FirthFallback
// does. A1 follows PLINK 1.9 --linear and --logistic
// (association.PLINK1Linear): the minor allele among the people in the
// test, the .bim's allele 1 on a tie, where allele 1 is the first allele
// seen in profile id order among them; a PLINK run on a fileset of exactly
// those people, alleles in that order, counts the same allele. A marker
// with one genotype group shown, with one allele or with more than two
// among the people in the test, has no Test and a Note saying
// "not testable: " and why.
//
// Caching. A Service keeps, between pages, the catalog with every catalog
// phenotype's consenting values (small: 90,000 values for 10,000 people
// and 10 phenotypes), and each marker's calls in every stored record (a
// byte per record), the least recently used markers dropped past
// Service.CallsCacheBytes (16 MiB by default). Every request first reads
// the store's change counters (phenolink.Generations), which triggers move
// in the transaction of every write to the records, the values, the
// consents, the profiles or the catalog; what was read before a newer
// count is dropped, so a withdrawal leaves the very next page, and nothing
// read under an older count is served. A page reads only what is not kept
// (one CallsAt of the markers not asked for since), and pages asking at
// once for what is not kept wait for one read. After a write, what was
// kept is not read whole again where the store can say what changed
// (Service.Changes, the stores' logs of the profiles each write touched):
// only the values of the profiles touched since, or the calls of the
// records written since at the markers a page asks for, are read, from
// one snapshot, and laid over a copy of the rest; deleted profiles, which
// the logs do not name, are dropped by the ids of those still there, and
// the catalog, whose edits change no value, is read again. A phenotype
// added to the catalog, more than a thousand profiles (a hundred records)
// changed, or what was kept being older than the logs, mean a whole read;
// ten minutes after the last page nothing is kept (Service.Refresh). The
// calls of people who do not consent are kept as the store keeps them,
// and never enter a table: a table's people are those of the values.
package research
