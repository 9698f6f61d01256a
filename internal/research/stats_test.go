package research

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// close reports whether got is within a relative 1e-9 of want.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

func checkNear(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !near(got, want) {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}

// heightCohort stores 17 people at rs1: AA 5, AG 6 (half written "GA"),
// GG 6, the first profile an AG so that allele 1 is A.
func heightCohort(t *testing.T) *memStore {
	s := newMemStore()
	s.person(t, "rs1", "AG", "height_mm", 1650)
	s.group(t, "rs1", "AA", "height_mm", 1700, 1720, 1680, 1750, 1710)
	s.group(t, "rs1", "GA", "height_mm", 1690, 1700)
	s.group(t, "rs1", "AG", "height_mm", 1660, 1720, 1680)
	s.group(t, "rs1", "GG", "height_mm", 1600, 1640, 1620, 1660, 1630, 1610)
	return s
}

// TestQuantitativeByHand checks the groups and the linear test against
// values computed by hand (mpmath at 40 digits for the p-value).
func TestQuantitativeByHand(t *testing.T) {
	s := heightCohort(t)
	tab := onlyTable(t, results(t, s.service(5), []string{"rs1"}, "height_mm"))
	want := []Group{
		{Genotype: "AA", Dosage: 2, N: 5, Mean: 1712, SD: 25.88435821108957, Median: 1710},
		{Genotype: "AG", Dosage: 1, N: 6, Mean: 1683.3333333333333, SD: 25.81988897471611, Median: 1685},
		{Genotype: "GG", Dosage: 0, N: 6, Mean: 1626.6666666666667, SD: 21.602468994692867, Median: 1625},
	}
	if len(tab.Groups) != len(want) {
		t.Fatalf("groups %+v, want %+v", tab.Groups, want)
	}
	for i, g := range tab.Groups {
		w := want[i]
		if g.Genotype != w.Genotype || g.Dosage != w.Dosage || g.N != w.N || g.Hidden {
			t.Errorf("group %d = %+v, want %+v", i, g, w)
		}
		checkNear(t, w.Genotype+" mean", g.Mean, w.Mean)
		checkNear(t, w.Genotype+" sd", g.SD, w.SD)
		checkNear(t, w.Genotype+" median", g.Median, w.Median)
	}
	if tab.N != 17 || tab.LeftOut != 0 || tab.Note != "" {
		t.Errorf("N %d, LeftOut %d, Note %q; want 17, 0, none", tab.N, tab.LeftOut, tab.Note)
	}
	ts := tab.Test
	if ts == nil {
		t.Fatal("no test")
	}
	if ts.Model != ModelLinear || ts.A1 != "A" || ts.A2 != "G" || ts.N != 17 {
		t.Errorf("test %+v, want linear, A1 A, A2 G, N 17", ts)
	}
	checkNear(t, "beta", ts.Beta, 43.118279569892473)
	checkNear(t, "se", ts.SE, 7.4485426601224437)
	checkNear(t, "t", ts.Stat, 5.7888209193909172)
	if math.Abs(ts.P-3.5733184301816903e-5) > 1e-6*3.57e-5 {
		t.Errorf("p = %g, want 3.5733184301816903e-5", ts.P)
	}
	checkNear(t, "-log10 p", ts.MinusLog10P, -math.Log10(3.5733184301816903e-5))
	if ts.OR != 0 || ts.Firth {
		t.Errorf("a linear test has OR %g, Firth %v", ts.OR, ts.Firth)
	}
}

// TestBinaryByHand checks case counts and the logistic test on two
// genotypes, where the odds ratio is the 2x2 table's and its SE is
// sqrt(1/a+1/b+1/c+1/d).
func TestBinaryByHand(t *testing.T) {
	s := newMemStore()
	s.group(t, "rs3", "GG", "chronotype", 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0)
	s.group(t, "rs3", "AG", "chronotype", 1, 1, 1, 1, 1, 1, 1, 0, 0, 0)
	tab := onlyTable(t, results(t, s.service(5), []string{"rs3"}, "chronotype"))
	if len(tab.Groups) != 2 {
		t.Fatalf("groups %+v", tab.Groups)
	}
	ag, gg := tab.Groups[0], tab.Groups[1]
	if ag.Genotype != "AG" || ag.Dosage != 1 || ag.N != 10 || ag.Cases != 7 || gg.Genotype != "GG" || gg.Dosage != 0 || gg.N != 12 || gg.Cases != 4 {
		t.Errorf("groups %+v %+v, want AG 1 copy 7/10 cases, GG 0 copies 4/12", ag, gg)
	}
	checkNear(t, "AG rate", ag.CaseRate, 0.7)
	checkNear(t, "GG rate", gg.CaseRate, 4.0/12)
	if ag.Mean != 0 || ag.SD != 0 || ag.Median != 0 {
		t.Errorf("binary group has mean %g, sd %g, median %g", ag.Mean, ag.SD, ag.Median)
	}
	ts := tab.Test
	if ts == nil || ts.Model != ModelLogistic || ts.A1 != "A" || ts.N != 22 || ts.Firth {
		t.Fatalf("test %+v, want logistic on A over 22 people", ts)
	}
	checkNear(t, "beta", ts.Beta, 1.5404450409471489)
	checkNear(t, "se", ts.SE, 0.92259984619036014)
	checkNear(t, "z", ts.Stat, 1.6696784064164137)
	checkNear(t, "p", ts.P, 0.094983008287099201)
	checkNear(t, "OR", ts.OR, 4.6666666666666667)
	checkNear(t, "OR low", ts.ORLow, 0.76504744327309217)
	checkNear(t, "OR high", ts.ORHigh, 28.465917988832437)
}

// TestNotTestable checks that markers the additive model cannot use get
// no test and a note saying why.
func TestNotTestable(t *testing.T) {
	s := newMemStore()
	s.group(t, "rs10", "AA", "height_mm", 1600, 1700, 1800, 1650, 1750)
	s.group(t, "rs11", "AG", "height_mm", 1600, 1700, 1800, 1650, 1750)
	s.group(t, "rs11", "GG", "height_mm", 1600, 1700, 1800, 1650, 1750)
	s.group(t, "rs11", "AA", "height_mm", 1610, 1710, 1810, 1660, 1760)
	s.group(t, "rs12", "AG", "height_mm", 1600, 1700, 1800, 1650, 1750)
	s.group(t, "rs12", "CG", "height_mm", 1600, 1700, 1800, 1650, 1750)
	s.group(t, "rs13", "AG", "height_mm", 1700, 1700, 1700, 1700, 1700)
	s.group(t, "rs13", "GG", "height_mm", 1700, 1700, 1700, 1700, 1700)
	r := results(t, s.service(5), []string{"rs10", "rs11", "rs12", "rs13"}, "height_mm")
	want := map[string]string{
		"rs10": "same genotype", // one allele
		"rs12": "more than two alleles",
		"rs13": "same value",
	}
	for _, tab := range r.Tables {
		w, ok := want[tab.Marker.ID]
		if !ok {
			if tab.Test == nil {
				t.Errorf("%s: no test (%s)", tab.Marker.ID, tab.Note)
			}
			continue
		}
		if tab.Test != nil || !strings.HasPrefix(tab.Note, "not testable: ") || !strings.Contains(tab.Note, w) {
			t.Errorf("%s: test %+v, note %q; want none, a note saying %q", tab.Marker.ID, tab.Test, tab.Note, w)
		}
		if len(tab.Groups) == 0 || tab.N == 0 {
			t.Errorf("%s: an untestable marker still shows its groups, got %+v", tab.Marker.ID, tab.Groups)
		}
	}
	// One genotype group, two alleles: association says monomorphic.
	s = newMemStore()
	s.group(t, "rs14", "AG", "height_mm", 1600, 1700, 1800, 1650, 1750)
	tab := onlyTable(t, results(t, s.service(5), []string{"rs14"}, "height_mm"))
	if tab.Test != nil || tab.Note != "not testable: everyone shown has the same genotype." || tab.Groups[0].Dosage != -1 {
		t.Errorf("het-only marker: test %+v, note %q, groups %+v", tab.Test, tab.Note, tab.Groups)
	}
}

func TestParseSNPs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"rs1, rs2 i3", []string{"rs1", "rs2", "i3"}},
		{" RS53576,,rs53576\ti7001 ; I7001\n", []string{"rs53576", "i7001"}},
		{"VG07S29478", []string{"VG07S29478"}},
	} {
		got, err := ParseSNPs(tc.in)
		if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("ParseSNPs(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	many := strings.Repeat("rs1 ", 60) // repeats count once
	if got, err := ParseSNPs(many); err != nil || len(got) != 1 {
		t.Errorf("60 repeats of one id: %q, %v", got, err)
	}
	var ids []string
	for i := range MaxSNPs + 1 {
		ids = append(ids, "rs"+strings.Repeat("1", 1)+string(rune('0'+i%10))+string(rune('a'+i/10)))
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "at least one"},
		{" , ;", "at least one"},
		{strings.Join(ids, ","), "at most 50"},
		{"rs1 " + strings.Repeat("x", phenolink.MaxMarkerIDLength+1), "longer than 64"},
		{"rs1 rs\x002", "letters, digits"},
		{"rs1 rsé", "letters, digits"},
		{strings.Repeat("rs1,", 10000), "too long"},
	} {
		got, err := ParseSNPs(tc.in)
		if phenolink.ErrorCode(err) != phenolink.EINVALID || !strings.Contains(phenolink.ErrorMessage(err), tc.msg) || got != nil {
			t.Errorf("ParseSNPs(%.40q) = %q, %v; want EINVALID saying %q", tc.in, got, err, tc.msg)
		}
	}
}

