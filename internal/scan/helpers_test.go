package scan

import (
	"context"
	"math"
	"testing"

	"phenolink/internal/association"
	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
	"phenolink/internal/scan/scantest"
	"phenolink/internal/synth"
)

// newCohort stores a synthetic cohort with one strong effect planted on a
// common autosomal marker, and returns the store and what it holds.
func newCohort(t testing.TB, cfg scantest.Config) (*scantest.Store, *scantest.Cohort, Deps) {
	t.Helper()
	if cfg.Effects == nil {
		key, err := synth.Markers(cfg.Seed, cfg.Markers)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Effects = []synth.Effect{{Marker: commonAutosomal(key), Beta: 60}}
	}
	st := scantest.New()
	c, err := scantest.Populate(context.Background(), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st, c, Deps{Scans: st, Genotypes: st, Phenotypes: st}
}

// commonAutosomal returns the first autosomal marker with a common
// alternate allele, a good place to plant an effect.
func commonAutosomal(key []synth.Marker) int {
	for i, m := range key {
		if m.Chrom <= 22 && m.AltFreq > 0.3 && m.AltFreq < 0.7 {
			return i
		}
	}
	return 0
}

// referenceMarkers packs the cohort's genomes independently of the scan
// package: .bim allele 1 is the key's reference allele.
func referenceMarkers(c *scantest.Cohort, include func(i int) bool) []association.Marker {
	n := 0
	var order []int
	for i := range c.Profiles {
		if include(i) {
			order = append(order, i)
			n++
		}
	}
	genomes := make([][]phenolink.Call, len(order))
	for k, i := range order {
		genomes[k] = c.Individuals[i].Genome(c.Key)
	}
	out := make([]association.Marker, len(c.Key))
	for j, m := range c.Key {
		// The first sample's allele, in profile order, is .bim allele 1,
		// as the scan orients markers (the allele counted is chosen by
		// frequency either way, but association's collinearity check on
		// X is not quite orientation-free).
		a1, a2 := m.Ref, m.Alt
		for k := range order {
			if call := genomes[k][j]; call.IsCalled() {
				if call.First() == m.Alt {
					a1, a2 = m.Alt, m.Ref
				}
				break
			}
		}
		rec := make([]byte, plinkfile.RecordLen(n))
		for k := range order {
			call := genomes[k][j]
			g := uint8(plinkfile.Missing)
			if call.IsCalled() {
				d := synth.Dosage(m, call)
				if call.IsHaploid() {
					d *= 2
				}
				if a1 == m.Alt {
					d = 2 - d
				}
				g = [3]uint8{plinkfile.HomAllele1, plinkfile.Het, plinkfile.HomAllele2}[d]
			}
			plinkfile.SetGenotype(rec, k, g)
		}
		out[j] = association.Marker{Chrom: phenolink.Chromosome(m.Chrom).String(), ID: m.ID, Pos: int64(m.Pos),
			Allele1: string(phenolink.AlleleLetter(a1)), Allele2: string(phenolink.AlleleLetter(a2)), Genotypes: rec}
	}
	return out
}

func markerSeq(ms []association.Marker) func(func(*association.Marker, error) bool) {
	return func(yield func(*association.Marker, error) bool) {
		for i := range ms {
			if !yield(&ms[i], nil) {
				return
			}
		}
	}
}

func plinkSex(ind synth.Individual) int {
	if ind.Sex == synth.Male {
		return plinkfile.SexMale
	}
	return plinkfile.SexFemale
}

// sameResult compares a scan result with association's own, allowing the
// counted allele to differ only with Beta's sign.
func sameResult(t *testing.T, got Result, want association.Result) {
	t.Helper()
	sign := 1.0
	if got.A1 != want.A1 {
		if got.A1 != want.A2 || got.A2 != want.A1 {
			t.Errorf("%s: alleles %s/%s, want %s/%s", want.ID, got.A1, got.A2, want.A1, want.A2)
			return
		}
		sign = -1
	}
	if got.N != want.N || !near(got.Beta, sign*want.Beta) || !near(got.SE, want.SE) || !near(got.Stat, sign*want.Stat) ||
		!near(got.P, want.P.P) || !near(got.Log10P, want.P.MinusLog10) {
		t.Errorf("%s: got N=%d beta=%g se=%g stat=%g p=%g log10p=%g, want N=%d beta=%g se=%g stat=%g p=%g log10p=%g",
			want.ID, got.N, got.Beta, got.SE, got.Stat, got.P, got.Log10P, want.N, sign*want.Beta, want.SE, sign*want.Stat, want.P.P, want.P.MinusLog10)
	}
}

func near(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// compareAll checks that the scan tested exactly the markers association
// could test, with the same numbers.
func compareAll(t *testing.T, got Results, want []association.Result) {
	t.Helper()
	byID := map[string]Result{}
	for _, r := range got {
		byID[r.Marker.ID] = r
	}
	tested := 0
	for _, w := range want {
		if w.NotTestable != "" {
			if _, ok := byID[w.ID]; ok {
				t.Errorf("%s was tested; association says %s", w.ID, w.NotTestable)
			}
			continue
		}
		tested++
		g, ok := byID[w.ID]
		if !ok {
			t.Errorf("%s is missing from the scan", w.ID)
			continue
		}
		sameResult(t, g, w)
	}
	if tested != len(got) {
		t.Errorf("scan tested %d markers, association %d", len(got), tested)
	}
}
