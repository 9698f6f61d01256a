package plinkfile

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Table is a phenotype or covariate file as PLINK's --pheno and --covar read
// it: a header "FID IID name..." and one row of values per sample. Missing
// values are NaN.
type Table struct {
	Names []string    // value column names, after FID and IID
	FID   []string    // family id of each row
	IID   []string    // individual id of each row
	Rows  [][]float64 // Rows[i][j] is column Names[j] of sample i
}

// ReadTable parses a phenotype or covariate file with a header line. "NA",
// "nan" and PLINK's "-9" read as missing.
func ReadTable(r io.Reader) (*Table, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("plinkfile.ReadTable: %w", err)
		}
		return nil, fmt.Errorf("plinkfile.ReadTable: empty file, want a header line FID IID name...")
	}
	head := strings.Fields(sc.Text())
	if len(head) < 3 || strings.TrimPrefix(head[0], "#") != "FID" || head[1] != "IID" {
		return nil, fmt.Errorf("plinkfile.ReadTable: header %q, want FID IID name...", sc.Text())
	}
	t := &Table{Names: head[2:]}
	for line := 2; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != len(head) {
			return nil, fmt.Errorf("plinkfile.ReadTable: line %d: %d columns, header has %d", line, len(f), len(head))
		}
		row := make([]float64, len(t.Names))
		for j, s := range f[2:] {
			row[j] = parseValue(s)
		}
		t.FID = append(t.FID, f[0])
		t.IID = append(t.IID, f[1])
		t.Rows = append(t.Rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("plinkfile.ReadTable: %w", err)
	}
	return t, nil
}

func parseValue(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v == -9 || math.IsInf(v, 0) {
		return math.NaN()
	}
	return v
}

// Column returns column name's values keyed by row order, or false when the
// table has no such column.
func (t *Table) Column(name string) ([]float64, bool) {
	for j, n := range t.Names {
		if n == name {
			col := make([]float64, len(t.Rows))
			for i, row := range t.Rows {
				col[i] = row[j]
			}
			return col, true
		}
	}
	return nil, false
}

// WriteTable writes t with a tab-separated header; NaN is written as NA,
// which both PLINK 1.9 and PLINK 2 read as missing.
func WriteTable(w io.Writer, t *Table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("FID\tIID")
	for _, n := range t.Names {
		bw.WriteString("\t" + n)
	}
	bw.WriteByte('\n')
	var b []byte
	for i, row := range t.Rows {
		b = append(b[:0], t.FID[i]...)
		b = append(b, '\t')
		b = append(b, t.IID[i]...)
		for _, v := range row {
			b = append(b, '\t')
			if math.IsNaN(v) {
				b = append(b, "NA"...)
			} else {
				b = strconv.AppendFloat(b, v, 'g', -1, 64)
			}
		}
		b = append(b, '\n')
		bw.Write(b)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("plinkfile.WriteTable: %w", err)
	}
	return nil
}
