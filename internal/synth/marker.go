package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"phenolink/internal/phenolink"
)

// Marker is one entry of the synthetic marker key: what 23andMe's key file
// and reference endpoints describe, plus the population allele frequency
// that genotypes are drawn from.
type Marker struct {
	ID      string     // "rs…" or a 23andMe internal "i…" id, unique in the key
	Chrom   Chromosome // 1-22, X, Y, MT
	Pos     uint32     // GRCh37 position, 1-based as in raw files
	Ref     uint8      // reference allele, a phenolink.Allele* code
	Alt     uint8      // alternate allele, a phenolink.Allele* code
	AltFreq float32    // population frequency of Alt, in (0, 1)
	Gene    string     // synthetic gene name, "" between genes
}

// Key sizes.
const (
	DefaultMarkers = 100_000   // the simulator's key size
	MaxMarkers     = 4_000_000 // internal ids are a bijection on 22 bits
)

// Shares that shape the key; see the package comment.
const (
	internalIDShare = 0.025 // markers named "i…" rather than "rs…"
	indelShare      = 0.01  // markers whose alleles are D/I
	rareShare       = 0.35  // markers whose minor allele frequency is under 5%
	geneStartRate   = 0.04  // chance a gene starts at a marker outside one
	meanGeneMarkers = 8     // mean markers per gene
)

// Markers returns a key of n markers made from seed: sorted by chromosome
// (1..22, X, Y, MT) and position, with unique ids. The same (seed, n)
// always gives the same key.
func Markers(seed int64, n int) ([]Marker, error) {
	if n < 0 || n > MaxMarkers {
		return nil, fmt.Errorf("synth.Markers(%d, %d): size must be 0..%d", seed, n, MaxMarkers)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7a3d_5b1f_9c2e_4d60))
	counts := markerCounts(n)
	key := make([]Marker, 0, n)
	ids := newIDWriter(seed, n)
	scratch := make([]float64, 0, n+1)
	gene := geneNamer{}
	for ci, count := range counts {
		chrom := Chromosome(ci + 1)
		for j, pos := range positions(rng, chrom.Length(), count, scratch) {
			m := Marker{Chrom: chrom, Pos: pos}
			m.Ref, m.Alt = drawAlleles(rng)
			m.AltFreq = drawAltFreq(rng)
			m.Gene = gene.next(rng, j == 0)
			internal := rng.Float64() < internalIDShare || (chrom == ChromMT && rng.IntN(2) == 0)
			ids.add(len(key), internal)
			key = append(key, m)
		}
	}
	ids.assign(key)
	return key, nil
}

// markerCounts splits n over the chromosomes: a few dozen on MT, the rest in
// proportion to length by largest remainder, so the counts add up to n.
func markerCounts(n int) [25]int {
	var counts [25]int
	mt := min(n/3000, 60)
	if n >= 25 {
		mt = max(mt, 3)
	}
	counts[ChromMT-1] = mt
	rest := n - mt
	var total uint64
	for _, c := range Chromosomes()[:24] {
		total += uint64(c.Length())
	}
	type share struct {
		chrom int
		frac  float64
	}
	assigned := 0
	fracs := make([]share, 0, 24)
	for i := range 24 {
		exact := float64(rest) * float64(chromosomeInfo[i].length) / float64(total)
		counts[i] = int(exact)
		assigned += counts[i]
		fracs = append(fracs, share{i, exact - math.Floor(exact)})
	}
	for left := rest - assigned; left > 0; left-- {
		best := 0
		for j := range fracs {
			if fracs[j].frac > fracs[best].frac {
				best = j
			}
		}
		counts[fracs[best].chrom]++
		fracs[best].frac = -1
	}
	return counts
}

// positions returns count strictly increasing 1-based positions in
// [1, length], uniformly spread: normalised exponential spacings give sorted
// uniforms in one pass, with no sort.
func positions(rng *rand.Rand, length uint32, count int, scratch []float64) []uint32 {
	if count == 0 {
		return nil
	}
	cum := scratch[:0]
	sum := 0.0
	for range count + 1 {
		sum += rng.ExpFloat64()
		cum = append(cum, sum)
	}
	span := float64(length) - float64(count) - 1
	out := make([]uint32, count)
	for j := range out {
		out[j] = uint32(1 + j + int(cum[j]/sum*span))
	}
	return out
}

