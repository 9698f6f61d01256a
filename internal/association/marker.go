package association

import "phenolink/internal/plinkfile"

// Marker is one marker's genotypes over the cohort, as a packed PLINK .bed
// record (see package plinkfile): code 00 is homozygous for Allele1, 01
// missing, 10 heterozygous, 11 homozygous for Allele2.
type Marker struct {
	Chrom     string // "1".."22", "X", "Y", "MT" or "23".."26"
	ID        string
	Pos       int64
	Allele1   string // .bim column 5
	Allele2   string // .bim column 6
	Genotypes []byte // RecordLen(cohort size) bytes; the scan copies it
}

// IsX reports whether the marker lies on the X chromosome outside the
// pseudo-autosomal region, where males carry one copy.
func (m *Marker) IsX() bool { return m.Chrom == "X" || m.Chrom == "23" || m.Chrom == "chrX" }

// Convention names the PLINK test whose rules a result follows: which
// allele is counted (A1), and how X-chromosome markers are coded. Beta's
// sign depends on the first; X markers' estimates on the second.
type Convention int

const (
	// PLINK2 follows PLINK 2 --glm: A1 is REF (.bim column 6) when its
	// frequency is below 0.5 and ALT (.bim column 5) otherwise, so ALT on a
	// tie; on X, males' calls count 0 or 2 copies and sex is a covariate.
	PLINK2 Convention = iota
	// PLINK1Linear follows PLINK 1.9 --linear and --logistic: A1 is the
	// minor allele, .bim column 5 on a tie; on X, males' calls count 0 or 1
	// copy and sex is a covariate.
	PLINK1Linear
	// PLINK1Assoc follows PLINK 1.9 --assoc on a quantitative trait: A1 as
	// PLINK1Linear; on X, males' calls count 0 or 2 copies as their .bed
	// homozygous codes say, and sex is not added.
	PLINK1Assoc
)

// xModel returns how c codes X markers; noXSex is PLINK's no-x-sex.
func (c Convention) xModel(noXSex bool) xModel {
	switch c {
	case PLINK1Linear:
		return xModel{maleScale: 0.5, addSex: !noXSex}
	case PLINK1Assoc:
		return xModel{maleScale: 1}
	}
	return xModel{maleScale: 1, addSex: !noXSex}
}

// Why a marker was not tested, in PLINK 2's ERRCODE words where it has one.
const (
	NotTestableMonomorphic = "CONST_OMITTED_ALLELE" // one genotype class (or none) among the samples used
	NotTestableTooFew      = "SAMPLE_CT<=PREDICTOR_CT"
	NotTestableCollinear   = "VIF_TOO_HIGH" // genotype nearly a combination of the covariates
	NotTestableNoConverge  = "UNFINISHED"   // logistic regression did not converge
	NotTestableSeparation  = "SEPARATION"   // logistic estimate diverges: a genotype predicts the outcome
)

// countsAllele1 reports whether A1 is the .bim's allele 1 (column 5), given
// allele 1's count c1 and allele 2's count c2 over the cohort.
func (c Convention) countsAllele1(c1, c2 float64) bool {
	if c == PLINK2 {
		// REF = allele 2 counted when its frequency is below 0.5.
		return !(c2 < c1)
	}
	return c1 <= c2
}

// alleleCounts counts each allele over all samples, males' X calls once:
// PLINK decides A1 on the whole fileset, phenotyped or not.
func alleleCounts(rec []byte, n int, male []bool, isX bool) (c1, c2 float64) {
	for i := range n {
		w := 1.0
		if isX && male[i] {
			w = 0.5
		}
		switch plinkfile.Genotype(rec, i) {
		case plinkfile.HomAllele1:
			c1 += 2 * w
		case plinkfile.HomAllele2:
			c2 += 2 * w
		case plinkfile.Het:
			if !(isX && male[i]) {
				c1++
				c2++
			}
		}
	}
	return c1, c2
}
