package research

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"phenolink/internal/association"
	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// person is one simulated participant at one marker.
type simPerson struct {
	profile string
	call    string
	value   float64
}

// simulate stores n people at marker id with a call drawn at allele
// frequency q of "G" (haploid for every third person when haploid) and a
// value from value(copies of G, rng).
func simulate(t *testing.T, s *memStore, rng *rand.Rand, id string, chrom phenolink.Chromosome, phenotype string, n int, q float64, haploid bool, value func(g int, rng *rand.Rand) float64) []simPerson {
	s.marker(id, chrom)
	var out []simPerson
	for i := range n {
		allele := func() string {
			if rng.Float64() < q {
				return "G"
			}
			return "A"
		}
		call := allele() + allele()
		if haploid && i%3 == 0 {
			call = allele()
		}
		g := 0
		for _, c := range call {
			if c == 'G' {
				g++
			}
		}
		if len(call) == 1 {
			g *= 2
		}
		out = append(out, simPerson{call: call, value: value(g, rng)})
		out[len(out)-1].profile = s.person(t, id, call, phenotype, out[len(out)-1].value)
	}
	return out
}

// associationResult fits people directly with package association: a
// .bed record with allele 1 the first allele seen, haploid calls stored
// homozygous, as PLINK stores them.
func associationResult(t *testing.T, id, chrom string, people []simPerson, binary bool) (association.Result, *association.Marker, []float64) {
	t.Helper()
	slices.SortFunc(people, func(a, b simPerson) int {
		if a.profile < b.profile {
			return -1
		}
		return 1
	})
	a1 := people[0].call[:1]
	a2 := "G"
	if a1 == "G" {
		a2 = "A"
	}
	rec := make([]byte, plinkfile.RecordLen(len(people)))
	y := make([]float64, len(people))
	for i, p := range people {
		y[i] = p.value
		copies := 0
		for _, c := range p.call {
			if string(c) == a1 {
				copies++
			}
		}
		if len(p.call) == 1 {
			copies *= 2
		}
		plinkfile.SetGenotype(rec, i, [3]uint8{plinkfile.HomAllele2, plinkfile.Het, plinkfile.HomAllele1}[copies])
	}
	m := &association.Marker{Chrom: chrom, ID: id, Pos: 1, Allele1: a1, Allele2: a2, Genotypes: rec}
	seq := func(yield func(*association.Marker, error) bool) { yield(m, nil) }
	opt := association.Options{Convention: association.PLINK1Linear, FirthFallback: true}
	var rs []association.Result
	var err error
	if binary {
		rs, err = association.LogisticScan(context.Background(), seq, &association.Cohort{Phenotype: y}, opt)
	} else {
		rs, err = association.LinearScan(context.Background(), seq, &association.Cohort{Phenotype: y}, opt)
	}
	if err != nil || len(rs) != 1 {
		t.Fatalf("association: %v, %d results", err, len(rs))
	}
	return rs[0], m, y
}

func checkTest(t *testing.T, name string, got *Test, want association.Result, binary bool) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no test, association gives %+v", name, want)
	}
	if got.A1 != want.A1 || got.A2 != want.A2 || got.N != want.N || got.Firth != want.Firth {
		t.Errorf("%s: A1 %s A2 %s N %d Firth %v, association %s %s %d %v", name, got.A1, got.A2, got.N, got.Firth, want.A1, want.A2, want.N, want.Firth)
	}
	checkNear(t, name+" beta", got.Beta, want.Beta)
	checkNear(t, name+" se", got.SE, want.SE)
	checkNear(t, name+" stat", got.Stat, want.Stat)
	checkNear(t, name+" p", got.P, want.P.P)
	if binary {
		or, lo, hi := want.OddsRatio()
		checkNear(t, name+" OR", got.OR, or)
		checkNear(t, name+" OR low", got.ORLow, lo)
		checkNear(t, name+" OR high", got.ORHigh, hi)
	}
}

