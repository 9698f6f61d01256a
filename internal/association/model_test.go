package association

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// randomMarkers draws markers over n samples with the cases that take
// different paths: missing calls (none, some, all), monomorphic and
// all-heterozygous markers, X markers (where males' calls are haploid) and
// Y, and, when y is given, markers that separate its cases from its
// controls (which the logistic fit needs Firth's penalty for).
func randomMarkers(r *rand.Rand, n int, sex []int, y []float64) []Marker {
	var ms []Marker
	add := func(chrom string, gen func(i int) uint8) {
		rec := make([]byte, plinkfile.RecordLen(n))
		plinkfile.FillMissing(rec, n)
		for i := range n {
			plinkfile.SetGenotype(rec, i, gen(i))
		}
		ms = append(ms, Marker{Chrom: chrom, ID: fmt.Sprint("rs", len(ms)), Pos: int64(len(ms)), Allele1: "A", Allele2: "G", Genotypes: rec})
	}
	draw := func(f, miss float64) func(i int) uint8 {
		return func(i int) uint8 {
			switch {
			case r.Float64() < miss:
				return plinkfile.Missing
			case r.Float64() < f && r.Float64() < f:
				return plinkfile.HomAllele1
			case r.Float64() < f:
				return plinkfile.Het
			}
			return plinkfile.HomAllele2
		}
	}
	for _, chrom := range []string{"1", "X", "Y", "23"} {
		for _, miss := range []float64{0, 0.05, 0.3} {
			for _, f := range []float64{0.03, 0.2, 0.5, 0.8} {
				add(chrom, draw(f, miss))
			}
		}
		add(chrom, draw(0, 0.1))                                            // monomorphic
		add(chrom, draw(0, 1))                                              // no calls
		add(chrom, func(int) uint8 { return plinkfile.Het })                // one class on autosomes; on X males' hets are missing
		add(chrom, func(i int) uint8 { return uint8(i%2) * plinkfile.Het }) // hom1 and het only
		if chrom == "X" && sex != nil {
			// Males haploid: never heterozygous.
			g := draw(0.4, 0.02)
			add(chrom, func(i int) uint8 {
				c := g(i)
				if sex[i] == plinkfile.SexMale && c == plinkfile.Het {
					return plinkfile.HomAllele1
				}
				return c
			})
		}
		if y != nil {
			// Cases carry allele 1, controls do not: complete separation,
			// and quasi-complete with a few mixed.
			for _, mixed := range []int{0, 3} {
				add(chrom, func(i int) uint8 {
					switch {
					case math.IsNaN(y[i]):
						return plinkfile.Missing
					case i < mixed:
						return plinkfile.Het
					case y[i] == 1:
						return plinkfile.HomAllele1
					}
					return plinkfile.HomAllele2
				})
			}
		}
	}
	return ms
}

// randomCohort draws n samples' phenotype (binary or normal, 5% missing),
// sex (nil, or male, female and a few unknown) and covariates.
func randomCohort(r *rand.Rand, n int, binary, withSex bool, covariates int) *Cohort {
	c := &Cohort{Phenotype: make([]float64, n)}
	for i := range n {
		c.Phenotype[i] = r.NormFloat64() * 3
		if binary {
			c.Phenotype[i] = float64(r.IntN(2))
		}
		if r.IntN(20) == 0 {
			c.Phenotype[i] = math.NaN()
		}
	}
	if withSex {
		c.Sex = make([]int, n)
		for i := range n {
			c.Sex[i] = []int{plinkfile.SexMale, plinkfile.SexFemale, plinkfile.SexMale, plinkfile.SexFemale, plinkfile.SexUnknown}[r.IntN(5)]
		}
	}
	for range covariates {
		col := make([]float64, n)
		for i := range col {
			col[i] = r.NormFloat64()
			if r.IntN(50) == 0 {
				col[i] = math.NaN()
			}
		}
		c.Covariates = append(c.Covariates, col)
	}
	return c
}

// sameResult reports whether a and b are equal in every field, floats to
// the bit (any NaN equal to any NaN).
func sameResult(a, b Result) bool {
	same := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	return a.Chrom == b.Chrom && a.ID == b.ID && a.Pos == b.Pos && a.A1 == b.A1 && a.A2 == b.A2 &&
		a.N == b.N && a.Missing == b.Missing && a.Firth == b.Firth && a.NotTestable == b.NotTestable &&
		same(a.Beta, b.Beta) && same(a.SE, b.SE) && same(a.Stat, b.Stat) && same(a.R2, b.R2) &&
		same(a.P.P, b.P.P) && same(a.P.MinusLog10, b.P.MinusLog10)
}

