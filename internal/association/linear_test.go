package association

import (
	"math"
	"testing"
)

// TestLinearFastMatchesGeneric checks the table-driven paths against the
// sample-by-sample reference on every fixture marker, autosomal and X,
// with and without covariates, under each convention.
func TestLinearFastMatchesGeneric(t *testing.T) {
	f := loadFixture(t, "testdata/plink")
	for _, covs := range []bool{false, true} {
		pr, err := prepare(f.cohort(t, "qt", covs))
		if err != nil {
			t.Fatal(err)
		}
		tabs := newByteTables(pr)
		ws := newLinearWorkspace(pr, tabs)
		for _, conv := range []Convention{PLINK2, PLINK1Linear, PLINK1Assoc} {
			xm := conv.xModel(covs)
			xd, err := newXDesign(f.cohort(t, "qt", covs), xm)
			if err != nil {
				t.Fatal(err)
			}
			wsX := newLinearWorkspace(xd.pr, xd.tabs)
			for _, m := range f.markers {
				want := linearGeneric(pr, &m, conv, xm)
				var got Result
				switch {
				case !m.IsX():
					sums := make([]float64, tabs.stats)
					tabs.blockSums([]Marker{m}, sums)
					got = linearFast(pr, tabs, &m, conv, ws, sums)
				case xd.exact:
					xd.tabs.sums(m.Genotypes[:xd.tabs.recLen], wsX.sums)
					got = linearFastX(xd, &m, conv, wsX, wsX.sums)
				default:
					continue
				}
				if got.A1 != want.A1 || got.N != want.N || got.NotTestable != want.NotTestable ||
					!near(got.Beta, want.Beta) || !near(got.SE, want.SE) || !near(got.P.MinusLog10, want.P.MinusLog10) {
					t.Fatalf("covariates %v, %v, %s: fast %+v, reference %+v", covs, conv, m.ID, got, want)
				}
			}
		}
	}
}

func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}
