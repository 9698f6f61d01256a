package scan

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// The transposition from profile-major genomes to marker-major records
// goes through a group: groupSize profiles' codes, packed two bits a call
// in profile order as ScanGenomes delivers them, then copied into the
// records one 64-byte cache line per marker at a time. Writing a record
// line once per group rather than once per profile is what keeps reading
// 2,000 genomes of 600,000 markers from touching the 300 MB of records
// 2,000 times over.
const (
	groupSize  = 256
	groupBytes = groupSize / 4
	// tileMarkers is how many markers flush packs at a time, in a buffer
	// that stays in the first-level cache.
	tileMarkers = 256
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
	// known[m] holds marker m's diploid calls homozygous for allele 1,
	// heterozygous and homozygous for allele 2 once its alleles are known
	// (noCall otherwise), so that most calls are coded by three byte
	// comparisons.
	known [][3]phenolink.Call
	// conflicts[m] counts calls with a third allele, read as missing.
	conflicts []uint32
	group     []byte // the current group's packed codes, a row of rowLen bytes per profile
	rowLen    int
}

// unknownCall fills known's entries that are not yet calls; no stored call
// has this value.
const unknownCall phenolink.Call = 0xFF

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
		recLen:    (plinkfile.RecordLen(capacity) + groupBytes - 1) / groupBytes * groupBytes,
		alleles:   make([][2]uint8, m),
		known:     make([][3]phenolink.Call, m),
		conflicts: make([]uint32, m),
		rowLen:    (m + 3) / 4,
	}
	for i := range g.known {
		g.known[i] = [3]phenolink.Call{unknownCall, unknownCall, unknownCall}
	}
	g.recs = make([]byte, m*g.recLen)
	g.group = make([]byte, groupSize*g.rowLen)
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
		g.encode(inGroup, calls)
		g.stats = append(g.stats, countSexCalls(calls, xs, ys))
		g.ids = append(g.ids, profileID)
		if inGroup++; inGroup == groupSize {
			g.flush(len(g.ids)-inGroup, inGroup)
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
		g.flush(len(g.ids)-inGroup, inGroup)
	}
	g.group = nil
	return g, nil
}

// parallelMarkers is the index size from which a profile's calls are
// coded by several goroutines, each over its own range of markers (so the
// first-seen order of alleles, kept per marker, does not change).
const parallelMarkers = 1 << 16

// encode packs one profile's codes, as sample p of the current group,
// assigning each marker's alleles as they are first seen. Index markers
// past the end of calls are missing.
func (g *genotypeMatrix) encode(p int, calls []phenolink.Call) {
	m := len(g.markers)
	workers := runtime.GOMAXPROCS(0)
	if workers == 1 || m < parallelMarkers {
		g.encodeRange(p, calls, 0, m)
		return
	}
	// Ranges are multiples of 64 markers, so no two goroutines write the
	// same cache line of the group.
	chunk := (m/workers + 63) &^ 63
	var wg sync.WaitGroup
	for lo := 0; lo < m; lo += chunk {
		hi := min(lo+chunk, m)
		wg.Go(func() { g.encodeRange(p, calls, lo, hi) })
	}
	wg.Wait()
}

// encodeRange is encode for markers lo to hi; lo is a multiple of 4, so
// ranges never share a byte of the row.
func (g *genotypeMatrix) encodeRange(p int, calls []phenolink.Call, lo, hi int) {
	row := g.group[p*g.rowLen : (p+1)*g.rowLen]
	end := min(hi, len(calls))
	known := g.known
	i := lo
	// Four calls make one byte, built in registers and stored once.
	for ; i+4 <= end; i += 4 {
		c0, ok0 := fastCode(&known[i], calls[i])
		c1, ok1 := fastCode(&known[i+1], calls[i+1])
		c2, ok2 := fastCode(&known[i+2], calls[i+2])
		c3, ok3 := fastCode(&known[i+3], calls[i+3])
		if ok0&ok1&ok2&ok3 == 0 {
			c0, c1, c2, c3 = g.code(i, calls[i]), g.code(i+1, calls[i+1]), g.code(i+2, calls[i+2]), g.code(i+3, calls[i+3])
		}
		row[i>>2] = c0 | c1<<2 | c2<<4 | c3<<6
	}
	for ; i < end; i++ {
		row[i>>2] |= g.code(i, calls[i]) << (2 * (i & 3))
	}
	for i := max(lo, len(calls)); i < hi; i++ {
		row[i>>2] |= plinkfile.Missing << (2 * (i & 3))
	}
}

