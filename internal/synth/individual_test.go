package synth

import (
	"math"
	"slices"
	"testing"

	"phenolink/internal/phenolink"
)

func TestGenomeDeterministicAndRandomAccess(t *testing.T) {
	key := mustMarkers(t, 1, 20_000)
	v5 := Chips()[4]
	a := NewIndividual(1, 42, v5).Genome(key)
	b := NewIndividual(1, 42, v5).Genome(key)
	if !slices.Equal(a, b) {
		t.Fatal("the same individual gave two genomes")
	}
	ind := NewIndividual(1, 42, v5)
	for _, i := range []int{0, 1, 999, 12345, len(key) - 1} {
		if got := ind.Call(key, i); got != a[i] {
			t.Errorf("Call(key, %d) = %v, genome has %v", i, got, a[i])
		}
	}
	other := NewIndividual(1, 43, v5).Genome(key)
	differ := 0
	for i := range a {
		if a[i] != other[i] {
			differ++
		}
	}
	if differ < len(key)/20 {
		t.Errorf("individuals 42 and 43 differ at only %d markers", differ)
	}
}

func TestGenomeProportions(t *testing.T) {
	key := mustMarkers(t, 2, 100_000)
	for _, chip := range []Chip{FullChip(), Chips()[0], Chips()[4]} {
		g := NewIndividual(2, 0, chip).Genome(key)
		var off, nocalls, femaleY int
		for i, c := range g {
			switch {
			case c == phenolink.NotOnChip:
				off++
			case c == phenolink.NoCall && key[i].Chrom == ChromY:
				femaleY++
			case c == phenolink.NoCall:
				nocalls++
			}
		}
		on := len(g) - off
		if cov := float64(on) / float64(len(g)); math.Abs(cov-chip.Coverage) > 0.01 {
			t.Errorf("chip %s covers %.3f of the key, want %.3f", chip.Name, cov, chip.Coverage)
		}
		if r := float64(nocalls) / float64(on); r < 0.008 || r > 0.012 {
			t.Errorf("chip %s: no-call rate %.4f, want about %.2f", chip.Name, r, NoCallRate)
		}
	}
}

func TestPloidy(t *testing.T) {
	key := mustMarkers(t, 3, 50_000)
	var male, female Individual
	for i := 0; male.Sex == 0 || female.Sex == 0; i++ {
		ind := NewIndividual(3, i, FullChip())
		if ind.Sex == Male {
			male = ind
		} else {
			female = ind
		}
	}
	check := func(ind Individual, chrom Chromosome, want string) {
		t.Helper()
		g := ind.Genome(key)
		seen := 0
		for i, c := range g {
			m := key[i]
			if m.Chrom != chrom || c == phenolink.NoCall && want != "nocall" {
				continue
			}
			seen++
			var ok bool
			switch want {
			case "haploid":
				ok = c.IsHaploid() && (c.First() == m.Ref || c.First() == m.Alt)
			case "diploid":
				ok = c.IsCalled() && !c.IsHaploid() &&
					(c.First() == m.Ref || c.First() == m.Alt) && (c.Second() == m.Ref || c.Second() == m.Alt)
			case "nocall":
				ok = c == phenolink.NoCall
			}
			if !ok {
				t.Fatalf("%s on %s marker %s: call %v is not %s", ind.Sex, chrom, m.ID, c, want)
			}
		}
		if seen == 0 {
			t.Fatalf("no %s markers called for %s", chrom, ind.Sex)
		}
	}
	check(male, ChromX, "haploid")
	check(male, ChromY, "haploid")
	check(male, ChromMT, "haploid")
	check(male, 7, "diploid")
	check(female, ChromX, "diploid")
	check(female, ChromY, "nocall")
	check(female, ChromMT, "haploid")
}

func TestSexesBalanced(t *testing.T) {
	males := 0
	for i := range 2000 {
		if NewIndividual(9, i, FullChip()).Sex == Male {
			males++
		}
	}
	if males < 900 || males > 1100 {
		t.Errorf("%d of 2000 are male", males)
	}
}

// TestHardyWeinberg checks, over a cohort, that allele frequencies follow the
// key and heterozygosity follows 2pq.
func TestHardyWeinberg(t *testing.T) {
	key := mustMarkers(t, 4, 20_000)
	var auto []int
	for i, m := range key {
		if m.Chrom <= 22 && len(auto) < 300 {
			auto = append(auto, i)
		}
	}
	const people = 2000
	alt := make([]int, len(auto))
	het := make([]int, len(auto))
	called := make([]int, len(auto))
	for p := range people {
		ind := NewIndividual(4, p, FullChip())
		for j, i := range auto {
			d := Dosage(key[i], ind.Call(key, i))
			if d == MissingDosage {
				continue
			}
			called[j]++
			alt[j] += int(d)
			if d == 1 {
				het[j]++
			}
		}
	}
	var wantHet, gotHet, freqErr float64
	for j, i := range auto {
		p := float64(key[i].AltFreq)
		freqErr = max(freqErr, math.Abs(float64(alt[j])/float64(2*called[j])-p))
		wantHet += 2 * p * (1 - p) * float64(called[j])
		gotHet += float64(het[j])
	}
	if freqErr > 0.04 {
		t.Errorf("an observed allele frequency is %.3f from the key's", freqErr)
	}
	if r := gotHet / wantHet; r < 0.97 || r > 1.03 {
		t.Errorf("heterozygotes: observed/expected under HWE = %.3f", r)
	}
}

func TestDosages(t *testing.T) {
	key := mustMarkers(t, 5, 5000)
	ind := NewIndividual(5, 1, Chips()[2])
	g := ind.Genome(key)
	d := ind.Dosages(nil, key)
	for i, c := range g {
		want := Dosage(key[i], c)
		if d[i] != want {
			t.Fatalf("marker %d: Dosages %d, Dosage %d", i, d[i], want)
		}
		if c.IsCalled() != (want != MissingDosage) {
			t.Fatalf("marker %d: call %v has dosage %d", i, c, want)
		}
	}
	m := Marker{Ref: phenolink.AlleleA, Alt: phenolink.AlleleG}
	for call, want := range map[string]int8{"AA": 0, "AG": 1, "GG": 2, "G": 1, "A": 0, "--": MissingDosage, "__": MissingDosage} {
		c, err := phenolink.ParseCall(call)
		if err != nil {
			t.Fatal(err)
		}
		if got := Dosage(m, c); got != want {
			t.Errorf("Dosage(A>G, %s) = %d, want %d", call, got, want)
		}
	}
}

func TestLookupChip(t *testing.T) {
	for _, name := range []string{"v1", "V3", "v5", "full"} {
		if _, err := LookupChip(name); err != nil {
			t.Errorf("LookupChip(%q): %v", name, err)
		}
	}
	if _, err := LookupChip("v9"); err == nil {
		t.Error("LookupChip(v9) gave no error")
	}
}

func BenchmarkGenome(b *testing.B) {
	key := mustMarkers(b, 1, 1_200_000)
	ind := NewIndividual(1, 0, Chips()[2])
	buf := make([]phenolink.Call, 0, len(key))
	for b.Loop() {
		buf = ind.AppendGenome(buf[:0], key)
	}
}
