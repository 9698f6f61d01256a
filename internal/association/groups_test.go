package association

import (
	"math"
	"testing"

	"phenolink/internal/plinkfile"
)

func TestGenotypeGroups(t *testing.T) {
	codes := []uint8{plinkfile.HomAllele1, plinkfile.HomAllele1, plinkfile.Het, plinkfile.Het, plinkfile.Het, plinkfile.Missing, plinkfile.HomAllele2, plinkfile.HomAllele1}
	y := []float64{1, 3, 2, 4, 9, 100, 5, math.NaN()}
	rec := make([]byte, plinkfile.RecordLen(len(codes)))
	for i, g := range codes {
		plinkfile.SetGenotype(rec, i, g)
	}
	got := GenotypeGroups(&Marker{Allele1: "A", Allele2: "G", Genotypes: rec}, y)
	want := [3]GenotypeGroup{
		{Genotype: "AA", Copies: 2, N: 2, Mean: 2, SD: math.Sqrt2, Median: 2},
		{Genotype: "AG", Copies: 1, N: 3, Mean: 5, SD: math.Sqrt(13), Median: 4},
		{Genotype: "GG", Copies: 0, N: 1, Mean: 5, SD: math.NaN(), Median: 5},
	}
	for k := range want {
		g, w := got[k], want[k]
		if g.Genotype != w.Genotype || g.Copies != w.Copies || g.N != w.N || !near(g.Mean, w.Mean) || !near(g.SD, w.SD) || !near(g.Median, w.Median) {
			t.Errorf("group %d = %+v, want %+v", k, g, w)
		}
	}
}

func TestInflationFactor(t *testing.T) {
	// p-values of 1-df chi-squares 0.1, 0.4549364 and 3: the median
	// statistic is the chi-square median, so lambda is 1.
	var rs []Result
	for _, chi := range []float64{0.1, chiSquareMedian, 3} {
		rs = append(rs, Result{P: ChiSquare1P(chi)})
	}
	rs = append(rs, Result{NotTestable: NotTestableMonomorphic})
	if got := InflationFactor(rs); math.Abs(got-1) > 1e-9 {
		t.Errorf("InflationFactor = %v, want 1", got)
	}
	// On the fixture's null markers lambda should be near 1.
	f := loadFixture(t, "testdata/plink")
	pr, _ := prepare(f.cohort(t, "qt", false))
	var res []Result
	for _, m := range f.markers {
		res = append(res, linearGeneric(pr, &m, PLINK2, PLINK2.xModel(false)))
	}
	if got := InflationFactor(res); got < 0.8 || got > 1.25 {
		t.Errorf("fixture lambda = %v, want about 1", got)
	}
}

func TestQQPoints(t *testing.T) {
	obs, exp := QQPoints([]Result{{P: PValue{MinusLog10: 1}}, {P: PValue{MinusLog10: 3}}, {NotTestable: "x"}})
	if len(obs) != 2 || obs[0] != 3 || obs[1] != 1 {
		t.Errorf("observed = %v, want [3 1]", obs)
	}
	if !near(exp[0], -math.Log10(0.25)) || !near(exp[1], -math.Log10(0.75)) {
		t.Errorf("expected = %v, want -log10 of 0.25 and 0.75", exp)
	}
}
