package synth

import (
	"phenolink/internal/phenolink"
)

// Sex is an individual's chromosomal sex, which decides ploidy on X and Y.
type Sex uint8

// Sexes.
const (
	Female Sex = 1
	Male   Sex = 2
)

// String returns "female" or "male".
func (s Sex) String() string {
	switch s {
	case Female:
		return "female"
	case Male:
		return "male"
	}
	return "unknown"
}

// NoCallRate is the share of on-chip calls that are no-calls ("--").
const NoCallRate = 0.01

// Individual is one synthetic person. Their calls are a pure function of
// (Seed, Index, Sex, Chip) and the key, so any individual, or any one marker
// of theirs, can be made alone.
type Individual struct {
	Seed  int64
	Index int
	Sex   Sex
	Chip  Chip
}

// NewIndividual returns individual index of the cohort made from seed,
// typed on chip; the sex is drawn from (seed, index), about half each.
func NewIndividual(seed int64, index int, chip Chip) Individual {
	sex := Female
	if streamKey(seed, uint64(index), 5)&1 == 1 {
		sex = Male
	}
	return Individual{Seed: seed, Index: index, Sex: sex, Chip: chip}
}

// drawBits is the width of each uniform draw taken from one 64-bit hash:
// three draws (no-call, first allele, second allele) per marker.
const (
	drawBits = 21
	drawMask = 1<<drawBits - 1
)

// caller holds what is fixed for one individual so that a genome costs one
// or two hashes per marker.
type caller struct {
	key      uint64
	chip     chipFilter
	male     bool
	noCallAt uint64
}

func (ind Individual) caller() caller {
	rate := NoCallRate
	return caller{
		key:      streamKey(ind.Seed, uint64(ind.Index), 1),
		chip:     ind.Chip.filter(ind.Seed),
		male:     ind.Sex == Male,
		noCallAt: uint64(rate * (1 << drawBits)),
	}
}

func (c caller) call(m *Marker, i int) phenolink.Call {
	if !c.chip.has(i) {
		return phenolink.NotOnChip
	}
	h := mix(c.key + uint64(i)*golden)
	if h&drawMask < c.noCallAt {
		return phenolink.NoCall
	}
	altAt := uint64(float64(m.AltFreq) * (1 << drawBits))
	a := m.Ref
	if (h>>drawBits)&drawMask < altAt {
		a = m.Alt
	}
	switch {
	case m.Chrom == ChromY && !c.male:
		return phenolink.NoCall
	case m.Chrom == ChromMT, m.Chrom == ChromY, m.Chrom == ChromX && c.male:
		return phenolink.Call(a << 4)
	}
	b := m.Ref
	if (h>>(2*drawBits))&drawMask < altAt {
		b = m.Alt
	}
	if a > b {
		a, b = b, a
	}
	return phenolink.Call(a<<4 | b)
}

// Call returns the individual's call at marker i of key.
func (ind Individual) Call(key []Marker, i int) phenolink.Call {
	return ind.caller().call(&key[i], i)
}

// Genome returns the individual's calls over the whole key, in key order.
func (ind Individual) Genome(key []Marker) []phenolink.Call {
	return ind.AppendGenome(make([]phenolink.Call, 0, len(key)), key)
}

// AppendGenome appends the individual's calls over key to dst, so that a
// cohort can reuse one buffer.
func (ind Individual) AppendGenome(dst []phenolink.Call, key []Marker) []phenolink.Call {
	c := ind.caller()
	for i := range key {
		dst = append(dst, c.call(&key[i], i))
	}
	return dst
}
