package association

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// tinyP is where a p-value is reported on the log scale only: below it a
// float64 p loses precision and soon underflows to zero.
const tinyP = 1e-300

// PValue is a two-sided p-value with its -log10, which stays exact where p
// itself underflows.
type PValue struct {
	P          float64 // 0 when below 1e-300: use MinusLog10
	MinusLog10 float64
}

func pFromLog(lnP float64) PValue {
	p := math.Exp(lnP)
	if p < tinyP {
		p = 0
	}
	return PValue{P: p, MinusLog10: -lnP / math.Ln10}
}

// StudentTP returns the two-sided p-value of statistic t with df degrees of
// freedom: P(|T| >= |t|) = I_x(df/2, 1/2) with x = df/(df+t^2).
func StudentTP(t, df float64) PValue {
	var s *studentT // no cache for one call
	return s.p(t, df)
}

// studentT computes StudentTP for many statistics, keeping for each
// whole number of degrees of freedom the beta function values and series
// coefficients that nearOne and moderateT need; a scan has only as many
// such numbers as it has counts of missing calls. The zero value is
// ready to use; each worker has its own.
type studentT struct {
	lo     int          // consts[i] is for lo+i degrees of freedom
	consts []betaConsts // a window of degrees of freedom, from the first seen
}

// betaConsts holds log B(1/2, df/2) and 1/B(1/2, df/2), computed as
// RegIncBeta computes them, and the series of moderateT once it is
// needed. A zero invBeta marks constants not yet computed: 1/B(1/2, df/2)
// is never 0.
type betaConsts struct {
	lbeta   float64
	invBeta float64
	series  *tSeries
}

// maxCachedDF bounds the degrees of freedom whose constants studentT
// keeps; larger cohorts compute them on each call, as they did before.
const maxCachedDF = 1 << 16

// maxCachedSpan bounds the window of degrees of freedom a studentT keeps:
// a cohort's tests have df from n-k down by the people without a call, a
// narrow range; a window from 0 would cost a model of 10,000 people 300 KB
// for a handful of tests.
const maxCachedSpan = 4096

// Constants of the Cephes incomplete beta function behind RegIncBeta:
// the unit roundoff, where Gamma overflows and the smallest log of a
// float64.
const (
	cephesMachEp = 1.0 / (1 << 53)
	cephesMaxGam = 171.624376956302725
	cephesMinLog = -1075 * math.Ln2
)

// p is StudentTP: nearOne or moderateT where they apply, RegIncBeta
// elsewhere, and the far tail on the log scale.
func (s *studentT) p(t, df float64) PValue {
	if math.IsNaN(t) || df <= 0 {
		return PValue{P: math.NaN(), MinusLog10: math.NaN()}
	}
	t2 := t * t
	x := df / (df + t2)
	if t2 < 1 || x > 1e-6 {
		p, ok := s.nearOne(df, x)
		if !ok {
			p, ok = s.moderateT(df, x)
		}
		if !ok {
			p = mathext.RegIncBeta(df/2, 0.5, x)
		}
		if p >= tinyP {
			return PValue{P: p, MinusLog10: -math.Log10(p)}
		}
	}
	// Far tail: x = df/(df+t^2) loses nothing when computed as such, and
	// the continued fraction gives log I_x directly.
	return pFromLog(logRegIncBeta(df/2, 0.5, x, math.Log(df)-math.Log(df+t2), math.Log(t2)-math.Log(df+t2)))
}

