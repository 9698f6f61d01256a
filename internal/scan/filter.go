package scan

import (
	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// codeCounts[b] packs how many of a record byte's four samples hold each
// two-bit code, in 16-bit fields: code k's count at bits 16k..16k+15.
var codeCounts = func() (t [256]uint64) {
	for b := range t {
		for k := range 4 {
			t[b] += 1 << (16 * uint64(b>>(2*k)&3))
		}
	}
	return t
}()

// markerCounts are a marker's genotype counts over the cohort's valid
// samples; AlleleCount1 and AlleleCount2 count males' X calls once.
type markerCounts struct {
	called                     int
	alleleCount1, alleleCount2 float64
}

// callRate and maf are the quantities the scan's filters compare.
func (c markerCounts) callRate(nValid int) float64 {
	if nValid == 0 {
		return 0
	}
	return float64(c.called) / float64(nValid)
}

func (c markerCounts) maf() float64 {
	total := c.alleleCount1 + c.alleleCount2
	if total == 0 {
		return 0
	}
	f := c.alleleCount1 / total
	return min(f, 1-f)
}

// sampleMask holds, per record byte, 0b11 for every sample that takes
// part in the scan, so other samples (and the last byte's padding) read as
// missing when counting.
type sampleMask struct {
	bytes  []byte
	valid  []bool
	male   []bool
	nValid int
}

func newSampleMask(valid, male []bool) *sampleMask {
	m := &sampleMask{bytes: make([]byte, plinkfile.RecordLen(len(valid))), valid: valid, male: male}
	for i, ok := range valid {
		if ok {
			m.bytes[i/4] |= 3 << (2 * (i % 4))
			m.nValid++
		}
	}
	return m
}

// count counts a record's genotypes over the valid samples. On X, males'
// heterozygous calls are missing (as PLINK sets them) and their alleles
// count once.
func (m *sampleMask) count(rec []byte, isX bool) markerCounts {
	if isX {
		return m.countX(rec)
	}
	var acc, sums [4]uint64
	for start := 0; start < len(rec); start += 16000 {
		end := min(start+16000, len(rec))
		var a uint64
		for i, b := range rec[start:end] {
			k := m.bytes[start+i]
			a += codeCounts[b&k|0x55&^k]
		}
		for code := range 4 {
			acc[code] = a >> (16 * code) & 0xFFFF
			sums[code] += acc[code]
		}
	}
	hom1, het, hom2 := int(sums[plinkfile.HomAllele1]), int(sums[plinkfile.Het]), int(sums[plinkfile.HomAllele2])
	return markerCounts{called: hom1 + het + hom2, alleleCount1: float64(2*hom1 + het), alleleCount2: float64(2*hom2 + het)}
}

func (m *sampleMask) countX(rec []byte) markerCounts {
	var c markerCounts
	for i, ok := range m.valid {
		if !ok {
			continue
		}
		w := 2.0
		if m.male[i] {
			w = 1
		}
		switch plinkfile.Genotype(rec, i) {
		case plinkfile.HomAllele1:
			c.called++
			c.alleleCount1 += w
		case plinkfile.HomAllele2:
			c.called++
			c.alleleCount2 += w
		case plinkfile.Het:
			if !m.male[i] {
				c.called++
				c.alleleCount1++
				c.alleleCount2++
			}
		}
	}
	return c
}

// keptMarker is a marker that passed the filters, with its MAF.
type keptMarker struct {
	index int
	maf   float64
}

// filterMarkers returns the markers that pass s's thresholds: two alleles
// and no third one seen, call rate at least MinCallRate and minor-allele
// frequency at least MinMAF and above zero.
func filterMarkers(g *genotypeMatrix, mask *sampleMask, s phenolink.Scan) []keptMarker {
	var kept []keptMarker
	for i, mk := range g.markers {
		if g.conflicts[i] > 0 || g.alleles[i][1] == phenolink.AlleleNone {
			continue
		}
		c := mask.count(g.record(i), mk.Chrom == phenolink.ChromosomeX)
		maf := c.maf()
		if c.callRate(mask.nValid) < s.MinCallRate || maf < s.MinMAF || maf == 0 {
			continue
		}
		kept = append(kept, keptMarker{index: i, maf: maf})
	}
	return kept
}