// drawAlleles picks a reference and an alternate allele: transitions (A<->G,
// C<->T) twice as often as transversions, and a small share of indels.
func drawAlleles(rng *rand.Rand) (ref, alt uint8) {
	if rng.Float64() < indelShare {
		if rng.IntN(2) == 0 {
			return phenolink.AlleleDeleted, phenolink.AlleleInsert
		}
		return phenolink.AlleleInsert, phenolink.AlleleDeleted
	}
	ref = uint8(1 + rng.IntN(4))
	if rng.IntN(3) < 2 {
		return ref, transition[ref]
	}
	return ref, transversions[ref][rng.IntN(2)]
}

// transition and transversions index allele codes A=1, C=2, G=3, T=4.
var (
	transition    = [5]uint8{0, phenolink.AlleleG, phenolink.AlleleT, phenolink.AlleleA, phenolink.AlleleC}
	transversions = [5][2]uint8{{}, {phenolink.AlleleC, phenolink.AlleleT}, {phenolink.AlleleA, phenolink.AlleleG},
		{phenolink.AlleleC, phenolink.AlleleT}, {phenolink.AlleleA, phenolink.AlleleG}}
)

// drawAltFreq draws an alternate allele frequency from a U-shaped spectrum:
// a rare minor allele for rareShare of markers, a common one otherwise, and
// the alternate allele is the minor one half of the time.
func drawAltFreq(rng *rand.Rand) float32 {
	var minor float64
	if rng.Float64() < rareShare {
		u := rng.Float64()
		minor = 0.001 + 0.049*u*math.Sqrt(u) // u^1.5 leans towards the rarest
	} else {
		minor = 0.05 + 0.45*rng.Float64()
	}
	if rng.IntN(2) == 0 {
		return float32(minor)
	}
	return float32(1 - minor)
}

// geneNamer hands out synthetic gene names to runs of neighbouring markers.
type geneNamer struct {
	genes int
	left  int
	name  string
}

func (g *geneNamer) next(rng *rand.Rand, newChromosome bool) string {
	if newChromosome {
		g.left = 0
	}
	if g.left == 0 {
		if rng.Float64() >= geneStartRate {
			return ""
		}
		g.genes++
		g.name = "SYN" + strconv.Itoa(g.genes)
		g.left = 1 + int(rng.ExpFloat64()*(meanGeneMarkers-1))
	}
	g.left--
	return g.name
}

// idWriter builds every id into one buffer so that the key holds substrings
// of a single string instead of a million small allocations.
type idWriter struct {
	rs, internal permutation
	buf          []byte
	ends         []int
}

func newIDWriter(seed int64, n int) *idWriter {
	return &idWriter{
		rs:       newPermutation(streamKey(seed, 0x7273, 3), 28),
		internal: newPermutation(streamKey(seed, 0x69, 4), 22),
		buf:      make([]byte, 0, n*12), // "rs" and up to 9 digits, or "i" and 7
		ends:     make([]int, 0, n),
	}
}

// add writes the id of marker index: rs numbers are a bijection of the index
// on 28 bits, internal ids one on 22 bits above 3,000,000, so both are unique
// yet uncorrelated with position, as on real chips.
func (w *idWriter) add(index int, internal bool) {
	if internal {
		w.buf = append(w.buf, 'i')
		w.buf = strconv.AppendUint(w.buf, 3_000_000+w.internal.apply(uint64(index)), 10)
	} else {
		w.buf = append(w.buf, 'r', 's')
		w.buf = strconv.AppendUint(w.buf, 1+w.rs.apply(uint64(index)), 10)
	}
	w.ends = append(w.ends, len(w.buf))
}

func (w *idWriter) assign(key []Marker) {
	all := string(w.buf)
	start := 0
	for i, end := range w.ends {
		key[i].ID = all[start:end]
		start = end
	}
}
