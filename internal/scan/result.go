package scan

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"

	"phenolink/internal/phenolink"
)

// Result is one tested marker of a scan. Beta is per copy of A1: the
// change in a quantitative phenotype, or the log odds ratio of a binary
// one; Stat is Student's t or the Wald z.
type Result struct {
	Marker phenolink.Marker
	A1, A2 string  // the counted allele and the other one
	N      int     // samples in the regression
	MAF    float64 // minor-allele frequency over the cohort's calls
	Beta   float64
	SE     float64
	Stat   float64
	P      float64 // 0 below 1e-300: use Log10P
	Log10P float64 // -log10 p, exact where P underflows
}

// Results are a scan's tested markers in index order.
type Results []Result

// TopHits returns the n results with the smallest p-values, smallest
// first; ties keep index order.
func (r Results) TopHits(n int) []Result {
	if n <= 0 {
		return nil
	}
	// Keep the best n seen so far, best first: a scan has hundreds of
	// thousands of results and a page wants a few, so most results cost one
	// comparison with the worst kept, where sorting them all cost a stable
	// sort of the whole scan on every view.
	top := make([]int, 0, min(n, len(r)))
	for i := range r {
		v := r[i].Log10P
		if len(top) == n && !(v > r[top[n-1]].Log10P) {
			continue
		}
		// After every kept result at least as small in p: ties keep index
		// order.
		at := len(top)
		for at > 0 && v > r[top[at-1]].Log10P {
			at--
		}
		if len(top) < n {
			top = append(top, 0)
		}
		copy(top[at+1:], top[at:len(top)-1])
		top[at] = i
	}
	out := make([]Result, len(top))
	for k, i := range top {
		out[k] = r[i]
	}
	return out
}

func cmpLog10P(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// chiSquareMedian is the median of a chi-square with one degree of
// freedom.
const chiSquareMedian = 0.4549364231195724

// Lambda returns the genomic inflation factor: the median 1-df chi-square
// statistic that the p-values correspond to, over 0.4549364; NaN for no
// results. Working from p keeps t and z tests comparable, as package
// association's InflationFactor does.
func (r Results) Lambda() float64 {
	if len(r) == 0 {
		return math.NaN()
	}
	chi := make([]float64, len(r))
	for i, x := range r {
		p := x.P
		if p <= 0 {
			p = math.SmallestNonzeroFloat64
		}
		z := distuv.UnitNormal.Quantile(p / 2)
		chi[i] = z * z
	}
	slices.Sort(chi)
	mid := len(chi) / 2
	med := chi[mid]
	if len(chi)%2 == 0 {
		med = (chi[mid-1] + chi[mid]) / 2
	}
	return med / chiSquareMedian
}

// csvHeader names WriteCSV's columns.
const csvHeader = "chrom,pos,id,a1,a2,n,maf,beta,se,stat,p,log10p\n"

// WriteCSV writes the results as comma-separated text with a header, one
// row per marker in index order; p is written as 0 where it underflows,
// with log10p (-log10 p) exact.
func WriteCSV(w io.Writer, r Results) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(csvHeader)
	var b []byte
	for i := range r {
		x := &r[i]
		b = append(b[:0], x.Marker.Chrom.String()...)
		b = append(b, ',')
		b = strconv.AppendUint(b, uint64(x.Marker.Pos), 10)
		b = append(b, ',')
		b = append(b, x.Marker.ID...)
		b = append(b, ',')
		b = append(b, x.A1...)
		b = append(b, ',')
		b = append(b, x.A2...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(x.N), 10)
		for _, v := range [...]float64{x.MAF, x.Beta, x.SE, x.Stat, x.P, x.Log10P} {
			b = append(b, ',')
			b = strconv.AppendFloat(b, v, 'g', 6, 64)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("scan.WriteCSV: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("scan.WriteCSV: %w", err)
	}
	return nil
}
