package association

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"phenolink/internal/plinkfile"
)

// distinct is how many different records benchData draws; the rest repeat
// them, which costs the scan the same and keeps set-up short.
const distinct = 2048

// benchData makes markers random packed records over n samples with 1% of
// calls missing, and a normal phenotype with two covariates.
func benchData(n, markers int) ([]Marker, *Cohort) {
	r := rand.New(rand.NewPCG(1, 2))
	ms := make([]Marker, markers)
	for k := range ms {
		if k >= distinct {
			ms[k] = ms[k%distinct]
			ms[k].ID = fmt.Sprint("rs", k)
			continue
		}
		rec := make([]byte, plinkfile.RecordLen(n))
		f := 0.05 + 0.9*r.Float64()
		for i := range n {
			g := uint8(plinkfile.HomAllele2)
			switch {
			case r.IntN(100) == 0:
				g = plinkfile.Missing
			case r.Float64() < f && r.Float64() < f:
				g = plinkfile.HomAllele1
			case r.Float64() < f:
				g = plinkfile.Het
			}
			plinkfile.SetGenotype(rec, i, g)
		}
		ms[k] = Marker{Chrom: "1", ID: fmt.Sprint("rs", k), Pos: int64(k), Allele1: "A", Allele2: "G", Genotypes: rec}
	}
	c := &Cohort{Phenotype: make([]float64, n), Sex: make([]int, n), Covariates: [][]float64{make([]float64, n), make([]float64, n)}}
	for i := range n {
		c.Phenotype[i] = r.NormFloat64()
		c.Sex[i] = 1 + r.IntN(2)
		c.Covariates[0][i] = float64(c.Sex[i])
		c.Covariates[1][i] = float64(20 + r.IntN(60))
	}
	return ms, c
}

// BenchmarkLinearScan reports the time per marker; multiply by 600,000 for
// a genome-wide scan.
func BenchmarkLinearScan(b *testing.B) {
	for _, n := range []int{500, 2000, 8000} {
		ms, c := benchData(n, 65536)
		for _, covs := range []bool{false, true} {
			cc := *c
			if !covs {
				cc.Covariates = nil
			}
			b.Run(fmt.Sprintf("N=%d/covariates=%v", n, covs), func(b *testing.B) {
				for b.Loop() {
					err := LinearScanEach(context.Background(), sliceMarkers(ms), &cc, Options{}, func(*Result) error { return nil })
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ms)), "ns/marker")
			})
		}
	}
}

// BenchmarkLogisticScan reports the time per marker of the logistic scan:
// popcount tables without covariates, Newton's method over every sample
// with them.
func BenchmarkLogisticScan(b *testing.B) {
	ms, c := benchData(2000, 4096)
	for i, y := range c.Phenotype {
		c.Phenotype[i] = 0
		if y > 0.3 {
			c.Phenotype[i] = 1
		}
	}
	for _, covs := range []bool{false, true} {
		cc := *c
		if !covs {
			cc.Covariates = nil
		}
		b.Run(fmt.Sprintf("N=2000/covariates=%v", covs), func(b *testing.B) {
			for b.Loop() {
				if _, err := LogisticScan(context.Background(), sliceMarkers(ms), &cc, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ms)), "ns/marker")
		})
	}
}

// BenchmarkTableSums times the table look-ups alone for a block of
// markers, per marker, with one statistic (no covariates) and three.
func BenchmarkTableSums(b *testing.B) {
	ms, c := benchData(2000, blockLen(plinkfile.RecordLen(2000)))
	for _, covs := range []bool{false, true} {
		cc := *c
		if !covs {
			cc.Covariates = nil
		}
		pr, err := prepare(&cc)
		if err != nil {
			b.Fatal(err)
		}
		tabs := newByteTables(pr)
		out := make([]float64, len(ms)*tabs.stats)
		b.Run(fmt.Sprintf("stats=%d", tabs.stats), func(b *testing.B) {
			for b.Loop() {
				tabs.blockSums(ms, out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ms)), "ns/marker")
		})
	}
}
