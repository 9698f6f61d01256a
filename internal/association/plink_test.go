package association

import (
	"context"
	"iter"
	"math"
	"strconv"
	"strings"
	"testing"
)

// plinkReport describes one PLINK output under testdata/plink and how to
// reproduce it.
type plinkReport struct {
	file       string
	pheno      string
	covariates bool
	conv       Convention
	digits     int       // significant digits PLINK prints
	logistic   bool      // OR column holds exp(beta)
	cols       [5]string // beta (or OR), SE, statistic, p, sample count
	// loose widens the comparison of SE, statistic and p for logistic
	// reports (see the notes in plinkReports): -1 for one unit of the
	// last digit, a positive number for a relative tolerance.
	loose float64
}

var plinkReports = []plinkReport{
	{"p19.qassoc", "qt", false, PLINK1Assoc, 4, false, [5]string{"BETA", "SE", "T", "P", "NMISS"}, 0},
	{"p19.assoc.linear", "qt", false, PLINK1Linear, 4, false, [5]string{"BETA", "", "STAT", "P", "NMISS"}, 0},
	{"p19cov.assoc.linear", "qt", true, PLINK1Linear, 4, false, [5]string{"BETA", "", "STAT", "P", "NMISS"}, 0},
	{"p2.qt.glm.linear", "qt", false, PLINK2, 6, false, [5]string{"BETA", "SE", "T_STAT", "P", "OBS_CT"}, 0},
	{"p2cov.qt.glm.linear", "qt", true, PLINK2, 6, false, [5]string{"BETA", "SE", "T_STAT", "P", "OBS_CT"}, 0},
	{"p19strong.assoc.linear", "qt_strong", false, PLINK1Linear, 4, false, [5]string{"BETA", "", "STAT", "P", "NMISS"}, 0},
	{"p2.qt_strong.glm.linear", "qt_strong", false, PLINK2, 6, false, [5]string{"BETA", "SE", "T_STAT", "P", "OBS_CT"}, 0},
	{"p2cov.qt_strong.glm.linear", "qt_strong", true, PLINK2, 6, false, [5]string{"BETA", "SE", "T_STAT", "P", "OBS_CT"}, 0},
	// PLINK 1.9 fits logistic models in single precision, so its printed
	// fourth digit is off by up to one unit, and a z near zero by ~1e-6.
	{"p19.assoc.logistic", "bin", false, PLINK1Linear, 4, true, [5]string{"OR", "SE", "STAT", "P", "NMISS"}, -1},
	{"p19cov.assoc.logistic", "bin", true, PLINK1Linear, 4, true, [5]string{"OR", "SE", "STAT", "P", "NMISS"}, -1},
	// PLINK 2 (v2.00a3.5) prints the converged odds ratio but takes the
	// standard error from the information matrix of the Newton step before
	// the last, so SE, z and p are off by up to the size of that step
	// (up to about 3% relative here, 0.1 in log10 p); its loose convergence also leaves
	// the odds ratio up to 1e-5 relative from the maximum (1e-3 for its
	// Firth fits). Rows where it fell back to Firth regression
	// (FIRTH? = Y) must be exactly the ones where this package does.
	{"p2.bin.glm.logistic.hybrid", "bin", false, PLINK2, 6, true, [5]string{"OR", "LOG(OR)_SE", "Z_STAT", "P", "OBS_CT"}, 0.03},
	{"p2cov.bin.glm.logistic.hybrid", "bin", true, PLINK2, 6, true, [5]string{"OR", "LOG(OR)_SE", "Z_STAT", "P", "OBS_CT"}, 0.03},
}

func sliceMarkers(ms []Marker) iter.Seq2[*Marker, error] {
	return func(yield func(*Marker, error) bool) {
		for i := range ms {
			if !yield(&ms[i], nil) {
				return
			}
		}
	}
}

func TestMatchesPLINK(t *testing.T) {
	f := loadFixture(t, "testdata/plink")
	checkReports(t, f, plinkReports)
}

func checkReports(t *testing.T, f *fixture, reports []plinkReport) {
	for _, rep := range reports {
		t.Run(rep.file, func(t *testing.T) {
			rows := readPlinkReport(t, f.dir+"/"+rep.file)
			opt := Options{Convention: rep.conv, NoXSex: rep.covariates, FirthFallback: rep.conv == PLINK2}
			c := f.cohort(t, rep.pheno, rep.covariates)
			var res []Result
			var err error
			if rep.logistic {
				res, err = LogisticScan(context.Background(), sliceMarkers(f.markers), c, opt)
			} else {
				res, err = LinearScan(context.Background(), sliceMarkers(f.markers), c, opt)
			}
			if err != nil {
				t.Fatal(err)
			}
			male := make([]bool, len(f.samples))
			for i, s := range f.samples {
				male[i] = s.Sex == 1
			}
			tested := 0
			for i, r := range res {
				row, ok := rows[r.ID]
				if !ok {
					t.Fatalf("%s: PLINK has no row", r.ID)
				}
				m := f.markers[i]
				c1, c2 := alleleCounts(m.Genotypes, len(f.samples), male, m.IsX())
				if !compareRow(t, rep, r, row, c1 == c2) {
					continue
				}
				if r.NotTestable == "" {
					tested++
				}
			}
			t.Logf("%d of %d markers tested and matched", tested, len(res))
			if tested < len(res)*9/10 {
				t.Errorf("only %d of %d markers tested", tested, len(res))
			}
		})
	}
}