// TestSortByValue checks the radix sort against a comparison sort on
// values of both signs, zeros of both signs, repeats, infinities and
// fractions, and that a NaN falls back to the comparison sort's order.
func TestSortByValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	pool := []float64{0, math.Copysign(0, -1), 1, -1, 1700, 1700.25, -720, math.Inf(1), math.Inf(-1), 5e-324, -5e-324, math.MaxFloat64}
	for _, n := range []int{0, 1, 2, 17, 1000} {
		order := make([]personValue, n)
		for i := range order {
			v := pool[rng.IntN(len(pool))]
			if rng.IntN(2) == 0 {
				v = math.Round(rng.NormFloat64()*1e4) / 4
			}
			order[i] = personValue{v, i}
		}
		want := slices.Clone(order)
		slices.SortStableFunc(want, func(a, b personValue) int { return cmp.Compare(a.value, b.value) })
		got := slices.Clone(order)
		sortByValue(got)
		seen := make([]bool, n)
		for i := range got {
			if seen[got[i].person] {
				t.Fatalf("n=%d: person %d twice", n, got[i].person)
			}
			seen[got[i].person] = true
			if got[i].value != want[i].value || order[got[i].person].value != got[i].value {
				t.Fatalf("n=%d: at %d got %+v, want value %v", n, i, got[i], want[i].value)
			}
		}
	}
	withNaN := []personValue{{3, 0}, {math.NaN(), 1}, {-2, 2}}
	sortByValue(withNaN)
	if !math.IsNaN(withNaN[0].value) || withNaN[1].value != -2 || withNaN[2].value != 3 {
		t.Errorf("with a NaN: %+v, want NaN, -2, 3", withNaN)
	}
}