// TestModelsMatchScans checks that fitting markers one at a time gives
// exactly, bit for bit, what a scan gives, on random cohorts of sizes
// around the record's byte and chunk boundaries, with and without sex and
// covariates (up to the five statistics that change how sums are added),
// under every convention, and that the draws reached every kind of result.
func TestModelsMatchScans(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	seen := map[string]int{}
	for _, n := range []int{7, 64, 257, 1030} {
		for _, binary := range []bool{false, true} {
			for _, withSex := range []bool{false, true} {
				for _, covs := range []int{0, 1, 4} {
					if binary && (covs == 4 && n < 64 || n > 300) {
						// Too few samples for so many predictors to mean
						// anything; and logistic fits sum no tables, so the
						// largest size, which crosses several of the linear
						// sums' chunks, only slows them down.
						continue
					}
					c := randomCohort(r, n, binary, withSex, covs)
					var y []float64
					if binary {
						y = c.Phenotype
					}
					ms := randomMarkers(r, n, c.Sex, y)
					for _, conv := range []Convention{PLINK2, PLINK1Linear, PLINK1Assoc} {
						for _, noXSex := range []bool{false, true} {
							opt := Options{Convention: conv, NoXSex: noXSex, FirthFallback: binary && !noXSex, Workers: 2}
							name := fmt.Sprintf("N=%d binary=%v sex=%v covariates=%d %v noXSex=%v", n, binary, withSex, covs, conv, noXSex)
							compareModel(t, name, c, ms, binary, opt, seen)
						}
					}
				}
			}
		}
	}
	for _, kind := range []string{"tested", "tested X", "Firth", NotTestableMonomorphic, NotTestableSeparation, "missing calls"} {
		if seen[kind] == 0 {
			t.Errorf("no marker was %q: the draws miss a case", kind)
		}
	}
}

func compareModel(t *testing.T, name string, c *Cohort, ms []Marker, binary bool, opt Options, seen map[string]int) {
	t.Helper()
	ctx := context.Background()
	var want []Result
	var err error
	var fit func(m *Marker) (Result, error)
	if binary {
		want, err = LogisticScan(ctx, sliceMarkers(ms), c, opt)
		lm, merr := NewLogisticModel(c, opt)
		if merr != nil {
			t.Fatalf("%s: NewLogisticModel: %v", name, merr)
		}
		fit = lm.Fit
	} else {
		want, err = LinearScan(ctx, sliceMarkers(ms), c, opt)
		lm, merr := NewLinearModel(c, opt)
		if merr != nil {
			t.Fatalf("%s: NewLinearModel: %v", name, merr)
		}
		fit = lm.Fit
	}
	if err != nil {
		t.Fatalf("%s: scan: %v", name, err)
	}
	for i := range ms {
		got, err := fit(&ms[i])
		if err != nil {
			t.Fatalf("%s, %s: %v", name, ms[i].ID, err)
		}
		if !sameResult(got, want[i]) {
			t.Errorf("%s, %s on %s:\nmodel %+v\nscan  %+v", name, ms[i].ID, ms[i].Chrom, got, want[i])
		}
		switch {
		case got.Firth:
			seen["Firth"]++
		case got.NotTestable != "":
			seen[got.NotTestable]++
		case ms[i].IsX():
			seen["tested X"]++
		default:
			seen["tested"]++
		}
		if got.Missing > 0 && got.NotTestable == "" {
			seen["missing calls"]++
		}
	}
}

// TestModelsRejectBadInput checks that the models refuse what the scans
// refuse, with an EINVALID error, and a record too short for the cohort.
func TestModelsRejectBadInput(t *testing.T) {
	cohorts := []struct {
		name   string
		cohort Cohort
		binary bool
	}{
		{"sex length", Cohort{Phenotype: []float64{1, 2}, Sex: []int{1}}, false},
		{"covariate length", Cohort{Phenotype: []float64{1, 2}, Covariates: [][]float64{{1}}}, false},
		{"no phenotype", Cohort{Phenotype: []float64{math.NaN(), math.NaN()}}, false},
		{"constant covariate", Cohort{Phenotype: []float64{1, 2, 3}, Covariates: [][]float64{{5, 5, 5}}}, false},
		{"binary coded 1/2", Cohort{Phenotype: []float64{1, 2}}, true},
		{"binary without phenotype", Cohort{Phenotype: []float64{math.NaN()}}, true},
	}
	for _, tt := range cohorts {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.binary {
				_, err = NewLogisticModel(&tt.cohort, Options{})
			} else {
				_, err = NewLinearModel(&tt.cohort, Options{})
			}
			if phenolink.ErrorCode(err) != phenolink.EINVALID {
				t.Errorf("err = %v, want an EINVALID error", err)
			}
		})
	}
	c := &Cohort{Phenotype: []float64{0, 1, 0, 1, 1}}
	short := &Marker{ID: "rs1", Chrom: "1", Genotypes: []byte{0}}
	lin, err := NewLinearModel(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lin.Fit(short); phenolink.ErrorCode(err) != phenolink.EINVALID {
		t.Errorf("linear Fit of a short record: err = %v, want an EINVALID error", err)
	}
	logit, err := NewLogisticModel(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := logit.Fit(short); phenolink.ErrorCode(err) != phenolink.EINVALID {
		t.Errorf("logistic Fit of a short record: err = %v, want an EINVALID error", err)
	}
}
