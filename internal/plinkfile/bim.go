package plinkfile

import (
	"fmt"
	"strconv"
)

// Variant is one row of a .bim file.
type Variant struct {
	Chrom   string  // chromosome code as written: 1-22, X, Y, XY, MT, or a name
	ID      string  // marker id, e.g. rs3094315
	CM      float64 // genetic position in centimorgans, 0 when unknown
	Pos     int64   // base-pair position
	Allele1 string  // column 5: the allele that .bed code 00 is homozygous for
	Allele2 string  // column 6: the allele that .bed code 11 is homozygous for
}

// bimParser parses .bim lines without allocating for the columns that
// repeat (chromosome codes and alleles), which a 600,000-line file would
// otherwise copy 600,000 times each.
type bimParser struct {
	intern map[string]string
	fields [][]byte
}

func newBimParser() *bimParser { return &bimParser{intern: map[string]string{}} }

func (p *bimParser) shared(b []byte) string {
	if s, ok := p.intern[string(b)]; ok {
		return s
	}
	if len(p.intern) > 4096 {
		return string(b) // long alleles of indels: not worth keeping
	}
	s := string(b)
	p.intern[s] = s
	return s
}

// parse reads one line's six whitespace-separated columns.
func (p *bimParser) parse(line []byte) (Variant, error) {
	f := p.fields[:0]
	for i := 0; i < len(line); {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if j > i {
			f = append(f, line[i:j])
		}
		i = j
	}
	p.fields = f
	if len(f) != 6 {
		return Variant{}, fmt.Errorf("%d columns, want 6 (chrom id cm pos allele1 allele2)", len(f))
	}
	var cm float64
	if !(len(f[2]) == 1 && f[2][0] == '0') {
		v, err := strconv.ParseFloat(string(f[2]), 64)
		if err != nil {
			return Variant{}, fmt.Errorf("centimorgan %q: %w", f[2], err)
		}
		cm = v
	}
	pos, ok := parseUint(f[3])
	if !ok {
		return Variant{}, fmt.Errorf("position %q is not a whole number", f[3])
	}
	return Variant{Chrom: p.shared(f[0]), ID: string(f[1]), CM: cm, Pos: pos, Allele1: p.shared(f[4]), Allele2: p.shared(f[5])}, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func parseUint(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// AppendBimLine appends v as one tab-separated .bim line.
func AppendBimLine(b []byte, v Variant) []byte {
	b = append(b, v.Chrom...)
	b = append(b, '\t')
	b = append(b, v.ID...)
	b = append(b, '\t')
	b = strconv.AppendFloat(b, v.CM, 'g', -1, 64)
	b = append(b, '\t')
	b = strconv.AppendInt(b, v.Pos, 10)
	b = append(b, '\t')
	b = append(b, allele(v.Allele1)...)
	b = append(b, '\t')
	b = append(b, allele(v.Allele2)...)
	return append(b, '\n')
}

// allele writes PLINK's "0" for an unknown allele, so a monomorphic marker
// keeps six columns.
func allele(a string) string {
	if a == "" {
		return "0"
	}
	return a
}
