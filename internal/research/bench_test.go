package research

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"phenolink/internal/phenolink"
)

// benchStore is 2,000 profiles with a value of every catalog phenotype
// and calls at 10 markers of minor-allele frequencies from 1% to 50%.
func benchStore(b *testing.B) (*memStore, []string) {
	s := newMemStore()
	rng := rand.New(rand.NewPCG(1, 2))
	var snps []string
	for j := range 10 {
		id := fmt.Sprintf("rs%d", 1000+j)
		s.marker(id, phenolink.Chromosome(j+1))
		snps = append(snps, id)
	}
	letters := []string{"A", "G"}
	for i := range 2000 {
		profile := fmtProfile(i)
		rec := make([]phenolink.Call, len(snps))
		for j := range snps {
			q := 0.01 + 0.49*float64(j)/9
			pick := func() string { return letters[b2i(rng.Float64() < q)] }
			c, err := phenolink.ParseCall(pick() + pick())
			if err != nil {
				b.Fatal(err)
			}
			rec[j] = c
		}
		s.genomes[profile] = rec
		for _, p := range s.catalog {
			v := p.Min + (p.Max-p.Min)*rng.Float64()
			if p.Kind == phenolink.Binary {
				v = math.Round(rng.Float64())
			}
			s.setValue(profile, p.ID, v)
		}
	}
	return s, snps
}

// BenchmarkResults measures the whole results page over in-memory stores:
// 2,000 profiles, 10 SNPs, every catalog phenotype.
func BenchmarkResults(b *testing.B) {
	s, snps := benchStore(b)
	svc := s.service(5)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := svc.Results(ctx, snps, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Tables) != len(snps)*len(s.catalog) {
			b.Fatalf("%d tables", len(r.Tables))
		}
	}
}
