package phenolink

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// Search lists a page of the markers that match q (as Normalize returns it)
// and are on the chip of the profile whose record is given, ordered by
// chromosome, position and index position. The first search builds sort
// orders over the whole index (8 bytes a marker); growth drops them.
func (x *MarkerIndex) Search(q GenotypeQuery, record []Call) GenotypePage {
	onChip := func(i uint32) bool { return int(i) < len(record) && record[i] != NotOnChip }
	page := GenotypePage{Rows: []GenotypeRow{}}
	var found []uint32
	switch {
	case q.ID != "" && !q.Prefix:
		if p, ok := x.Lookup(q.ID); ok && onChip(uint32(p)) {
			found = []uint32{uint32(p)}
		}
	case q.ID != "":
		byID := x.sortedByID()
		start, _ := slices.BinarySearchFunc(byID, q.ID, func(p uint32, id string) int {
			return strings.Compare(string(x.idBytes(int(p))), id)
		})
		for _, p := range byID[start:] {
			if !bytes.HasPrefix(x.idBytes(int(p)), []byte(q.ID)) {
				break
			}
			if onChip(p) {
				found = append(found, p)
			}
		}
		slices.SortFunc(found, x.comparePos)
	default:
		return x.searchRegion(q, record)
	}
	found = found[min(q.Offset, len(found)):]
	if len(found) > q.Limit {
		found, page.More = found[:q.Limit], true
	}
	for _, p := range found {
		page.Rows = append(page.Rows, GenotypeRow{Marker: x.Marker(int(p)), Call: record[p]})
	}
	return page
}

// searchRegion walks the markers in position order from the region's start
// (the genome's start without a chromosome).
func (x *MarkerIndex) searchRegion(q GenotypeQuery, record []Call) GenotypePage {
	page := GenotypePage{Rows: []GenotypeRow{}}
	byPos := x.sortedByPos()
	start := 0
	if q.Chrom != 0 {
		start, _ = slices.BinarySearchFunc(byPos, q.Start, func(p uint32, pos uint32) int {
			return cmp.Or(cmp.Compare(x.chrom[p], q.Chrom), cmp.Compare(x.pos[p], pos))
		})
	}
	skip := q.Offset
	for _, p := range byPos[start:] {
		if q.Chrom != 0 && (x.chrom[p] != q.Chrom || x.pos[p] > q.End) {
			break
		}
		if int(p) >= len(record) || record[p] == NotOnChip {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(page.Rows) == q.Limit {
			page.More = true
			break
		}
		page.Rows = append(page.Rows, GenotypeRow{Marker: x.Marker(int(p)), Call: record[p]})
	}
	return page
}

// comparePos orders index positions by chromosome, position and index.
func (x *MarkerIndex) comparePos(a, b uint32) int {
	return cmp.Or(cmp.Compare(x.chrom[a], x.chrom[b]), cmp.Compare(x.pos[a], x.pos[b]), cmp.Compare(a, b))
}

// sortedByPos returns every position in comparePos order.
func (x *MarkerIndex) sortedByPos() []uint32 {
	if len(x.byPos) != x.Len() {
		x.byPos = identity(x.Len())
		slices.SortFunc(x.byPos, x.comparePos)
	}
	return x.byPos
}

// sortedByID returns every position in id order.
func (x *MarkerIndex) sortedByID() []uint32 {
	if len(x.byID) != x.Len() {
		x.byID = identity(x.Len())
		slices.SortFunc(x.byID, func(a, b uint32) int { return bytes.Compare(x.idBytes(int(a)), x.idBytes(int(b))) })
	}
	return x.byID
}

// identity returns 0, 1, ..., n-1.
func identity(n int) []uint32 {
	p := make([]uint32, n)
	for i := range p {
		p[i] = uint32(i)
	}
	return p
}
