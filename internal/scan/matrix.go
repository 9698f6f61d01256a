package scan

import (
	"context"
	"fmt"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// genotypeMatrix is a cohort's calls as packed .bed records, one per index
// marker, samples in profile id order.
type genotypeMatrix struct {
	markers []phenolink.Marker
	ids     []string // sample profile ids, in sample order
	stats   []genomeStats
	recLen  int    // bytes per record as allocated: for the capacity, in whole cache lines
	recs    []byte // marker m's record is recs[m*recLen:(m+1)*recLen]
	// alleles[m] holds the allele codes of .bim alleles 1 and 2 of marker
	// m, AlleleNone while not yet seen.
	alleles [][2]uint8
	// conflicts[m] counts calls with a third allele, read as missing.
	conflicts []uint32
	coder     callCoder
	group     quadGroup
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
// capacity of them) from one pass over the store's genomes: through
// ScanGenomeRecords, as stored, when the store offers it, else through
// ScanGenomes. progress, when set, is told how many of them have been
// read.
func readMatrix(ctx context.Context, gs phenolink.GenotypeStore, markers []phenolink.Marker, want func(profileID string) bool, capacity int, progress func(read int) error) (*genotypeMatrix, error) {
	m := len(markers)
	g := &genotypeMatrix{
		markers:   markers,
		recLen:    (plinkfile.RecordLen(capacity) + groupBytes - 1) / groupBytes * groupBytes,
		alleles:   make([][2]uint8, m),
		conflicts: make([]uint32, m),
	}
	g.recs = make([]byte, m*g.recLen)
	g.coder = newCallCoder(m, g.alleles, g.conflicts)
	g.group = newQuadGroup(m, min(capacity, groupSize))
	var xs, ys []int
	for i, mk := range markers {
		switch mk.Chrom {
		case phenolink.ChromosomeX:
			xs = append(xs, i)
		case phenolink.ChromosomeY:
			ys = append(ys, i)
		}
	}
	inGroup := 0
	read := func(profileID string, record []phenolink.Call) error {
		if !want(profileID) {
			return nil
		}
		if len(g.ids) >= capacity {
			return fmt.Errorf("more than the %d expected genomes to read", capacity)
		}
		if len(record) > m {
			record = record[:m] // markers added to the index after the scan began
		}
		g.group.encode(&g.coder, inGroup, record)
		g.stats = append(g.stats, countSexCalls(record, xs, ys))
		g.ids = append(g.ids, profileID)
		if inGroup++; inGroup == groupSize {
			g.group.flush(g.recs, g.recLen, len(g.ids)-inGroup, inGroup)
			inGroup = 0
		}
		if progress != nil {
			return progress(len(g.ids))
		}
		return nil
	}
	var err error
	if rs, ok := gs.(phenolink.GenomeRecordScanner); ok {
		err = rs.ScanGenomeRecords(ctx, read)
	} else {
		err = gs.ScanGenomes(ctx, read)
	}
	if err != nil {
		return nil, fmt.Errorf("reading genomes: %w", err)
	}
	if inGroup > 0 {
		g.group.flush(g.recs, g.recLen, len(g.ids)-inGroup, inGroup)
	}
	g.group = quadGroup{}
	return g, nil
}

// countSexCalls counts a genome's called and heterozygous X markers and
// its Y markers on the chip and called; index markers past the end of
// calls are not on the chip.
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