// compareRow reports whether r matches PLINK's printed row; on a tie of
// allele counts PLINK's A1 may be either allele, and then only beta's and
// the statistic's signs may differ.
func compareRow(t *testing.T, rep plinkReport, r Result, row plinkRow, tie bool) bool {
	t.Helper()
	beta, se, stat, p := r.Beta, r.SE, r.Stat, r.P.P
	if a1, ok := row["A1"]; ok && a1 != r.A1 {
		if !tie {
			t.Errorf("%s: A1 %s, PLINK %s", r.ID, r.A1, a1)
			return false
		}
		beta, stat = -beta, -stat
	}
	if tie && rep.file == "p19.qassoc" {
		beta, stat = math.Abs(beta), math.Abs(stat)
	}
	if n, _ := strconv.Atoi(row[rep.cols[4]]); n != r.N {
		t.Errorf("%s: N %d, PLINK %d", r.ID, r.N, n)
	}
	if firth := row["FIRTH?"]; firth != "" && (firth == "Y") != r.Firth {
		t.Errorf("%s: PLINK FIRTH? %s, we %+v", r.ID, firth, r)
		return false
	}
	if row[rep.cols[3]] == "NA" {
		if r.NotTestable == "" {
			t.Errorf("%s: PLINK has NA, we have %+v", r.ID, r)
		}
		return false
	}
	if r.NotTestable != "" {
		t.Errorf("%s: not testable (%s), PLINK %v", r.ID, r.NotTestable, row)
		return false
	}
	if rep.logistic {
		beta = math.Exp(beta)
	}
	ok := true
	for k, v := range []float64{beta, se, stat} {
		col := rep.cols[k]
		if col == "" {
			continue
		}
		if tie && rep.file == "p19.qassoc" && k != 1 {
			row[col] = strconv.FormatFloat(math.Abs(parse(row[col])), 'g', -1, 64)
		}
		kk := k
		if k == 0 && r.Firth {
			kk = 4
		}
		if !printedMatch(v, row[col], rep.digits, 0.5) && !looseMatch(rep, kk, v, row[col]) {
			t.Errorf("%s: %s %.8g, PLINK printed %s", r.ID, col, v, row[col])
			ok = false
		}
	}
	if lo, has := row["L95"]; has && r.A1 == row["A1"] {
		// --ci 0.95: the Wald interval of the odds ratio.
		_, l95, u95 := r.OddsRatio()
		if !printedMatch(l95, lo, rep.digits, 1) || !printedMatch(u95, row["U95"], rep.digits, 1) {
			t.Errorf("%s: 95%% CI %.6g-%.6g, PLINK printed %s-%s", r.ID, l95, u95, lo, row["U95"])
			ok = false
		}
	}
	printedP := parse(row[rep.cols[3]])
	if printedP < tinyP {
		// PLINK 1.9 prints 0 below the smallest double; PLINK 2 prints
		// the p-value itself, exponent and all.
		if printedP == 0 && row[rep.cols[3]] == "0" && r.P.MinusLog10 > 300 {
			return ok
		}
		// One unit in the last printed digit is, on the log scale, at most
		// log10(1 + 10^(1-digits)).
		if math.Abs(-r.P.MinusLog10-printedLog10(row[rep.cols[3]])) > math.Log10(1+math.Pow(10, float64(1-rep.digits))) {
			t.Errorf("%s: -log10 p %.8g, PLINK printed p %s", r.ID, r.P.MinusLog10, row[rep.cols[3]])
		}
	} else if !printedMatch(p, row[rep.cols[3]], rep.digits, 1) && !looseMatch(rep, 3, p, row[rep.cols[3]]) {
		t.Errorf("%s: P %.8g, PLINK printed %s", r.ID, p, row[rep.cols[3]])
		ok = false
	}
	return ok
}

// looseMatch applies a logistic report's wider tolerance to column k
// (0 beta, 1 SE, 2 statistic, 3 p, 4 beta of a Firth fit).
func looseMatch(rep plinkReport, k int, v float64, s string) bool {
	switch {
	case rep.loose < 0: // single precision: one unit, or 1e-5 absolute
		return printedMatch(v, s, rep.digits, 1) || math.Abs(v-parse(s)) < 1e-5
	case rep.loose > 0 && k == 0: // odds ratio: loose convergence
		return math.Abs(v-parse(s)) <= 1e-5*math.Abs(parse(s))
	case rep.loose > 0 && k == 4: // Firth odds ratio: looser still
		return math.Abs(v-parse(s)) <= 1e-3*math.Abs(parse(s))
	case rep.loose > 0 && k == 3: // p: the SE error, amplified in the tail
		return math.Abs(math.Log10(v)-printedLog10(s)) <= 0.1
	case rep.loose > 0:
		return math.Abs(v-parse(s)) <= rep.loose*math.Abs(parse(s))+1e-5
	}
	return false
}

// printedLog10 reads log10 of a printed number whose exponent may lie far
// beyond float64's range, such as PLINK 2's "3.39616e-480".
func printedLog10(s string) float64 {
	mant, exp, found := strings.Cut(strings.ToLower(s), "e")
	e := 0.0
	if found {
		e = parse(exp)
	}
	return math.Log10(parse(mant)) + e
}

func parse(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// printedMatch reports whether v is within units of the last digit PLINK
// printed in s, given that PLINK prints digits significant digits.
func printedMatch(v float64, s string, digits int, units float64) bool {
	printed := parse(s)
	if math.IsNaN(printed) {
		return false
	}
	if printed == 0 {
		return math.Abs(v) < math.Pow(10, -float64(digits))
	}
	exp := math.Floor(math.Log10(math.Abs(printed)))
	ulp := math.Pow(10, exp-float64(digits-1))
	return math.Abs(v-printed) <= units*ulp*(1+1e-9)
}
