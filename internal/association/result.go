package association

import "math"

// Result is one marker's test. For a linear model Beta is the change in the
// phenotype per copy of A1 and Stat is Student's t; for a logistic model
// Beta is the log odds ratio per copy of A1 (OddsRatio gives exp) and Stat
// is the Wald z. Beta, SE, Stat and P are NaN when NotTestable is set.
type Result struct {
	Chrom   string
	ID      string
	Pos     int64
	A1      string // the counted allele
	A2      string // the other allele
	N       int    // samples in the regression
	Beta    float64
	SE      float64
	Stat    float64
	R2      float64 // linear models without covariates: squared correlation; NaN otherwise
	P       PValue
	Missing int  // phenotyped samples dropped for a missing call
	Firth   bool // logistic estimate from Firth's penalised likelihood
	// NotTestable says why the marker has no estimate, "" when it has one.
	NotTestable string
}

// OddsRatio returns exp(Beta) and its 95% Wald confidence interval, as
// PLINK's --logistic --ci 0.95 prints them.
func (r *Result) OddsRatio() (or, lo, hi float64) {
	const z975 = 1.959963984540054
	return math.Exp(r.Beta), math.Exp(r.Beta - z975*r.SE), math.Exp(r.Beta + z975*r.SE)
}

func (r *Result) setNotTestable(why string) {
	r.NotTestable = why
	r.Beta, r.SE, r.Stat, r.R2 = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	r.P = PValue{P: math.NaN(), MinusLog10: math.NaN()}
}
