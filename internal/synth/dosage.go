package synth

import "phenolink/internal/phenolink"

// MissingDosage marks a call that carries no dosage: a no-call or a marker
// not on the chip.
const MissingDosage int8 = -1

// Dosage returns how many copies of m's alternate allele call c holds: 0..2
// for a diploid call, 0..1 for a haploid one, MissingDosage for anything
// uncalled. It is the seam for planting associations: a phenotype can be
// built as the sum of beta times dosage over chosen markers, plus noise.
func Dosage(m Marker, c phenolink.Call) int8 {
	if !c.IsCalled() {
		return MissingDosage
	}
	var d int8
	if c.First() == m.Alt {
		d++
	}
	if c.Second() == m.Alt {
		d++
	}
	return d
}

// Dosages appends the individual's alternate-allele dosage at every marker
// of key to dst, MissingDosage where uncalled.
func (ind Individual) Dosages(dst []int8, key []Marker) []int8 {
	c := ind.caller()
	for i := range key {
		dst = append(dst, Dosage(key[i], c.call(&key[i], i)))
	}
	return dst
}
