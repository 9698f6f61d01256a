package scan

import (
	"encoding/binary"
	"runtime"
	"sync"

	"phenolink/internal/phenolink"
)

// The transposition from profile-major genomes to marker-major records
// goes through a group of groupSize profiles. Their codes are kept four
// profiles to a byte, as a .bed record holds them: byte j of quad row q
// holds marker j's codes of the group's profiles 4q to 4q+3, so coding a
// profile ORs a word of eight markers' codes into its quad's row. A flush
// then gathers each marker's 64 bytes from the 64 rows, a tile of markers
// at a time in a buffer that stays in the first-level cache, and writes
// them to the marker's record as one cache line. Writing a record line once
// per group rather than once per profile is what keeps reading 2,000
// genomes of 600,000 markers from touching the 300 MB of records 2,000
// times over.
const (
	groupSize  = 256
	groupBytes = groupSize / 4
	// tileMarkers is how many markers a flush gathers at a time.
	tileMarkers = 256
)

// parallelMarkers is the index size from which a profile's calls are
// coded, and a group flushed, by several goroutines, each over its own
// range of markers (so the first-seen order of alleles, kept per marker,
// does not change).
const parallelMarkers = 1 << 16

// quadGroup holds the codes of up to groupSize profiles, four to a byte.
type quadGroup struct {
	buf     []byte // quad row q is buf[q*stride:(q+1)*stride]
	stride  int    // the index length rounded up to whole words
	markers int
}

func newQuadGroup(markers, profiles int) quadGroup {
	stride := (markers + 7) &^ 7
	return quadGroup{buf: make([]byte, (profiles+3)/4*stride), stride: stride, markers: markers}
}

// ranges splits the markers among the goroutines: ranges are multiples of
// 64 markers, so no two goroutines write the same cache line of a row.
func (g *quadGroup) ranges(do func(lo, hi int)) {
	m := g.markers
	workers := runtime.GOMAXPROCS(0)
	if workers == 1 || m < parallelMarkers {
		do(0, m)
		return
	}
	chunk := (m/workers + 63) &^ 63
	var wg sync.WaitGroup
	for lo := 0; lo < m; lo += chunk {
		hi := min(lo+chunk, m)
		wg.Go(func() { do(lo, hi) })
	}
	wg.Wait()
}

// encode codes one profile's record as profile p of the group. Index
// markers past the end of the record are missing.
func (g *quadGroup) encode(c *callCoder, p int, record []phenolink.Call) {
	calls := callBytes(record)
	g.ranges(func(lo, hi int) { g.encodeRange(c, p, calls, lo, hi) })
}

// encodeRange is encode for markers lo to hi; lo is a multiple of 8.
func (g *quadGroup) encodeRange(c *callCoder, p int, calls []byte, lo, hi int) {
	row := g.buf[p/4*g.stride : (p/4+1)*g.stride]
	shift := uint(2 * (p % 4))
	// The quad's first profile overwrites what an earlier group left.
	keep := uint64(0)
	if p%4 != 0 {
		keep = ^uint64(0)
	}
	words := lo + max(min(hi, len(calls))-lo, 0)&^7
	c.codeWords(calls, row, shift, keep, lo, words)
	for j := words; j < hi; j += 8 {
		binary.LittleEndian.PutUint64(row[j:], c.codeTail(calls, j, hi)<<shift|binary.LittleEndian.Uint64(row[j:])&keep)
	}
}

// flush copies the codes of count profiles, the first being sample first
// (a multiple of groupSize), into every marker's record (recLen bytes
// apart in recs).
func (g *quadGroup) flush(recs []byte, recLen, first, count int) {
	quads := (count + 3) / 4
	g.ranges(func(lo, hi int) { g.flushRange(recs, recLen, first/4, quads, lo, hi) })
}

// flushRange is flush for markers lo to hi, writing quads bytes at byte
// at of each record.
func (g *quadGroup) flushRange(recs []byte, recLen, at, quads, lo, hi int) {
	var tile [tileMarkers * groupBytes]byte
	for t := lo; t < hi; t += tileMarkers {
		n := min(tileMarkers, hi-t)
		for q := range quads {
			row := g.buf[q*g.stride+t : q*g.stride+t+n]
			for i, b := range row {
				tile[i*groupBytes+q] = b
			}
		}
		for j := range n {
			rec := recs[(t+j)*recLen+at:]
			copy(rec[:quads], tile[j*groupBytes:j*groupBytes+quads])
		}
	}
}