// TestMatchesAssociation compares tests and groups with association's own
// results on simulated cohorts: autosomal and X (with haploid calls),
// quantitative and binary, and a separated binary trait that needs Firth.
func TestMatchesAssociation(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	s := newMemStore()
	height := func(g int, rng *rand.Rand) float64 { return math.Round(1700 + 15*float64(g) + 60*rng.NormFloat64()) }
	chrono := func(g int, rng *rand.Rand) float64 {
		if rng.Float64() < 0.3+0.15*float64(g) {
			return 1
		}
		return 0
	}
	cases := []struct {
		id, phenotype string
		chrom         phenolink.Chromosome
		haploid       bool
		value         func(int, *rand.Rand) float64
	}{
		{"rs100", "height_mm", 1, false, height},
		{"rs101", "height_mm", phenolink.ChromosomeX, true, height},
		{"rs102", "chronotype", 2, false, chrono},
		{"rs103", "chronotype", phenolink.ChromosomeX, true, chrono},
	}
	for _, c := range cases {
		people := simulate(t, s, rng, c.id, c.chrom, c.phenotype, 300, 0.35, c.haploid, c.value)
		binary := c.phenotype == "chronotype"
		want, m, y := associationResult(t, c.id, c.chrom.String(), people, binary)
		tab := onlyTable(t, results(t, s.service(5), []string{c.id}, c.phenotype))
		checkTest(t, c.id, tab.Test, want, binary)
		if tab.N != 300 {
			t.Errorf("%s: N %d, want 300", c.id, tab.N)
		}
		if c.haploid {
			checkHaploidGroups(t, tab, want.A1)
		}
		if binary || c.haploid {
			continue
		}
		for _, ag := range association.GenotypeGroups(m, y) {
			label := string(sortedCall(ag.Genotype))
			i := slices.IndexFunc(tab.Groups, func(g Group) bool { return g.Genotype == label })
			if i < 0 {
				t.Fatalf("%s: no group %s in %+v", c.id, label, tab.Groups)
			}
			g := tab.Groups[i]
			if g.N != ag.N {
				t.Errorf("%s %s: N %d, association %d", c.id, label, g.N, ag.N)
			}
			checkNear(t, c.id+" "+label+" mean", g.Mean, ag.Mean)
			checkNear(t, c.id+" "+label+" sd", g.SD, ag.SD)
			checkNear(t, c.id+" "+label+" median", g.Median, ag.Median)
		}
	}

	// A genotype that predicts the outcome: association refits by Firth.
	s = newMemStore()
	var people []simPerson
	for i := range 40 {
		call, v := "AG", 1.0
		switch {
		case i < 8:
			call = "GG"
		case i < 24:
			call, v = "AA", 0
		}
		people = append(people, simPerson{call: call, value: v, profile: s.person(t, "rs200", call, "chronotype", v)})
	}
	want, _, _ := associationResult(t, "rs200", "1", people, true)
	if !want.Firth {
		t.Fatalf("association did not need Firth: %+v", want)
	}
	tab := onlyTable(t, results(t, s.service(5), []string{"rs200"}, "chronotype"))
	checkTest(t, "rs200", tab.Test, want, true)
	if tab.Note == "" || !tab.Test.Firth {
		t.Errorf("Firth estimate without a note: %+v, %q", tab.Test, tab.Note)
	}
}

// checkHaploidGroups checks that haploid calls are groups of their own,
// counted as two copies of their allele, each after the diploid group with
// the same copies.
func checkHaploidGroups(t *testing.T, tab Table, a1 string) {
	t.Helper()
	var got []string
	for _, g := range tab.Groups {
		got = append(got, g.Genotype)
		want := 0
		for _, c := range g.Genotype {
			if string(c) == a1 {
				want++
			}
		}
		if len(g.Genotype) == 1 {
			want *= 2
		}
		if g.Dosage != want || g.Hidden {
			t.Errorf("%s: group %s has dosage %d, want %d copies of %s", tab.Marker.ID, g.Genotype, g.Dosage, want, a1)
		}
	}
	wantOrder := []string{"AA", "A", "AG", "GG", "G"}
	if a1 == "G" {
		wantOrder = []string{"GG", "G", "AG", "AA", "A"}
	}
	if !slices.Equal(got, wantOrder) {
		t.Errorf("%s: groups %q, want %q", tab.Marker.ID, got, wantOrder)
	}
}

// sortedCall writes a two-letter genotype as the packed call sorts it.
func sortedCall(g string) string {
	c, err := phenolink.ParseCall(g)
	if err != nil {
		return g
	}
	return c.String()
}
