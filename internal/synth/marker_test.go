package synth

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

func mustMarkers(t testing.TB, seed int64, n int) []Marker {
	t.Helper()
	key, err := Markers(seed, n)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestMarkersDeterministic(t *testing.T) {
	a, b := mustMarkers(t, 7, 5000), mustMarkers(t, 7, 5000)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave two different keys")
	}
	c := mustMarkers(t, 8, 5000)
	same := 0
	for i := range a {
		if a[i].ID == c[i].ID {
			same++
		}
	}
	if same > 50 {
		t.Fatalf("seeds 7 and 8 share %d of 5000 ids; the seed is not used", same)
	}
}

func TestMarkersSizes(t *testing.T) {
	for _, n := range []int{0, 1, 24, 25, 1000, 100_000} {
		if got := len(mustMarkers(t, 1, n)); got != n {
			t.Errorf("Markers(1, %d) returned %d markers", n, got)
		}
	}
	for _, n := range []int{-1, MaxMarkers + 1} {
		if _, err := Markers(1, n); err == nil {
			t.Errorf("Markers(1, %d) gave no error", n)
		}
	}
}

func TestMarkersShape(t *testing.T) {
	const n = 200_000
	key := mustMarkers(t, 3, n)
	ids := make(map[string]bool, n)
	var internal, indels, extreme int
	perChrom := map[Chromosome]int{}
	for i, m := range key {
		if ids[m.ID] {
			t.Fatalf("id %s appears twice", m.ID)
		}
		ids[m.ID] = true
		switch {
		case strings.HasPrefix(m.ID, "rs"):
		case strings.HasPrefix(m.ID, "i"):
			internal++
		default:
			t.Fatalf("id %q is neither rs nor i", m.ID)
		}
		if !m.Chrom.Valid() || m.Pos < 1 || m.Pos > m.Chrom.Length() {
			t.Fatalf("marker %d: %s:%d is off the chromosome", i, m.Chrom, m.Pos)
		}
		if i > 0 {
			p := key[i-1]
			if p.Chrom > m.Chrom || (p.Chrom == m.Chrom && p.Pos >= m.Pos) {
				t.Fatalf("marker %d (%s:%d) is not after %s:%d", i, m.Chrom, m.Pos, p.Chrom, p.Pos)
			}
		}
		if m.Ref == m.Alt || m.Ref < phenolink.AlleleA || m.Alt > phenolink.AlleleInsert {
			t.Fatalf("marker %s has alleles %d/%d", m.ID, m.Ref, m.Alt)
		}
		if m.Ref >= phenolink.AlleleDeleted {
			indels++
		}
		if m.AltFreq <= 0 || m.AltFreq >= 1 {
			t.Fatalf("marker %s has frequency %v", m.ID, m.AltFreq)
		}
		if m.AltFreq < 0.05 || m.AltFreq > 0.95 {
			extreme++
		}
		perChrom[m.Chrom]++
	}
	share := func(k int) float64 { return float64(k) / n }
	checks := []struct {
		name     string
		got      float64
		low, top float64
	}{
		{"internal ids", share(internal), 0.02, 0.03},
		{"indels", share(indels), 0.007, 0.013},
		{"rare alt or ref (U shape)", share(extreme), 0.32, 0.38},
		{"chromosome 1", share(perChrom[1]), 0.077, 0.083},
		{"chromosome 21", share(perChrom[21]), 0.014, 0.017},
		{"chromosome X", share(perChrom[ChromX]), 0.048, 0.052},
	}
	for _, c := range checks {
		if c.got < c.low || c.got > c.top {
			t.Errorf("%s: share %.4f outside [%.3f, %.3f]", c.name, c.got, c.low, c.top)
		}
	}
	if mt := perChrom[ChromMT]; mt < 20 || mt > 60 {
		t.Errorf("MT has %d markers, want a few dozen", mt)
	}
	if !(perChrom[1] > perChrom[2] && perChrom[2] > perChrom[21]) {
		t.Errorf("counts do not follow lengths: chr1 %d, chr2 %d, chr21 %d", perChrom[1], perChrom[2], perChrom[21])
	}
	genes := 0
	for _, m := range key {
		if m.Gene != "" {
			genes++
		}
	}
	if g := share(genes); g < 0.1 || g > 0.4 {
		t.Errorf("%.3f of markers lie in genes, want a minority but some", g)
	}
}

func TestChromosomes(t *testing.T) {
	tests := []struct {
		in        string
		want      string
		accession string
		length    uint32
	}{
		{"1", "1", "NC_000001.10", 249250621},
		{"4", "4", "NC_000004.11", 191154276},
		{"chr22", "22", "NC_000022.10", 51304566},
		{"X", "X", "NC_000023.10", 155270560},
		{"23", "X", "NC_000023.10", 155270560},
		{"Y", "Y", "NC_000024.9", 59373566},
		{"MT", "MT", "NC_012920.1", 16569},
		{"M", "MT", "NC_012920.1", 16569},
	}
	for _, tt := range tests {
		c, err := ParseChromosome(tt.in)
		if err != nil {
			t.Fatalf("ParseChromosome(%q): %v", tt.in, err)
		}
		if c.String() != tt.want || c.Accession() != tt.accession || c.Length() != tt.length {
			t.Errorf("%q: got %s %s %d", tt.in, c, c.Accession(), c.Length())
		}
		if back, ok := ChromosomeByAccession(tt.accession); !ok || back != c {
			t.Errorf("ChromosomeByAccession(%q) = %v, %v", tt.accession, back, ok)
		}
	}
	for _, bad := range []string{"", "0", "26", "chr", "XY", "1.5"} {
		if _, err := ParseChromosome(bad); err == nil {
			t.Errorf("ParseChromosome(%q) gave no error", bad)
		}
	}
	if len(Chromosomes()) != 25 {
		t.Errorf("Chromosomes() has %d entries", len(Chromosomes()))
	}
}

func TestPermuteIsBijective(t *testing.T) {
	const bits = 16
	seen := make([]bool, 1<<bits)
	p := newPermutation(12345, bits)
	for x := range uint64(1 << bits) {
		y := p.apply(x)
		if seen[y] {
			t.Fatalf("permute maps two inputs to %d", y)
		}
		seen[y] = true
	}
}

func BenchmarkMarkers(b *testing.B) {
	for _, n := range []int{DefaultMarkers, 1_200_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Markers(1, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