// fastCode returns the code of c when it is one of the marker's known
// diploid calls (ok 1), matched without branches because genotypes are
// unpredictable.
func fastCode(k *[3]phenolink.Call, c phenolink.Call) (code, ok byte) {
	het, hom2 := b2u(c == k[1]), b2u(c == k[2])
	return het*plinkfile.Het + hom2*plinkfile.HomAllele2, het | hom2 | b2u(c == k[0])
}

// code returns the two-bit code of call c at marker i.
func (g *genotypeMatrix) code(i int, c phenolink.Call) byte {
	if code, ok := fastCode(&g.known[i], c); ok == 1 {
		return code
	}
	return g.slowCode(i, c)
}

// slowCode codes a call that is not one of the marker's known diploid
// calls: a missing or haploid call, or one with a new allele.
func (g *genotypeMatrix) slowCode(i int, c phenolink.Call) byte {
	if !c.IsCalled() {
		return plinkfile.Missing
	}
	a, b := c.First(), c.Second()
	if b == phenolink.AlleleNone {
		b = a
	}
	al := &g.alleles[i]
	sa, sb := slot(al, a), slot(al, b)
	if sa < 0 || sb < 0 {
		g.conflicts[i]++
		return plinkfile.Missing
	}
	// Known calls are filled as alleles appear, so that a marker whose
	// second allele is rare or not yet seen takes the fast path too.
	k := &g.known[i]
	k[0] = phenolink.Call(al[0]<<4 | al[0])
	if al[1] != phenolink.AlleleNone {
		lo, hi := min(al[0], al[1]), max(al[0], al[1])
		k[1], k[2] = phenolink.Call(lo<<4|hi), phenolink.Call(al[1]<<4|al[1])
	}
	// Slots 0+0, 0+1 and 1+1 are the codes 00, 10 and 11.
	return [3]byte{plinkfile.HomAllele1, plinkfile.Het, plinkfile.HomAllele2}[sa+sb]
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

// flush copies the codes of count profiles, the first being sample first
// (a multiple of groupSize), into every marker's record, a tile of markers
// at a time and the tiles split among goroutines, and clears the group.
func (g *genotypeMatrix) flush(first, count int) {
	m := len(g.markers)
	workers := runtime.GOMAXPROCS(0)
	if m < parallelMarkers {
		workers = 1
	}
	chunk := (m/workers + tileMarkers - 1) / tileMarkers * tileMarkers
	var wg sync.WaitGroup
	for lo := 0; lo < m; lo += chunk {
		hi := min(lo+chunk, m)
		wg.Go(func() { g.flushRange(first, count, lo, hi) })
	}
	wg.Wait()
	clear(g.group)
}

// flushRange is flush for markers lo (a multiple of tileMarkers) to hi.
func (g *genotypeMatrix) flushRange(first, count, lo, hi int) {
	nb := (count + 3) / 4
	var tile [tileMarkers * groupBytes]byte
	for t := lo; t < hi; t += tileMarkers {
		n := min(tileMarkers, hi-t)
		clear(tile[:])
		for p := range count {
			off, shift := p/4, uint(2*(p%4))
			row := g.group[p*g.rowLen+t/4 : p*g.rowLen+(t+n+3)/4]
			// Byte j holds markers t+4j to t+4j+3; past the index's end
			// its codes are zero and land in unused tile rows.
			for j, b := range row {
				at := 4*j*groupBytes + off
				tile[at] |= b & 3 << shift
				tile[at+groupBytes] |= b >> 2 & 3 << shift
				tile[at+2*groupBytes] |= b >> 4 & 3 << shift
				tile[at+3*groupBytes] |= b >> 6 << shift
			}
		}
		for j := range n {
			at := (t+j)*g.recLen + first/4
			copy(g.recs[at:at+nb], tile[j*groupBytes:j*groupBytes+nb])
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

func b2u(b bool) byte {
	var x byte
	if b {
		x = 1
	}
	return x
}
