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

func parseBimFields(f []string) (Variant, error) {
	if len(f) != 6 {
		return Variant{}, fmt.Errorf("%d columns, want 6 (chrom id cm pos allele1 allele2)", len(f))
	}
	cm, err := strconv.ParseFloat(f[2], 64)
	if err != nil {
		return Variant{}, fmt.Errorf("centimorgan %q: %w", f[2], err)
	}
	pos, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		return Variant{}, fmt.Errorf("position %q: %w", f[3], err)
	}
	return Variant{Chrom: f[0], ID: f[1], CM: cm, Pos: pos, Allele1: f[4], Allele2: f[5]}, nil
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
