package association

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// chiSquareMedian is the median of a chi-square with one degree of
// freedom, the denominator of the genomic inflation factor.
const chiSquareMedian = 0.4549364231195724

// InflationFactor returns the genomic control lambda of the tested
// results: the median of the 1-df chi-square statistics that their
// p-values correspond to, over 0.4549364. Untested markers are skipped; NaN
// when none was tested. Working from p keeps t and z tests comparable.
func InflationFactor(results []Result) float64 {
	chi := make([]float64, 0, len(results))
	for _, r := range results {
		if r.NotTestable == "" && !math.IsNaN(r.P.MinusLog10) {
			chi = append(chi, chiSquareFromP(r.P))
		}
	}
	if len(chi) == 0 {
		return math.NaN()
	}
	slices.Sort(chi)
	mid := len(chi) / 2
	med := chi[mid]
	if len(chi)%2 == 0 {
		med = (chi[mid-1] + chi[mid]) / 2
	}
	return med / chiSquareMedian
}

// chiSquareFromP inverts the two-sided normal p-value: chi2 = z^2 with
// p = 2 Phi(-|z|). Only the middle of the distribution sets the median,
// so p's below float64's range may saturate.
func chiSquareFromP(p PValue) float64 {
	pp := p.P
	if pp <= 0 {
		pp = math.SmallestNonzeroFloat64
	}
	z := distuv.UnitNormal.Quantile(pp / 2)
	return z * z
}

// ExpectedMinusLog10 returns the -log10 p-values expected under the null
// for m tests, largest first, to pair with the observed -log10 p sorted
// the same way on a QQ plot: -log10((i - 0.5)/m) for i = 1..m.
func ExpectedMinusLog10(m int) []float64 {
	out := make([]float64, m)
	for i := range out {
		out[i] = -math.Log10((float64(i) + 0.5) / float64(m))
	}
	return out
}

// ManhattanPoint is one marker on a Manhattan plot.
type ManhattanPoint struct {
	Chrom      string
	Pos        int64
	ID         string
	MinusLog10 float64
}

// ManhattanPoints returns the tested markers' positions and -log10 p in
// input order; thinning them for display is the caller's concern.
func ManhattanPoints(results []Result) []ManhattanPoint {
	out := make([]ManhattanPoint, 0, len(results))
	for _, r := range results {
		if r.NotTestable == "" {
			out = append(out, ManhattanPoint{Chrom: r.Chrom, Pos: r.Pos, ID: r.ID, MinusLog10: r.P.MinusLog10})
		}
	}
	return out
}

// QQPoints returns observed -log10 p sorted largest first with the expected
// value for each, for the tested markers.
func QQPoints(results []Result) (observed, expected []float64) {
	for _, r := range results {
		if r.NotTestable == "" {
			observed = append(observed, r.P.MinusLog10)
		}
	}
	slices.SortFunc(observed, func(a, b float64) int { return -cmpFloat(a, b) })
	return observed, ExpectedMinusLog10(len(observed))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
