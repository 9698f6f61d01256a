package association

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// Reference values computed with 40-digit arbitrary-precision arithmetic
// (regularized incomplete beta and erfc).
func TestStudentTP(t *testing.T) {
	tests := []struct {
		t, df, p, mlog float64
	}{
		{0.5, 10, 0.62789360574297294, 0.20211393962787921},
		{2.5, 298, 0.012956720306395007, 1.8875049161421798},
		{40, 298, 7.8230270696577459e-122, 121.10662516698232},
		{60, 298, 2.0156144808940804e-168, 167.69559253017844},
		{200, 298, 0, 318.86294848423742},
		{1000, 1998, 0, 2699.3190784424906},
		{5, 3, 0.015392438073302301, 1.8126925849820349},
		{-1e8, 5, 1.8980334491124701e-39, 38.721696138253844},
		{0.7, 498, 0.48425416867592842, 0.31492663199210399},   // nearOne
		{1.2, 498, 0.23070989214612712, 0.63693378383879446},   // moderateT
		{1.9, 498, 0.058010456127696528, 1.2364937197252516},   // moderateT
		{1.05, 1998, 0.29384509676443347, 0.53188155172826675}, // moderateT
	}
	for _, tt := range tests {
		got := StudentTP(tt.t, tt.df)
		if !relClose(got.P, tt.p, 1e-10) || !relClose(got.MinusLog10, tt.mlog, 1e-10) {
			t.Errorf("StudentTP(%g, %g) = %+v, want p %g, -log10 p %g", tt.t, tt.df, got, tt.p, tt.mlog)
		}
	}
}

func TestNormalP(t *testing.T) {
	tests := []struct {
		z, p, mlog float64
	}{
		{1, 0.3173105078629141, 0.4985155458279893},
		{-5, 5.7330314375838782e-7, 6.2416156767266733},
		{20, 5.5072482372124674e-89, 88.259065347411611},
		{37, 1.1451142445049154e-299, 298.94115118294594},
		{40, 0, 349.13597646368186},
		{100, 0, 2173.5705128733704},
		{1000, 0, 217150.33901199872},
	}
	for _, tt := range tests {
		got := NormalP(tt.z)
		if !relClose(got.P, tt.p, 1e-10) || !relClose(got.MinusLog10, tt.mlog, 1e-10) {
			t.Errorf("NormalP(%g) = %+v, want p %g, -log10 p %g", tt.z, got, tt.p, tt.mlog)
		}
	}
	if got := ChiSquare1P(400); !relClose(got.P, 5.5072482372124674e-89, 1e-10) {
		t.Errorf("ChiSquare1P(400) = %+v, want NormalP(20)", got)
	}
}

func relClose(got, want, rel float64) bool {
	if want == 0 {
		return got == 0
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// TestStudentTNearOne checks that the series StudentTP sums itself near
// p = 1 gives the very float64 RegIncBeta gives, over the degrees of
// freedom of cohorts small and large and statistics across and beyond
// the region where it applies, cached constants and not.
func TestStudentTNearOne(t *testing.T) {
	var s studentT
	dfs := []float64{1, 2, 3, 10, 97.5, 298, 340, 341, 342, 343, 498, 1998, 7998, maxCachedDF + 10}
	for df := 400.0; df < 520; df++ {
		dfs = append(dfs, df)
	}
	used := 0
	for _, df := range dfs {
		for i := 0; i <= 1000; i++ {
			tt := float64(i) / 250
			x := df / (df + tt*tt)
			want := mathext.RegIncBeta(df/2, 0.5, x)
			got, ok := s.nearOne(df, x)
			if !ok {
				continue
			}
			used++
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("df %g, t %g: series %v, RegIncBeta %v", df, tt, got, want)
			}
			if p := StudentTP(-tt, df).P; p != want {
				t.Fatalf("StudentTP(%g, %g) = %v, RegIncBeta %v", -tt, df, p, want)
			}
		}
	}
	if used == 0 {
		t.Fatal("the series was never used")
	}
}

// TestStudentTModerate checks the series StudentTP sums for |t| from
// about 1 to 2 against RegIncBeta, which it stands in for, over the
// degrees of freedom where it applies: the two agree to the continued
// fraction's truncation, under 3e-13, as six printed digits need.
func TestStudentTModerate(t *testing.T) {
	var s studentT
	dfs := []float64{340, 341, 342, 343, 400, 458, 477, 498, 998, moderateMaxDF, moderateMaxDF + 1, 1998}
	worst := 0.0
	used := 0
	for _, df := range dfs {
		for i := 0; i <= 500; i++ {
			tt := 0.9 + float64(i)/400
			x := df / (df + tt*tt)
			got, ok := s.moderateT(df, x)
			if !ok {
				continue
			}
			used++
			want := mathext.RegIncBeta(df/2, 0.5, x)
			worst = max(worst, math.Abs(got/want-1))
			if !relClose(got, want, 3e-13) {
				t.Errorf("df %g, t %g: series %v, RegIncBeta %v", df, tt, got, want)
			}
		}
	}
	if used == 0 {
		t.Fatal("the series was never used")
	}
	t.Logf("%d values, largest relative difference %.3g", used, worst)
}

// TestStudentTWindow checks that the constants studentT keeps give the
// same p as none kept, whichever way the degrees of freedom move from the
// first seen, and that the window stays within maxCachedSpan.
func TestStudentTWindow(t *testing.T) {
	var s studentT
	dfs := []float64{9000, 8990, 9001, 8000, 5000, 12000, 8999.5, 100, 9002}
	for _, df := range dfs {
		for _, tt := range []float64{0.1, 0.7, 1.3, 1.9, 3, 8} {
			if got, want := s.p(tt, df), StudentTP(tt, df); math.Float64bits(got.P) != math.Float64bits(want.P) || math.Float64bits(got.MinusLog10) != math.Float64bits(want.MinusLog10) {
				t.Fatalf("df %g, t %g: kept constants give %+v, none kept %+v", df, tt, got, want)
			}
		}
		if len(s.consts) > maxCachedSpan {
			t.Fatalf("after df %g the window holds %d degrees of freedom, more than %d", df, len(s.consts), maxCachedSpan)
		}
	}
	if s.lo != 5000 || len(s.consts) != 4003 {
		t.Errorf("the window is %d degrees of freedom from %d; want 4003 from 5000", len(s.consts), s.lo)
	}
}
