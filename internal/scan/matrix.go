package scan

import (
	"context"
	"fmt"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// groupSize is how many profiles' codes are gathered before they are
// written into the marker-major records: writing 16 bytes per marker at a
// time instead of one keeps the transposition from touching every record's
// cache line for every profile.
const groupSize = 64

// genotypeMatrix is a cohort's calls as packed .bed records, one per index
// marker, samples in profile id order.
type genotypeMatrix struct {
	markers []phenolink.Marker
	ids     []string // sample profile ids, in sample order
	stats   []genomeStats
	recLen  int    // bytes per record as allocated (for the capacity)
	recs    []byte // marker m's record is recs[m*recLen:(m+1)*recLen]
	// alleles[m] holds the allele codes of .bim alleles 1 and 2 of marker
	// m, AlleleNone while not yet seen.
	alleles [][2]uint8
	// conflicts[m] counts calls with a third allele, read as missing.
	conflicts []uint32
}

// n is the number of samples.
func (g *genotypeMatrix) n() int { return len(g.ids) }

// record returns marker m's record over the samples read.
func (g *genotypeMatrix) record(m int) []byte {
	return g.recs[m*g.recLen : m*g.recLen+plinkfile.RecordLen(g.n())]
}

// genomeStats counts what sex inference needs from one genome.
type genomeStats struct {
	xCalled, xHet  int
	yOnChip, ySeen int
}

// readMatrix reads the records of the profiles want accepts (at most
// capacity of them) from one pass over ScanGenomes. progress, when set,
// is told how many of them have been read.
func readMatrix(ctx context.Context, gs phenolink.GenotypeStore, markers []phenolink.Marker, want func(profileID string) bool, capacity int, progress func(read int) error) (*genotypeMatrix, error) {
	m := len(markers)
	g := &genotypeMatrix{
		markers:   markers,
		recLen:    plinkfile.RecordLen(capacity),
		alleles:   make([][2]uint8, m),
		conflicts: make([]uint32, m),
	}
	g.recs = make([]byte, m*g.recLen)
	var xs, ys []int
	for i, mk := range markers {
		switch mk.Chrom {
		case phenolink.ChromosomeX:
			xs = append(xs, i)
		case phenolink.ChromosomeY:
			ys = append(ys, i)
		}
	}
	group := make([]byte, groupSize*m)
	inGroup := 0
	err := gs.ScanGenomes(ctx, func(profileID string, calls []phenolink.Call) error {
		if !want(profileID) {
			return nil
		}
		if len(g.ids) >= capacity {
			return fmt.Errorf("more than the %d expected genomes to read", capacity)
		}
		if len(calls) > m {
			calls = calls[:m] // markers added to the index after the scan began
		}
		g.encode(group[inGroup*m:(inGroup+1)*m], calls)
		g.stats = append(g.stats, countSexCalls(calls, xs, ys))
		g.ids = append(g.ids, profileID)
		if inGroup++; inGroup == groupSize {
			g.flush(group, len(g.ids)-inGroup, inGroup)
			inGroup = 0
		}
		if progress != nil {
			return progress(len(g.ids))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading genomes: %w", err)
	}
	if inGroup > 0 {
		g.flush(group, len(g.ids)-inGroup, inGroup)
	}
	return g, nil
}

// encode writes one profile's two-bit codes, one byte each, into codes,
// assigning each marker's alleles as they are first seen. Index markers
// past the end of calls are missing.
func (g *genotypeMatrix) encode(codes []byte, calls []phenolink.Call) {
	for i, c := range calls {
		if !c.IsCalled() {
			codes[i] = plinkfile.Missing
			continue
		}
		a, b := c.First(), c.Second()
		if b == phenolink.AlleleNone {
			b = a
		}
		al := &g.alleles[i]
		sa, sb := slot(al, a), slot(al, b)
		if sa < 0 || sb < 0 {
			codes[i] = plinkfile.Missing
			g.conflicts[i]++
			continue
		}
		// Slots 0+0, 0+1 and 1+1 are the codes 00, 10 and 11.
		codes[i] = [3]byte{plinkfile.HomAllele1, plinkfile.Het, plinkfile.HomAllele2}[sa+sb]
	}
	for i := len(calls); i < len(codes); i++ {
		codes[i] = plinkfile.Missing
	}
}

// slot returns which of the marker's two alleles a is, claiming a free one
// for a new allele, and -1 when both are taken by others.
func slot(al *[2]uint8, a uint8) int {
	switch {
	case al[0] == a:
		return 0
	case al[0] == phenolink.AlleleNone:
		al[0] = a
		return 0
	case al[1] == a:
		return 1
	case al[1] == phenolink.AlleleNone:
		al[1] = a
		return 1
	}
	return -1
}

// flush packs the codes of count profiles, the first being sample first
// (a multiple of 4), into every marker's record.
func (g *genotypeMatrix) flush(group []byte, first, count int) {
	m := len(g.markers)
	nb := (count + 3) / 4
	for mk := range m {
		rec := g.recs[mk*g.recLen+first/4 : mk*g.recLen+first/4+nb]
		for j := range nb {
			var b byte
			for k := range 4 {
				p := 4*j + k
				if p >= count {
					break
				}
				b |= group[p*m+mk] << (2 * k)
			}
			rec[j] = b
		}
	}
}

// countSexCalls counts a genome's called and heterozygous X markers and
// its Y markers on the chip and called.
func countSexCalls(calls []phenolink.Call, xs, ys []int) genomeStats {
	var s genomeStats
	for _, i := range xs {
		if i >= len(calls) || !calls[i].IsCalled() {
			continue
		}
		s.xCalled++
		if c := calls[i]; c.Second() != phenolink.AlleleNone && c.First() != c.Second() {
			s.xHet++
		}
	}
	for _, i := range ys {
		if i >= len(calls) || calls[i] == phenolink.NotOnChip {
			continue
		}
		s.yOnChip++
		if calls[i].IsCalled() {
			s.ySeen++
		}
	}
	return s
}

// Sex inference thresholds; see the package documentation.
const (
	minXCalledForSex = 100
	maleYCalled      = 0.5
	maleXHetMax      = 0.01
	femaleYCalledMax = 0.1
	femaleXHetMin    = 0.001
)

// inferredSex returns plinkfile.SexMale, SexFemale or SexUnknown from a
// genome's X and Y calls.
func (s genomeStats) inferredSex() int {
	if s.xCalled < minXCalledForSex || s.yOnChip == 0 {
		return plinkfile.SexUnknown
	}
	yRate := float64(s.ySeen) / float64(s.yOnChip)
	het := float64(s.xHet) / float64(s.xCalled)
	switch {
	case yRate >= maleYCalled && het <= maleXHetMax:
		return plinkfile.SexMale
	case yRate <= femaleYCalledMax && het >= femaleXHetMin:
		return plinkfile.SexFemale
	}
	return plinkfile.SexUnknown
}

// alleleLetters returns the .bim alleles of marker m, "" for one not seen.
func (g *genotypeMatrix) alleleLetters(m int) (string, string) {
	return letter(g.alleles[m][0]), letter(g.alleles[m][1])
}

func letter(code uint8) string {
	if code == phenolink.AlleleNone {
		return ""
	}
	return string(phenolink.AlleleLetter(code))
}
