package phenolink

import (
	"hash/maphash"
	"slices"
)

// MarkerIndex is an in-memory copy of the shared marker index that maps an
// upload's marker ids to index positions in one pass, without a round trip
// per marker. It costs about 30 bytes per marker (30 MB for a million),
// plus 8 once searched, so adapters load it lazily and drop it when unused
// (MarkerCache). The index is append-only; an adapter refreshes its copy by
// appending the stored blocks past Len and undoes a failed merge with
// Truncate. It is not safe for concurrent use.
type MarkerIndex struct {
	ids   []byte   // every id, concatenated
	ends  []uint32 // ends[i] is where id i ends in ids
	chrom []Chromosome
	pos   []uint32
	// slots is an open-addressing table with linear probing holding
	// position+1, 0 for empty. Entries are only ever removed newest first
	// (Truncate), which restores the table exactly, so no tombstones.
	slots []uint32
	seed  maphash.Seed
	// byPos and byID list positions in (chromosome, position) and id
	// order for searches; built on the first search, dropped on growth.
	byPos, byID []uint32
}

// NewMarkerIndex returns an empty index.
func NewMarkerIndex() *MarkerIndex {
	return &MarkerIndex{seed: maphash.MakeSeed(), slots: make([]uint32, 1024)}
}

// Len returns the number of markers.
func (x *MarkerIndex) Len() int { return len(x.ends) }

// Marker returns the marker at position i.
func (x *MarkerIndex) Marker(i int) Marker {
	return Marker{ID: x.id(i), Chrom: x.chrom[i], Pos: x.pos[i]}
}

func (x *MarkerIndex) id(i int) string {
	start := uint32(0)
	if i > 0 {
		start = x.ends[i-1]
	}
	return string(x.ids[start:x.ends[i]])
}

// idBytes returns id i without copying it.
func (x *MarkerIndex) idBytes(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = x.ends[i-1]
	}
	return x.ids[start:x.ends[i]]
}

func (x *MarkerIndex) sameID(i int, id string) bool { return string(x.idBytes(i)) == id }

// Grow makes room for n more markers of about idLen bytes each, so that
// loading a large index does not regrow it step by step.
func (x *MarkerIndex) Grow(n, idLen int) { x.grow(n, n*idLen) }

// grow makes room for n more markers whose ids hold idBytes bytes in all.
func (x *MarkerIndex) grow(n, idBytes int) {
	x.ids = slices.Grow(x.ids, idBytes)
	x.ends = slices.Grow(x.ends, n)
	x.chrom = slices.Grow(x.chrom, n)
	x.pos = slices.Grow(x.pos, n)
	if want := 2 * (len(x.ends) + n); want > len(x.slots) {
		size := len(x.slots)
		for size < want {
			size *= 2
		}
		x.rehash(size)
	}
}

// Lookup returns the position of the marker with id.
func (x *MarkerIndex) Lookup(id string) (int, bool) {
	mask := uint64(len(x.slots) - 1)
	for s := maphash.String(x.seed, id) & mask; ; s = (s + 1) & mask {
		v := x.slots[s]
		if v == 0 {
			return 0, false
		}
		if x.sameID(int(v-1), id) {
			return int(v - 1), true
		}
	}
}

// Append adds m at position Len. The caller makes sure m.ID is new.
func (x *MarkerIndex) Append(m Marker) { appendID(x, m.ID, m.Chrom, m.Pos) }

// appendID is Append for an id held as a string or as bytes, without
// converting (and allocating) either.
func appendID[ID string | []byte](x *MarkerIndex, id ID, chrom Chromosome, pos uint32) {
	x.ids = append(x.ids, id...)
	x.ends = append(x.ends, uint32(len(x.ids)))
	x.chrom = append(x.chrom, chrom)
	x.pos = append(x.pos, pos)
	x.byPos, x.byID = nil, nil
	if 2*len(x.ends) > len(x.slots) {
		x.rehash(2 * len(x.slots))
		return
	}
	x.place(len(x.ends) - 1)
}

// appendNew adds m at position Len unless its id is in the index already,
// and returns the position that holds the id and whether it was added. It
// hashes the id once, where Lookup followed by Append hashes it twice.
func (x *MarkerIndex) appendNew(m Marker) (int, bool) {
	if 2*(len(x.ends)+1) > len(x.slots) {
		x.rehash(2 * len(x.slots))
	}
	mask := uint64(len(x.slots) - 1)
	s := maphash.String(x.seed, m.ID) & mask
	for ; x.slots[s] != 0; s = (s + 1) & mask {
		if p := int(x.slots[s] - 1); x.sameID(p, m.ID) {
			return p, false
		}
	}
	x.ids = append(x.ids, m.ID...)
	x.ends = append(x.ends, uint32(len(x.ids)))
	x.chrom = append(x.chrom, m.Chrom)
	x.pos = append(x.pos, m.Pos)
	x.byPos, x.byID = nil, nil
	x.slots[s] = uint32(len(x.ends))
	return len(x.ends) - 1, true
}

// place puts position i into the first free slot of its probe sequence.
func (x *MarkerIndex) place(i int) {
	mask := uint64(len(x.slots) - 1)
	s := maphash.Bytes(x.seed, x.idBytes(i)) & mask
	for x.slots[s] != 0 {
		s = (s + 1) & mask
	}
	x.slots[s] = uint32(i + 1)
}

// rehash rebuilds the table with n slots, inserting in position order so
// that removing newest first stays exact.
func (x *MarkerIndex) rehash(n int) {
	x.slots = make([]uint32, n)
	for i := range x.ends {
		x.place(i)
	}
}

// Truncate removes the markers at positions n and later, newest first.
func (x *MarkerIndex) Truncate(n int) {
	for i := len(x.ends) - 1; i >= n; i-- {
		mask := uint64(len(x.slots) - 1)
		s := maphash.Bytes(x.seed, x.idBytes(i)) & mask
		for x.slots[s] != uint32(i+1) {
			s = (s + 1) & mask
		}
		x.slots[s] = 0
	}
	if n < len(x.ends) {
		x.byPos, x.byID = nil, nil
		end := uint32(0)
		if n > 0 {
			end = x.ends[n-1]
		}
		x.ids, x.ends, x.chrom, x.pos = x.ids[:end], x.ends[:n], x.chrom[:n], x.pos[:n]
	}
}
