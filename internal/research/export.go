package research

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"phenolink/internal/phenolink"
)

// csvHeader names the CSV columns: one row per genotype group, the table's
// and the test's columns repeated on each; a table without groups and an
// unknown id take one row with a note.
var csvHeader = []string{
	"snp", "chrom", "pos", "phenotype_id", "phenotype", "unit", "kind",
	"genotype", "dosage", "n", "mean", "sd", "median", "cases", "case_rate",
	"table_n", "left_out", "model", "a1", "a2", "beta", "se", "stat", "p", "minus_log10_p",
	"or", "or_low", "or_high", "note",
}

// WriteCSV writes what the page shows as CSV: a hidden group's row gives
// its genotype and "<k" for its size, and no statistic.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return fmt.Errorf("research.WriteCSV: %w", err)
	}
	for _, id := range r.Unknown {
		row := make([]string, len(csvHeader))
		row[0] = cell(id)
		row[len(row)-1] = "not in the marker index"
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("research.WriteCSV: %w", err)
		}
	}
	for i := range r.Tables {
		for _, row := range r.csvRows(&r.Tables[i]) {
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("research.WriteCSV: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("research.WriteCSV: %w", err)
	}
	return nil
}

// csvRows returns t's rows.
func (r *Report) csvRows(t *Table) [][]string {
	p := t.Phenotype
	head := []string{cell(t.Marker.ID), t.Marker.Chrom.String(), strconv.FormatUint(uint64(t.Marker.Pos), 10),
		cell(p.ID), cell(p.Label), cell(p.Unit), p.Kind}
	tail := []string{strconv.Itoa(t.N), strconv.Itoa(t.LeftOut)}
	if ts := t.Test; ts != nil {
		tail = append(tail, ts.Model, ts.A1, ts.A2, num(ts.Beta), num(ts.SE), num(ts.Stat), num(ts.P), num(ts.MinusLog10P))
		if ts.Model == ModelLogistic {
			tail = append(tail, num(ts.OR), num(ts.ORLow), num(ts.ORHigh))
		} else {
			tail = append(tail, "", "", "")
		}
	} else {
		tail = append(tail, make([]string, 11)...)
	}
	tail = append(tail, cell(t.Note))
	binary := p.Kind == phenolink.Binary
	var rows [][]string
	for _, g := range t.Groups {
		mid := make([]string, 8)
		mid[0], mid[1] = g.Genotype, dose(g.Dosage)
		switch {
		case g.Hidden:
			mid[2] = "<" + strconv.Itoa(r.MinGroupSize)
		case binary:
			mid[2], mid[6], mid[7] = strconv.Itoa(g.N), strconv.Itoa(g.Cases), num(g.CaseRate)
		default:
			mid[2], mid[3], mid[4], mid[5] = strconv.Itoa(g.N), num(g.Mean), num(g.SD), num(g.Median)
		}
		rows = append(rows, concat(head, mid, tail))
	}
	if len(rows) == 0 {
		rows = append(rows, concat(head, make([]string, 8), tail))
	}
	return rows
}

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// num writes a statistic; NaN (an SD of one person) is left empty.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func dose(d int) string {
	if d < 0 {
		return ""
	}
	return strconv.Itoa(d)
}