// nearOne returns I_x(df/2, 1/2) where RegIncBeta computes it as
// 1 - I_w(1/2, df/2), w = 1-x, by a power series in w: that is, where
// x > 0.95, x is above the mean df/(df+1) and w*df/2 <= 1, which holds
// for |t| below about sqrt(2), the bulk of a genome-wide scan. It takes
// the same steps in the same order as RegIncBeta, so the result is the
// same float64; only log B(1/2, df/2), three log-gamma calls, comes
// from the cache. ok is false outside that region.
func (s *studentT) nearOne(df, x float64) (p float64, ok bool) {
	aa := df / 2
	if !(x > 0.95) || x >= 1 || !(x > aa/(aa+0.5)) {
		return 0, false
	}
	w := 1 - x
	if !(aa*w <= 1) {
		return 0, false
	}
	// The series of I_w(a, b) with a = 1/2, b = df/2, whose terms
	// alternate in sign while n < b; summed from the third term on, then
	// the second and the first, as RegIncBeta sums them.
	const a = 0.5
	b := aa
	u := (1 - b) * w
	v := u / (a + 1)
	t1 := v
	term := u
	sum := 0.0
	for n := 2.0; math.Abs(v) > cephesMachEp/a; n++ {
		u = (n - b) * w / n
		term *= u
		v = term / (a + n)
		sum += v
	}
	sum += t1
	sum += 1 / a
	c := s.betaConsts(df)
	var q float64
	// w >= 2^-53 here, so |a log w| is far below the largest log, the
	// other condition of RegIncBeta's first branch.
	if a+b < cephesMaxGam {
		q = sum * c.invBeta * math.Pow(w, a)
	} else {
		lq := -c.lbeta + a*math.Log(w) + math.Log(sum)
		if lq >= cephesMinLog {
			q = math.Exp(lq)
		}
	}
	if q <= cephesMachEp {
		return 1 - cephesMachEp, true
	}
	return 1 - q, true
}

// betaConsts returns the constants for df degrees of freedom, from the
// cache when there is one (s is not nil) and df is a whole number below
// maxCachedDF, in a window of at most maxCachedSpan of them.
func (s *studentT) betaConsts(df float64) *betaConsts {
	i := int(df)
	if s == nil || float64(i) != df || i >= maxCachedDF {
		return newBetaConsts(df)
	}
	switch {
	case len(s.consts) == 0:
		s.lo, s.consts = i, make([]betaConsts, 1, 16)
	case i < s.lo && s.lo+len(s.consts)-i <= maxCachedSpan:
		s.consts = append(make([]betaConsts, s.lo-i, s.lo-i+len(s.consts)), s.consts...)
		s.lo = i
	case i >= s.lo+len(s.consts) && i+1-s.lo <= maxCachedSpan:
		s.consts = append(s.consts, make([]betaConsts, i+1-s.lo-len(s.consts))...)
	case i < s.lo || i >= s.lo+len(s.consts):
		return newBetaConsts(df) // outside the window
	}
	c := &s.consts[i-s.lo]
	if c.invBeta == 0 {
		*c = *newBetaConsts(df)
	}
	return c
}

func newBetaConsts(df float64) *betaConsts {
	aa := df / 2
	return &betaConsts{lbeta: mathext.Lbeta(0.5, aa), invBeta: 1.0 / mathext.Beta(0.5, aa)}
}

// moderateMaxAW bounds df/2 * (1-x) where moderateT applies: |t| up to
// about 2, so p above about 0.045 and 1-p costs p at most five bits.
const moderateMaxAW = 2

// moderateMaxDF bounds the degrees of freedom where moderateT stands in
// for RegIncBeta: the continued fraction's truncation, which moderateT
// does not share, grows with df, from 1e-13 of p at df = 500 to 4e-13 at
// 2,000 and 2e-12 at 8,000, and with it the chance that a sixth printed
// digit differs.
const moderateMaxDF = 1024

// moderateTerms is how many terms moderateT's series may take; at
// df/2 * (1-x) <= 2 the terms fall below 2^-60 of the sum within 30.
const moderateTerms = 40

// tSeries is what moderateT needs for one number of degrees of freedom.
type tSeries struct {
	k    float64 // 2/B(1/2, df/2), exactly rounded
	c    float64 // exp(log B - RegIncBeta's log B): RegIncBeta's error
	coef [moderateTerms]float64
}

