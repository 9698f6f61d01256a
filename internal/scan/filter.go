package scan

import (
	"math"
	"runtime"
	"sync"

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
// missing when counting; and the same for valid females and valid males,
// for X markers.
type sampleMask struct {
	all, female, male []byte
	nValid            int
}

func newSampleMask(valid, male []bool) *sampleMask {
	n := plinkfile.RecordLen(len(valid))
	m := &sampleMask{all: make([]byte, n), female: make([]byte, n), male: make([]byte, n)}
	for i, ok := range valid {
		if !ok {
			continue
		}
		bits := byte(3) << (2 * (i % 4))
		m.all[i/4] |= bits
		if male[i] {
			m.male[i/4] |= bits
		} else {
			m.female[i/4] |= bits
		}
		m.nValid++
	}
	return m
}

// genotypeCounts counts the record's homozygous and heterozygous calls
// among the samples of mask.
func genotypeCounts(rec, mask []byte) (hom1, het, hom2 int) {
	var sums [4]uint64
	for start := 0; start < len(rec); start += 16000 {
		end := min(start+16000, len(rec))
		var a uint64
		for i, b := range rec[start:end] {
			k := mask[start+i]
			a += codeCounts[b&k|0x55&^k]
		}
		for code := range 4 {
			sums[code] += a >> (16 * code) & 0xFFFF
		}
	}
	return int(sums[plinkfile.HomAllele1]), int(sums[plinkfile.Het]), int(sums[plinkfile.HomAllele2])
}

// count counts a record's genotypes over the valid samples. On X, males'
// heterozygous calls are missing (as PLINK sets them) and their alleles
// count once.
func (m *sampleMask) count(rec []byte, isX bool) markerCounts {
	if !isX {
		hom1, het, hom2 := genotypeCounts(rec, m.all)
		return markerCounts{called: hom1 + het + hom2, alleleCount1: float64(2*hom1 + het), alleleCount2: float64(2*hom2 + het)}
	}
	hom1, het, hom2 := genotypeCounts(rec, m.female)
	mHom1, _, mHom2 := genotypeCounts(rec, m.male)
	return markerCounts{
		called:       hom1 + het + hom2 + mHom1 + mHom2,
		alleleCount1: float64(2*hom1 + het + mHom1),
		alleleCount2: float64(2*hom2 + het + mHom2),
	}
}

// keptMarker is a marker that passed the filters, with its MAF.
type keptMarker struct {
	index int
	maf   float64
}

// filterMarkers returns the markers that pass s's thresholds: two alleles
// and no third one seen, call rate at least MinCallRate and minor-allele
// frequency at least MinMAF and above zero. Ranges of markers are counted
// on every core.
func filterMarkers(g *genotypeMatrix, mask *sampleMask, s phenolink.Scan) []keptMarker {
	m := len(g.markers)
	maf := make([]float64, m) // NaN where the marker fails
	workers := runtime.GOMAXPROCS(0)
	chunk := max(1024, (m+workers-1)/workers)
	var wg sync.WaitGroup
	for lo := 0; lo < m; lo += chunk {
		hi := min(lo+chunk, m)
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				maf[i] = math.NaN()
				if g.conflicts[i] > 0 || g.alleles[i][1] == phenolink.AlleleNone {
					continue
				}
				c := mask.count(g.record(i), g.markers[i].Chrom == phenolink.ChromosomeX)
				if f := c.maf(); c.callRate(mask.nValid) >= s.MinCallRate && f >= s.MinMAF && f > 0 {
					maf[i] = f
				}
			}
		})
	}
	wg.Wait()
	var kept []keptMarker
	for i, f := range maf {
		if !math.IsNaN(f) {
			kept = append(kept, keptMarker{index: i, maf: f})
		}
	}
	return kept
}
