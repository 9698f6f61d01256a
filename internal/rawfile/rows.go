package rawfile

import (
	"bytes"
	"slices"

	"phenolink/internal/phenolink"
)

// parser holds the columns while the file streams past. Marker ids are
// appended to one byte slice and turned into strings in one allocation at
// the end, so a row costs no allocation of its own.
type parser struct {
	name   string
	line   int // number of the line being read, from 1
	header Header
	build  int

	inData    bool
	firstData int   // line number of the first data row
	gaps      []int // row counts at which a blank or comment line sat between rows

	// The columns, one entry per data row; Markers are built at the end.
	// While rows are read the columns are kept at their full length and
	// written by index, rows and idLen saying how much is used: a row then
	// costs one count to update rather than six slice lengths.
	rows      int
	idLen     int
	ids       []byte
	idEnds    []uint32
	keys      []uint32 // markerKey of each id, to find repeated ids
	chroms    []phenolink.Chromosome
	positions []uint32
	calls     []phenolink.Call
}

// idByte marks the bytes a marker id may hold.
var idByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	t['_'], t['-'], t['.'], t[':'] = true, true, true, true
	return t
}()

// maxIDBytes bounds a marker id; real ones are under 15 bytes.
const maxIDBytes = 64

// handle reads one line, its line end removed.
func (p *parser) handle(line []byte) error {
	if len(line) == 0 || line[0] == '#' {
		if p.inData {
			p.gaps = append(p.gaps, p.rows)
			return nil
		}
		if len(line) == 0 {
			return nil
		}
		return p.comment(line)
	}
	if !p.inData {
		if done, err := p.beforeData(line); done || err != nil {
			return err
		}
		if p.build == 0 {
			return invalidf("Line %d is the first genotype row, but no line before it names the genome build (23andMe files say \"We are using reference human assembly build 37\"), so the positions cannot be trusted. Download your raw data from 23andMe again and upload that file.", p.line)
		}
		p.inData, p.firstData = true, p.line
	}
	// plainRows reads nearly every row; the few it leaves (one too near a
	// chunk's end, an id of another shape) are read field by field.
	return p.checkedRow(line)
}

// add appends one row to the columns; key is markerKey(id).
func (p *parser) add(id []byte, key uint32, chrom phenolink.Chromosome, pos uint32, call phenolink.Call) {
	n := p.rows
	if n == len(p.calls) || p.idLen+len(id) > len(p.ids) {
		p.grow(len(id))
	}
	p.idLen += copy(p.ids[p.idLen:], id)
	p.idEnds[n] = uint32(p.idLen)
	p.keys[n] = key
	p.chroms[n] = chrom
	p.positions[n] = pos
	p.calls[n] = call
	p.rows = n + 1
}

// checkedRow reads a row field by field, to accept it or to explain why not.
func (p *parser) checkedRow(line []byte) error {
	t1 := bytes.IndexByte(line, '\t')
	if t1 < 0 {
		return p.columnsError(line)
	}
	id, rest := line[:t1], line[t1+1:]
	t2 := bytes.IndexByte(rest, '\t')
	if t2 < 0 {
		return p.columnsError(line)
	}
	chromB, rest := rest[:t2], rest[t2+1:]
	t3 := bytes.IndexByte(rest, '\t')
	if t3 < 0 {
		return p.columnsError(line)
	}
	posB, gt := rest[:t3], rest[t3+1:]
	if bytes.IndexByte(gt, '\t') >= 0 {
		return p.columnsError(line)
	}
	if len(id) == 0 || len(id) > maxIDBytes {
		return p.idError(id)
	}
	for _, c := range id {
		if !idByte[c] {
			return p.idError(id)
		}
	}
	chrom, ok := phenolink.ParseChromosomeBytes(chromB)
	if !ok {
		return rowError(p.line, "chromosome %s is not one of 1 to 22, X, Y or MT.", shown(chromB))
	}
	pos, ok := parsePosition(posB)
	if !ok {
		return rowError(p.line, "position %s is not a whole number from 0 to 4294967295.", shown(posB))
	}
	call, ok := phenolink.ParseCallBytes(gt)
	if !ok || call == phenolink.NotOnChip {
		return rowError(p.line, "genotype %s is not a 23andMe call: use two letters of A, C, G, T, D, I, one letter for a haploid call, or -- for a no-call.", shown(gt))
	}
	p.add(id, markerKey(id), chrom, pos, call)
	return nil
}

// parsePosition reads a base-10 uint32 without sign or spaces.
func parsePosition(b []byte) (uint32, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return uint32(n), n <= 1<<32-1
}

func (p *parser) idError(id []byte) error {
	return rowError(p.line, "marker id %s is not an rsid such as rs4477212 or a 23andMe id such as i701050.", shown(id))
}

// columnsError explains a row without exactly four tab-separated columns,
// naming the format it looks like when it looks like another vendor's.
func (p *parser) columnsError(line []byte) error {
	n := bytes.Count(line, []byte{'\t'}) + 1
	switch {
	case n == 5:
		return rowError(p.line, "the row has 5 columns (allele1 and allele2 apart), as in an AncestryDNA file; Phenolink reads only 23andMe's raw-data file, whose rows have 4.")
	case n == 1 && bytes.Count(line, []byte{','}) >= 3:
		return rowError(p.line, "the row is comma-separated, as in a FamilyTreeDNA or MyHeritage CSV file; Phenolink reads only 23andMe's raw-data file, whose rows have 4 tab-separated columns.")
	}
	return rowError(p.line, "the row has %d tab-separated columns where 23andMe's raw-data file has 4 (rsid, chromosome, position, genotype).", n)
}

// grow doubles the room of the columns that need it to take one more row
// with an id of idBytes bytes. append alone grows large slices by about a
// quarter at a time, which copies a million-row file's columns many times.
func (p *parser) grow(idBytes int) {
	if p.rows == len(p.calls) {
		n := max(p.rows, 1<<10)
		p.idEnds = extend(p.idEnds, p.rows, n)
		p.keys = extend(p.keys, p.rows, n)
		p.chroms = extend(p.chroms, p.rows, n)
		p.positions = extend(p.positions, p.rows, n)
		p.calls = extend(p.calls, p.rows, n)
	}
	if p.idLen+idBytes > len(p.ids) {
		p.ids = extend(p.ids, p.idLen, max(p.idLen, idBytes, 1<<10*idBytesPerRow))
	}
}

// extend returns s cut to its first used elements plus room for n more,
// all within its length, so that columns grown together stay the same
// length whatever capacity each got.
func extend[T any](s []T, used, n int) []T {
	return slices.Grow(s[:used], n)[:used+n]
}

// trim cuts the columns to the rows read, once reading is done.
func (p *parser) trim() {
	p.ids = p.ids[:p.idLen]
	p.idEnds = p.idEnds[:p.rows]
	p.keys = p.keys[:p.rows]
	p.chroms = p.chroms[:p.rows]
	p.positions = p.positions[:p.rows]
	p.calls = p.calls[:p.rows]
}