// moderateT returns I_x(df/2, 1/2) where RegIncBeta sums a slowly
// converging continued fraction, 50 to 110 steps for df around 500: x
// above 0.95 but at most the mean df/(df+1), that is |t| from about 1,
// and df/2 * (1-x) <= moderateMaxAW, at df from 342 (RegIncBeta's
// log-space branch) to moderateMaxDF. It computes 1 - I_w(1/2, df/2),
// w = 1-x, from the positive series
//
//	I_w(1/2, b) = 2 sqrt(w) x^b / B(1/2, b) * sum_n (b+1/2)_n/(3/2)_n w^n
//
// whose coefficients it keeps per df. RegIncBeta's result carries the
// rounding of its log B(df/2, 1/2), the difference of two log-gamma
// values near 1,000 for df = 500 (about 1e-13); moderateT multiplies
// that same error in, and so differs from RegIncBeta by the continued
// fraction's own truncation alone, at most about 3e-13 of p up to
// moderateMaxDF, far below the six digits a report prints. ok is false
// outside the region.
func (s *studentT) moderateT(df, x float64) (p float64, ok bool) {
	aa := df / 2
	if !(x > 0.95) || x > aa/(aa+0.5) || aa+0.5 < cephesMaxGam || df > moderateMaxDF {
		return 0, false
	}
	w := 1 - x
	if !(aa*w <= moderateMaxAW) {
		return 0, false
	}
	c := s.betaConsts(df)
	if c.series == nil {
		c.series = newTSeries(aa, c.lbeta)
	}
	ts := c.series
	sum, pw := ts.coef[0], 1.0
	for n := 1; ; n++ {
		if n == moderateTerms {
			return 0, false
		}
		pw *= w
		term := ts.coef[n] * pw
		sum += term
		if term < sum*0x1p-60 {
			break
		}
	}
	q := ts.k * math.Sqrt(w) * math.Exp(aa*math.Log(x)) * sum
	return (1 - q) * ts.c, true
}

// newTSeries computes moderateT's constants for b = df/2 >= 171, given
// lbeta, log B(1/2, b) as RegIncBeta computes it: log B(1/2, b) again
// from the asymptotic series of log Gamma(b+1/2) - log Gamma(b), whose
// first omitted term is below 1e-20 there, where the difference of two
// log-gamma values would lose ten bits.
func newTSeries(b, lbetaRegInc float64) *tSeries {
	b2 := b * b
	r := 0.5*math.Log(b) - 1/(8*b) + 1/(192*b*b2) - 1/(640*b*b2*b2) + 17/(14336*b*b2*b2*b2)
	lbeta := 0.5*math.Log(math.Pi) - r
	ts := &tSeries{k: 2 * math.Exp(-lbeta), c: math.Exp(lbeta - lbetaRegInc)}
	ts.coef[0] = 1
	for n := 1; n < moderateTerms; n++ {
		k := float64(n - 1)
		ts.coef[n] = ts.coef[n-1] * (b + 0.5 + k) / (1.5 + k)
	}
	return ts
}

// logRegIncBeta is log I_x(a,b) for x below the mean a/(a+b), from the
// continued fraction of Numerical Recipes' betacf, with log x and
// log(1-x) passed in so that neither is rounded.
func logRegIncBeta(a, b, x, lnX, ln1mX float64) float64 {
	lga, _ := math.Lgamma(a)
	lgb, _ := math.Lgamma(b)
	lgab, _ := math.Lgamma(a + b)
	front := a*lnX + b*ln1mX - math.Log(a) - (lga + lgb - lgab)
	return front + math.Log(betaCF(a, b, x))
}

func betaCF(a, b, x float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 10000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return h
}

// NormalP returns the two-sided p-value of a standard normal statistic z.
func NormalP(z float64) PValue {
	if math.IsNaN(z) {
		return PValue{P: math.NaN(), MinusLog10: math.NaN()}
	}
	x := math.Abs(z) / math.Sqrt2
	if p := math.Erfc(x); p >= tinyP {
		return PValue{P: p, MinusLog10: -math.Log10(p)}
	}
	return pFromLog(logErfc(x))
}

// logErfc is log erfc(x) for large x (here x > 26), from the asymptotic
// series erfc(x) = exp(-x^2)/(x sqrt(pi)) * (1 - 1/(2x^2) + 3/(4x^4) - ...),
// whose terms are below 1e-16 of the sum after six terms at this range.
func logErfc(x float64) float64 {
	inv := 1 / (2 * x * x)
	sum, term := 1.0, 1.0
	for k := 1; k < 8; k++ {
		term *= -float64(2*k-1) * inv
		sum += term
	}
	return -x*x - math.Log(x) - 0.5*math.Log(math.Pi) + math.Log(sum)
}

// ChiSquare1P returns the upper-tail p-value of a chi-square statistic with
// one degree of freedom.
func ChiSquare1P(chi2 float64) PValue {
	if math.IsNaN(chi2) || chi2 < 0 {
		return PValue{P: math.NaN(), MinusLog10: math.NaN()}
	}
	return NormalP(math.Sqrt(chi2))
}
