package rawfile

import (
	"slices"
	"sort"
	"unsafe"

	"phenolink/internal/phenolink"
)

// finish turns the columns into a Genome: it checks the file had rows,
// drops repeated rows and gives each marker its id.
func (p *parser) finish() (*Genome, error) {
	p.trim()
	n := len(p.calls)
	if n == 0 {
		if p.build == 0 {
			return nil, invalidf("The file %shas no genotype rows and no line naming the genome build, so it is not a 23andMe raw-data file. Download your raw data from 23andMe again and upload that file.", named(p.name))
		}
		return nil, invalidf("The file %shas a header but no genotype rows; it was probably cut short. Download your raw data from 23andMe again and upload the whole file.", named(p.name))
	}
	all := p.joinedIDs() // every id is a substring of it
	// Finding repeated rows and writing out the markers only read the
	// columns, so they run side by side; a file that does repeat rows
	// then has its markers compacted.
	type found struct {
		dropped []int
		err     error
	}
	repeats := make(chan found, 1)
	go func() {
		dropped, err := p.repeats(all)
		repeats <- found{dropped, err}
	}()
	markers := make([]Marker, n)
	for i := range markers {
		markers[i] = Marker{ID: p.id(all, i), Chrom: p.chroms[i], Pos: p.positions[i]}
	}
	r := <-repeats
	p.keys = nil // 4 MB for a full file, not needed past here
	if r.err != nil {
		return nil, r.err
	}
	g := &Genome{Build: p.build, Header: p.header}
	g.Summary.Rows, g.Summary.Duplicates = n, len(r.dropped)
	calls := p.calls
	if len(r.dropped) > 0 {
		markers, calls = drop(markers, calls, r.dropped)
	}
	g.Markers = markers
	g.Calls = calls
	for _, c := range g.Calls {
		switch {
		case c == phenolink.NoCall:
			g.Summary.NoCalls++
		case c.IsHaploid():
			g.Summary.Haploid++
		}
		if c.IsCalled() && (isIndel(c.First()) || isIndel(c.Second())) {
			g.Summary.Indels++
		}
	}
	return g, nil
}

// drop removes the rows in dropped, which are in order, from markers and
// calls in place: row k lands at or before k.
func drop(markers []Marker, calls []phenolink.Call, dropped []int) ([]Marker, []phenolink.Call) {
	kept := 0
	for i := range markers {
		if len(dropped) > 0 && dropped[0] == i {
			dropped = dropped[1:]
			continue
		}
		markers[kept], calls[kept] = markers[i], calls[i]
		kept++
	}
	clear(markers[kept:])
	return markers[:kept], calls[:kept]
}

// joinedIDs returns the ids column as one string without copying it: the
// parser never writes to p.ids again, so the string's bytes stay as they
// are, and a full file's ids (10 MB) are not held twice.
func (p *parser) joinedIDs() string {
	if len(p.ids) == 0 {
		return ""
	}
	return unsafe.String(&p.ids[0], len(p.ids))
}

// id returns row i's marker id as a substring of all, the joined ids.
func (p *parser) id(all string, i int) string {
	start := uint32(0)
	if i > 0 {
		start = p.idEnds[i-1]
	}
	return all[start:p.idEnds[i]]
}

// repeats returns, in order, the rows that repeat an earlier row exactly,
// and refuses a marker id that comes back with another chromosome,
// position or call, since either call could be the wrong one.
func (p *parser) repeats(all string) ([]int, error) {
	var found []repeat
	var others map[string]int32 // ids not shaped rs<digits> or i<digits>; rare
	for i, key := range p.keys {
		if key != 0 {
			continue
		}
		id := p.id(all, i)
		if others == nil {
			others = make(map[string]int32)
		}
		if first, seen := others[id]; seen {
			found = append(found, repeat{row: int32(i), first: first})
		} else {
			others[id] = int32(i)
		}
	}
	found = append(found, keyRepeats(p.keys)...)
	slices.SortFunc(found, func(a, b repeat) int { return int(a.row - b.row) })
	dropped := make([]int, 0, len(found))
	for _, r := range found {
		i, j := int(r.row), int(r.first)
		if p.chroms[j] != p.chroms[i] || p.positions[j] != p.positions[i] || p.calls[j] != p.calls[i] {
			return nil, rowError(p.lineOf(i), "marker %s appears again, now at chromosome %s position %d with genotype %s, but an earlier row (line %d) has it at chromosome %s position %d with genotype %s. The file is damaged or was edited.",
				p.id(all, i), p.chroms[i], p.positions[i], p.calls[i], p.lineOf(j), p.chroms[j], p.positions[j], p.calls[j])
		}
		dropped = append(dropped, i)
	}
	return dropped, nil
}

// lineOf returns the line number of data row i, counting the blank and
// comment lines that sat between rows.
func (p *parser) lineOf(i int) int {
	skipped := sort.Search(len(p.gaps), func(k int) bool { return p.gaps[k] > i })
	return p.firstData + i + skipped
}

func isIndel(allele uint8) bool {
	return allele == phenolink.AlleleDeleted || allele == phenolink.AlleleInsert
}
