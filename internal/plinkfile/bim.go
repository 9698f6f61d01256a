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

// parseBim reads one .bim line's six whitespace-separated columns. The
// strings it returns are substrings of line: the reader hands out lines
// as substrings of large chunks of the file, so a 600,000-line .bim costs
// one conversion per chunk instead of a copy of every marker's id.
func parseBim(line string) (Variant, error) {
	var f [6]string
	nf := 0
	for i := 0; i < len(line); {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if j > i {
			if nf < len(f) {
				f[nf] = line[i:j]
			}
			nf++
		}
		i = j
	}
	if nf != 6 {
		return Variant{}, fmt.Errorf("%d columns, want 6 (chrom id cm pos allele1 allele2)", nf)
	}
	var cm float64
	if f[2] != "0" {
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return Variant{}, fmt.Errorf("centimorgan %q: %w", f[2], err)
		}
		cm = v
	}
	pos, ok := parseUint(f[3])
	if !ok {
		return Variant{}, fmt.Errorf("position %q is not a whole number", f[3])
	}
	return Variant{Chrom: f[0], ID: f[1], CM: cm, Pos: pos, Allele1: f[4], Allele2: f[5]}, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func parseUint(b string) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for i := range len(b) {
		c := b[i]
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
