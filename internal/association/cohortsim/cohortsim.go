// Package cohortsim writes deterministic simulated cohorts as PLINK 1
// filesets with a phenotype and a covariate file. The association tests
// compare Phenolink's scan with PLINK on these cohorts, and the scan
// benchmark uses them at genome scale. Every marker's genotypes come from its
// own seeded stream, so a cohort of any size is written marker by marker and
// the same arguments always give the same bytes.
//
// A cohort holds the cases the comparison must cover: markers with missing
// calls, monomorphic markers, markers whose two alleles have exactly equal
// counts, X-chromosome markers with haploid (homozygous-coded) male calls,
// and planted effects on a quantitative and a binary phenotype through a few
// causal markers, sex and age.
package cohortsim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"

	"phenolink/internal/plinkfile"
)

// Config sizes a cohort.
type Config struct {
	Samples int    // number of people
	Markers int    // number of markers
	Seed    uint64 // every output is a function of the config alone
}

// causal lists the markers (by index modulo Markers) with planted effects on
// the quantitative and the binary phenotype.
var causal = []struct {
	index      int
	qt, logOdd float64
}{{10, 0.45, 0.5}, {250, -0.3, -0.4}, {777, 0.2, 0.35}, {1500, 0.6, 0.7}}

// Write writes prefix.bed, .bim, .fam, .pheno (columns qt, bin coded
// 1 control and 2 case, and qt_strong, with an overwhelming effect) and .covar (columns sex, 1 male 2 female, and age).
func Write(prefix string, cfg Config) error {
	if cfg.Samples < 8 || cfg.Markers < 1 {
		return fmt.Errorf("cohortsim.Write(%q): want at least 8 samples and 1 marker, got %d and %d", prefix, cfg.Samples, cfg.Markers)
	}
	samples, sex, age := people(cfg)
	pheno := phenotypes(cfg, sex, age)
	w, err := plinkfile.Create(prefix, samples)
	if err != nil {
		return fmt.Errorf("cohortsim.Write(%q): %w", prefix, err)
	}
	rec := make([]byte, plinkfile.RecordLen(cfg.Samples))
	for m := range cfg.Markers {
		v := variant(cfg, m)
		genotypes(cfg, m, sex, rec)
		if err := w.Write(v, rec); err != nil {
			w.Close()
			return fmt.Errorf("cohortsim.Write(%q): %w", prefix, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("cohortsim.Write(%q): %w", prefix, err)
	}
	covar := &plinkfile.Table{Names: []string{"sex", "age"}}
	for i, s := range samples {
		covar.FID = append(covar.FID, s.FID)
		covar.IID = append(covar.IID, s.IID)
		covar.Rows = append(covar.Rows, []float64{float64(sex[i]), age[i]})
	}
	pheno.FID, pheno.IID = covar.FID, covar.IID
	for path, t := range map[string]*plinkfile.Table{prefix + ".pheno": pheno, prefix + ".covar": covar} {
		if err := writeTable(path, t); err != nil {
			return fmt.Errorf("cohortsim.Write(%q): %w", prefix, err)
		}
	}
	return nil
}

func writeTable(path string, t *plinkfile.Table) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = plinkfile.WriteTable(f, t)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func people(cfg Config) ([]plinkfile.Sample, []int, []float64) {
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	samples := make([]plinkfile.Sample, cfg.Samples)
	sex := make([]int, cfg.Samples)
	age := make([]float64, cfg.Samples)
	for i := range samples {
		sex[i] = plinkfile.SexMale + r.IntN(2)
		age[i] = float64(20 + r.IntN(61))
		if i%53 == 7 {
			age[i] = math.NaN() // a few people without a covariate
		}
		id := "s" + strconv.Itoa(i+1)
		samples[i] = plinkfile.Sample{FID: id, IID: id, Father: "0", Mother: "0", Sex: sex[i], Phenotype: "-9"}
	}
	return samples, sex, age
}

// phenotypes plants the effects: qt is normal around a sum of causal
// dosages, sex and age; bin is a logistic draw on the same predictors. About
// one person in thirty lacks each phenotype.
func phenotypes(cfg Config, sex []int, age []float64) *plinkfile.Table {
	n := cfg.Samples
	qt, logOdds := make([]float64, n), make([]float64, n)
	rec := make([]byte, plinkfile.RecordLen(n))
	for _, c := range causal {
		m := c.index % cfg.Markers
		genotypes(cfg, m, sex, rec)
		for i := range n {
			d := dosage(plinkfile.Genotype(rec, i))
			qt[i] += c.qt * d
			logOdds[i] += c.logOdd * d
		}
	}
	// qt_strong is almost a function of the first causal marker, so that
	// marker's p-value lies far below 1e-300.
	strong := make([]float64, n)
	genotypes(cfg, causal[0].index%cfg.Markers, sex, rec)
	for i := range n {
		strong[i] = 3 * dosage(plinkfile.Genotype(rec, i))
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0xfeed))
	t := &plinkfile.Table{Names: []string{"qt", "bin", "qt_strong"}, Rows: make([][]float64, n)}
	for i := range n {
		a := age[i]
		if math.IsNaN(a) {
			a = 50
		}
		y := 10 + qt[i] + 0.4*float64(sex[i]) + 0.02*a + r.NormFloat64()
		p := 1 / (1 + math.Exp(-(-0.8 + logOdds[i] + 0.3*float64(sex[i]-1) + 0.01*(a-50))))
		b := 1.0
		if r.Float64() < p {
			b = 2
		}
		if r.IntN(30) == 0 {
			y = math.NaN()
		}
		if r.IntN(30) == 0 {
			b = math.NaN()
		}
		t.Rows[i] = []float64{y, b, strong[i] + 0.05*r.NormFloat64()}
	}
	return t
}

// dosage counts allele 1 copies, treating missing as none: only the
// simulation uses it, to plant effects.
func dosage(g uint8) float64 {
	switch g {
	case plinkfile.HomAllele1:
		return 2
	case plinkfile.Het:
		return 1
	}
	return 0
}