// cell keeps text that a spreadsheet would run as a formula from being
// one.
func cell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// The JSON export's shape: what the page shows, with a hidden group's
// numbers absent rather than zero.
type (
	jsonReport struct {
		MinGroupSize int         `json:"min_group_size"`
		Unknown      []string    `json:"unknown"`
		Tables       []jsonTable `json:"tables"`
	}
	jsonTable struct {
		SNP       string        `json:"snp"`
		Chrom     string        `json:"chrom"`
		Pos       uint32        `json:"pos"`
		Phenotype jsonPhenotype `json:"phenotype"`
		N         int           `json:"n"`
		LeftOut   int           `json:"left_out"`
		Groups    []jsonGroup   `json:"groups"`
		Test      *jsonTest     `json:"test"`
		Note      string        `json:"note,omitempty"`
	}
	jsonPhenotype struct {
		ID     string     `json:"id"`
		Label  string     `json:"label"`
		Unit   string     `json:"unit,omitempty"`
		Kind   string     `json:"kind"`
		Levels *[2]string `json:"levels,omitempty"`
	}
	jsonGroup struct {
		Genotype string   `json:"genotype"`
		Dosage   *int     `json:"dosage,omitempty"`
		Hidden   bool     `json:"hidden,omitempty"`
		N        *int     `json:"n,omitempty"`
		Mean     *float64 `json:"mean,omitempty"`
		SD       *float64 `json:"sd,omitempty"`
		Median   *float64 `json:"median,omitempty"`
		Cases    *int     `json:"cases,omitempty"`
		CaseRate *float64 `json:"case_rate,omitempty"`
	}
	jsonTest struct {
		Model       string   `json:"model"`
		A1          string   `json:"a1"`
		A2          string   `json:"a2"`
		N           int      `json:"n"`
		Beta        float64  `json:"beta"`
		SE          float64  `json:"se"`
		Stat        float64  `json:"stat"`
		P           float64  `json:"p"`
		MinusLog10P float64  `json:"minus_log10_p"`
		OR          *float64 `json:"or,omitempty"`
		ORLow       *float64 `json:"or_low,omitempty"`
		ORHigh      *float64 `json:"or_high,omitempty"`
		Firth       bool     `json:"firth,omitempty"`
	}
)

// WriteJSON writes what the page shows as JSON: a hidden group has its
// genotype and "hidden": true, and no size or statistic.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{MinGroupSize: r.MinGroupSize, Unknown: r.Unknown, Tables: make([]jsonTable, 0, len(r.Tables))}
	if out.Unknown == nil {
		out.Unknown = []string{}
	}
	for i := range r.Tables {
		out.Tables = append(out.Tables, jsonTableOf(&r.Tables[i]))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("research.WriteJSON: %w", err)
	}
	return nil
}

func jsonTableOf(t *Table) jsonTable {
	p := t.Phenotype
	jt := jsonTable{SNP: t.Marker.ID, Chrom: t.Marker.Chrom.String(), Pos: t.Marker.Pos,
		Phenotype: jsonPhenotype{ID: p.ID, Label: p.Label, Unit: p.Unit, Kind: p.Kind},
		N:         t.N, LeftOut: t.LeftOut, Groups: make([]jsonGroup, 0, len(t.Groups)), Note: t.Note}
	binary := p.Kind == phenolink.Binary
	if binary {
		jt.Phenotype.Levels = &p.Levels
	}
	for _, g := range t.Groups {
		jg := jsonGroup{Genotype: g.Genotype, Hidden: g.Hidden}
		if g.Dosage >= 0 {
			jg.Dosage = ptr(g.Dosage)
		}
		switch {
		case g.Hidden:
		case binary:
			jg.N, jg.Cases, jg.CaseRate = ptr(g.N), ptr(g.Cases), ptr(g.CaseRate)
		default:
			jg.N, jg.Mean, jg.SD, jg.Median = ptr(g.N), finite(g.Mean), finite(g.SD), finite(g.Median)
		}
		jt.Groups = append(jt.Groups, jg)
	}
	if ts := t.Test; ts != nil {
		jt.Test = &jsonTest{Model: ts.Model, A1: ts.A1, A2: ts.A2, N: ts.N, Beta: ts.Beta, SE: ts.SE, Stat: ts.Stat,
			P: ts.P, MinusLog10P: ts.MinusLog10P, Firth: ts.Firth}
		if ts.Model == ModelLogistic {
			jt.Test.OR, jt.Test.ORLow, jt.Test.ORHigh = finite(ts.OR), finite(ts.ORLow), finite(ts.ORHigh)
		}
	}
	return jt
}

func ptr[T any](v T) *T { return &v }

// finite returns nil for NaN and infinities, which JSON cannot hold.
func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
