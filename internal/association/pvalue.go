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
	if math.IsNaN(t) || df <= 0 {
		return PValue{P: math.NaN(), MinusLog10: math.NaN()}
	}
	t2 := t * t
	x := df / (df + t2)
	if t2 < 1 || x > 1e-6 {
		p := mathext.RegIncBeta(df/2, 0.5, x)
		if p >= tinyP {
			return PValue{P: p, MinusLog10: -math.Log10(p)}
		}
	}
	// Far tail: x = df/(df+t^2) loses nothing when computed as such, and
	// the continued fraction gives log I_x directly.
	return pFromLog(logRegIncBeta(df/2, 0.5, x, math.Log(df)-math.Log(df+t2), math.Log(t2)-math.Log(df+t2)))
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
