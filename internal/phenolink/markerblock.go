package phenolink

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// MarkerBlockSize bounds the markers in one stored block, so that a block
// stays near a megabyte.
const MarkerBlockSize = 65536

// MarkerBlock is a run of consecutive index markers in the compact form the
// stores keep the index in: a million markers are some 15 rows written with
// one bulk insert, not a million rows with their own indexes, so a first
// import stays fast. Searches run on the in-memory MarkerIndex instead.
type MarkerBlock struct {
	First     int    // index position of the block's first marker
	IDs       []byte // the ids, each followed by '\n' (ids hold no spaces or controls)
	Chroms    []byte // one Chromosome per marker
	Positions []byte // one little-endian uint32 per marker
}

// Len returns the number of markers in b.
func (b MarkerBlock) Len() int { return len(b.Chroms) }

// Block returns the index's markers from position first on, at most
// MarkerBlockSize of them, in stored form. Storing new markers block by
// block keeps one block in memory at a time rather than a copy of them all.
func (x *MarkerIndex) Block(first int) MarkerBlock {
	end := min(first+MarkerBlockSize, x.Len())
	n := max(end-first, 0)
	b := MarkerBlock{First: first, Chroms: make([]byte, n), Positions: make([]byte, 4*n)}
	if n == 0 {
		return b
	}
	start := uint32(0)
	if first > 0 {
		start = x.ends[first-1]
	}
	b.IDs = make([]byte, 0, int(x.ends[end-1]-start)+n)
	for i := first; i < end; i++ {
		b.IDs = append(append(b.IDs, x.idBytes(i)...), '\n')
		b.Chroms[i-first] = byte(x.chrom[i])
		binary.LittleEndian.PutUint32(b.Positions[4*(i-first):], x.pos[i])
	}
	return b
}

// AppendBlock appends b's markers; b must start at x.Len().
func (x *MarkerIndex) AppendBlock(b MarkerBlock) error {
	if b.First != x.Len() {
		return fmt.Errorf("marker block starts at %d, want %d", b.First, x.Len())
	}
	n := b.Len()
	if len(b.Positions) != 4*n || bytes.Count(b.IDs, []byte{'\n'}) != n {
		return fmt.Errorf("marker block at %d is malformed", b.First)
	}
	x.Grow(n, len(b.IDs)/max(n, 1))
	ids := b.IDs
	for i := range n {
		end := bytes.IndexByte(ids, '\n')
		appendID(x, ids[:end], Chromosome(b.Chroms[i]), binary.LittleEndian.Uint32(b.Positions[4*i:]))
		ids = ids[end+1:]
	}
	return nil
}

// BlockMarkers decodes b into markers appended to ms.
func BlockMarkers(ms []Marker, b MarkerBlock) ([]Marker, error) {
	n := b.Len()
	if len(b.Positions) != 4*n {
		return ms, fmt.Errorf("marker block at %d is malformed", b.First)
	}
	ids := b.IDs
	for i := range n {
		end := bytes.IndexByte(ids, '\n')
		if end < 0 {
			return ms, fmt.Errorf("marker block at %d is malformed", b.First)
		}
		ms = append(ms, Marker{ID: string(ids[:end]), Chrom: Chromosome(b.Chroms[i]), Pos: binary.LittleEndian.Uint32(b.Positions[4*i:])})
		ids = ids[end+1:]
	}
	return ms, nil
}
