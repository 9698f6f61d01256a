package research

import "phenolink/internal/phenolink"

// DefaultMinGroupSize is k when Service.MinGroupSize is zero: no genotype
// group with fewer people is shown or exported.
const DefaultMinGroupSize = 5

// Report is the per-SNP results page: one Table per known marker and
// phenotype, markers in the order asked, phenotypes in catalog order (or
// the order asked).
type Report struct {
	MinGroupSize int      // k: groups with fewer people are hidden
	Unknown      []string // asked-for ids that are not in the marker index
	Tables       []Table
}

// Table relates one phenotype to one marker.
type Table struct {
	Marker    phenolink.IndexedMarker
	Phenotype phenolink.Phenotype
	// N is the number of people in the shown groups, who are also the
	// people in the test.
	N int
	// LeftOut is the number of people in hidden groups, left out of the
	// test, when it cannot give away a hidden group's size (see the package
	// doc); 0 otherwise, even when some are left out.
	LeftOut int
	// Groups are the genotype groups: diploid calls by copies of A1 (two,
	// one, none), each haploid call after the diploid one with the same
	// copies, then calls outside the test's two alleles. Empty when fewer
	// than k people have a value and a call.
	Groups []Group
	// Test is the additive model's result, nil when not testable.
	Test *Test
	// Note explains a missing Test ("not testable: ..."), a table with
	// too few people, or a Firth estimate; empty otherwise.
	Note string
}

// Group is the people sharing one genotype. A Hidden group has fewer than k
// people and no numbers: N and every statistic stay zero.
type Group struct {
	Genotype string // the call, alleles sorted ("AG"), one letter when haploid
	// Dosage is the copies of A1 the test counts for this call (a haploid
	// call counts two, as PLINK stores it); -1 when the call has an allele
	// outside the test's two, or there is no A1.
	Dosage int
	N      int
	Hidden bool
	// Quantitative phenotypes: mean, sample standard deviation (n-1, NaN
	// for one person) and median. Zero for binary phenotypes.
	Mean, SD, Median float64
	// Binary phenotypes: people with value 1 (the second level) and their
	// share of N. Zero for quantitative phenotypes.
	Cases    int
	CaseRate float64
}

// Test models.
const (
	ModelLinear   = "linear"
	ModelLogistic = "logistic"
)

// Test is the additive model's fit over the shown groups' people.
type Test struct {
	Model string // ModelLinear or ModelLogistic
	A1    string // the counted allele
	A2    string // the other allele
	N     int    // people in the fit
	// Beta is the change in the phenotype per copy of A1 (linear), or the
	// log odds ratio per copy (logistic), with its standard error; Stat is
	// Student's t (linear) or the Wald z (logistic); P is two-sided and 0
	// when below 1e-300, where MinusLog10P still holds its size.
	Beta, SE, Stat, P float64
	MinusLog10P       float64
	// OR is exp(Beta) with its 95% Wald interval, logistic only (zero for
	// linear).
	OR, ORLow, ORHigh float64
	// Firth reports a logistic estimate from Firth's penalised likelihood,
	// used where a genotype (nearly) predicts the outcome.
	Firth bool
}
