package association

import "math"

// maxVIF is PLINK's default --vif threshold: a genotype whose variance
// inflation factor against the covariates exceeds it is not tested.
const maxVIF = 50

// normalEquations holds X'X, X'y and y'y of a regression whose last column
// is the genotype dosage; the first column is the intercept.
type normalEquations struct {
	p   int       // number of predictors, the genotype last
	xx  []float64 // p*p, row-major, symmetric
	xy  []float64 // p
	yy  float64
	n   float64 // samples
	buf []float64
	pt  studentT // the p-values' cache
}

func newNormalEquations(p int) *normalEquations {
	return &normalEquations{p: p, xx: make([]float64, p*p), xy: make([]float64, p), buf: make([]float64, p*p+p)}
}

// fit solves the regression by Cholesky factorisation and fills beta, se, t
// and p of the genotype (the last column) into r. With X'X = LL' and
// Lz = X'y, the genotype's coefficient is z_p/L_pp, its variance
// sigma^2/L_pp^2, and the residual sum of squares is y'y - z'z.
func (e *normalEquations) fit(r *Result) {
	p := e.p
	df := e.n - float64(p)
	if df < 1 {
		r.setNotTestable(NotTestableTooFew)
		return
	}
	l, z := e.buf[:p*p], e.buf[p*p:]
	for i := range p {
		for j := 0; j <= i; j++ {
			s := e.xx[i*p+j]
			for k := range j {
				s -= l[i*p+k] * l[j*p+k]
			}
			if i == j {
				if s <= 0 {
					r.setNotTestable(NotTestableCollinear)
					return
				}
				l[i*p+i] = math.Sqrt(s)
			} else {
				l[i*p+j] = s / l[j*p+j]
			}
		}
	}
	rss := e.yy
	for i := range p {
		s := e.xy[i]
		for k := range i {
			s -= l[i*p+k] * z[k]
		}
		z[i] = s / l[i*p+i]
		rss -= z[i] * z[i]
	}
	lpp := l[p*p-1]
	// Variance of the dosage around its mean, to compare with the part
	// that the covariates leave (L_pp^2): their ratio is the VIF.
	ssg := e.xx[p*p-1] - e.xy0g()
	if lpp*lpp*maxVIF < ssg {
		r.setNotTestable(NotTestableCollinear)
		return
	}
	sigma := math.Sqrt(math.Max(rss, 0) / df)
	r.Beta = z[p-1] / lpp
	r.SE = sigma / lpp
	r.Stat = z[p-1] / sigma
	r.P = e.pt.p(r.Stat, df)
	r.R2 = math.NaN()
	if p == 2 {
		syy := e.yy - e.xy[0]*e.xy[0]/e.n
		r.R2 = z[1] * z[1] / syy
	}
}

// xy0g is (sum of dosage)^2/n, the dosage's uncentered-to-centered
// correction, read from the intercept row of X'X.
func (e *normalEquations) xy0g() float64 {
	sg := e.xx[e.p-1]
	return sg * sg / e.n
}

// add accumulates one sample with weight w (-1 removes it).
func (e *normalEquations) add(row []float64, y, w float64) {
	p := e.p
	for a := range p {
		wa := w * row[a]
		for b := range p {
			e.xx[a*p+b] += wa * row[b]
		}
		e.xy[a] += wa * y
	}
	e.yy += w * y * y
	e.n += w
}

func (e *normalEquations) copyFrom(o *normalEquations) {
	copy(e.xx, o.xx)
	copy(e.xy, o.xy)
	e.yy, e.n = o.yy, o.n
}

func (e *normalEquations) positiveDefinite() bool {
	p := e.p
	l := e.buf[:p*p]
	for i := range p {
		for j := 0; j <= i; j++ {
			s := e.xx[i*p+j]
			for k := range j {
				s -= l[i*p+k] * l[j*p+k]
			}
			if i == j {
				if s <= 1e-9*e.xx[i*p+i] {
					return false
				}
				l[i*p+i] = math.Sqrt(s)
			} else {
				l[i*p+j] = s / l[j*p+j]
			}
		}
	}
	return true
}
