package association

import (
	"math"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// Cohort is what a scan regresses on: one phenotype value, sex and optional
// covariates per sample, in the sample order of the genotype records.
type Cohort struct {
	Phenotype  []float64   // NaN when missing; for a binary trait 0 = control, 1 = case
	Sex        []int       // plinkfile.SexMale, SexFemale or SexUnknown; nil if unknown for all
	Covariates [][]float64 // Covariates[j][i] is covariate j of sample i; NaN when missing
}

// prepared is a Cohort reduced to what every marker's regression shares: the
// samples with a phenotype and every covariate, the phenotype and
// covariates centred over them, and their cross-products.
type prepared struct {
	n      int       // samples in the genotype records
	valid  []bool    // sample has phenotype and all covariates
	male   []bool    // for X: counted as hemizygous
	y      []float64 // centred phenotype, 0 where not valid
	covs   [][]float64
	nValid int
	base   *normalEquations // intercept and covariates over the valid samples, genotype column zero
}

func prepare(c *Cohort) (*prepared, error) {
	n := len(c.Phenotype)
	if c.Sex != nil && len(c.Sex) != n {
		return nil, phenolink.Errorf(phenolink.EINVALID, "sex is given for %d samples, the phenotype for %d", len(c.Sex), n)
	}
	for j, col := range c.Covariates {
		if len(col) != n {
			return nil, phenolink.Errorf(phenolink.EINVALID, "covariate %d has %d values, the phenotype %d", j+1, len(col), n)
		}
	}
	pr := &prepared{n: n, valid: make([]bool, n), male: make([]bool, n), y: make([]float64, n)}
	for i := range n {
		ok := !math.IsNaN(c.Phenotype[i])
		for _, col := range c.Covariates {
			ok = ok && !math.IsNaN(col[i])
		}
		pr.valid[i] = ok
		if ok {
			pr.nValid++
		}
		pr.male[i] = c.Sex != nil && c.Sex[i] == plinkfile.SexMale
	}
	if pr.nValid == 0 {
		return nil, phenolink.Errorf(phenolink.EINVALID, "no sample has the phenotype and every covariate")
	}
	pr.y = centred(c.Phenotype, pr.valid, pr.nValid)
	for _, col := range c.Covariates {
		pr.covs = append(pr.covs, centred(col, pr.valid, pr.nValid))
	}
	pr.base = newNormalEquations(len(pr.covs) + 2)
	row := make([]float64, len(pr.covs)+2)
	for i := range n {
		if pr.valid[i] {
			pr.fillRow(row, i, 0)
			pr.base.add(row, pr.y[i], 1)
		}
	}
	if err := pr.checkCovariates(); err != nil {
		return nil, err
	}
	return pr, nil
}

// checkCovariates refuses covariates that are constant or collinear, as
// PLINK does for the whole run, since then no marker can be tested.
func (pr *prepared) checkCovariates() error {
	k := len(pr.covs) + 1
	if k == 1 {
		return nil
	}
	e := newNormalEquations(k)
	for i := range k {
		copy(e.xx[i*k:(i+1)*k], pr.base.xx[i*(k+1):i*(k+1)+k])
	}
	e.n = pr.base.n
	if !e.positiveDefinite() {
		return phenolink.Errorf(phenolink.EINVALID, "the covariates are constant or collinear over the %d samples with every value: drop one", pr.nValid)
	}
	return nil
}

func centred(v []float64, valid []bool, n int) []float64 {
	var sum float64
	for i, x := range v {
		if valid[i] {
			sum += x
		}
	}
	mean := sum / float64(n)
	out := make([]float64, len(v))
	for i, x := range v {
		if valid[i] {
			out[i] = x - mean
		}
	}
	return out
}

// fillRow writes sample i's predictors: intercept, covariates, dosage g.
func (pr *prepared) fillRow(row []float64, i int, g float64) {
	row[0] = 1
	for j, col := range pr.covs {
		row[j+1] = col[i]
	}
	row[len(row)-1] = g
}
