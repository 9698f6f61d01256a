package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"

	"phenolink/internal/phenolink"
	"phenolink/internal/research"
)

// resultsTable is one SNP and phenotype as the page shows it, every number
// already formatted: the template only places them.
type resultsTable struct {
	Anchor    string // the table's id on the page
	SNP       string
	Chrom     string
	Pos       string
	Phenotype phenolink.Phenotype
	Binary    bool
	N         int
	LeftOut   int
	// HiddenGroups counts the groups shown as "fewer than k".
	HiddenGroups int
	Groups       []resultsGroup
	Test         *resultsTest
	Note         string
	ChartSVG     template.HTML // the table's chart, drawn; empty when none
	K            int           // the minimum group size, for "fewer than k"
}

// resultsGroup is one genotype group's row. A hidden group carries its
// genotype and dosage only: its numbers never reach the template.
type resultsGroup struct {
	Genotype string
	Dosage   string
	Hidden   bool
	N        int
	Mean     string
	SD       string
	Median   string
	Cases    int
	CaseRate string
}

// resultsTest is the additive model's result as shown.
type resultsTest struct {
	Logistic bool
	A1, A2   string
	N        int
	Beta, SE string
	Stat     string
	P        string
	OR       string
	CI       string
	Firth    bool
}

// resultsTableOf formats table i of the report.
func resultsTableOf(i int, t *research.Table, k int) resultsTable {
	out := resultsTable{
		Anchor:    fmt.Sprintf("table-%d", i+1),
		SNP:       t.Marker.ID,
		Chrom:     t.Marker.Chrom.String(),
		Pos:       thousands(int64(t.Marker.Pos)),
		Phenotype: t.Phenotype,
		Binary:    t.Phenotype.Kind == phenolink.Binary,
		N:         t.N,
		LeftOut:   t.LeftOut,
		Note:      t.Note,
		K:         k,
	}
	for _, g := range t.Groups {
		out.Groups = append(out.Groups, resultsGroupOf(g, out.Binary))
		if g.Hidden {
			out.HiddenGroups++
		}
	}
	if ts := t.Test; ts != nil {
		out.Test = resultsTestOf(ts)
	}
	if len(t.Groups) > 0 {
		c := resultsChartOf(out.Anchor+"-chart", t, k)
		out.ChartSVG = c.svg()
	}
	return out
}

func resultsGroupOf(g research.Group, binary bool) resultsGroup {
	out := resultsGroup{Genotype: g.Genotype, Dosage: "—", Hidden: g.Hidden}
	if g.Dosage >= 0 {
		out.Dosage = strconv.Itoa(g.Dosage)
	}
	switch {
	case g.Hidden:
	case binary:
		out.N, out.Cases, out.CaseRate = g.N, g.Cases, formatPercent(g.CaseRate)
	default:
		out.N, out.Mean, out.SD, out.Median = g.N, formatValue(g.Mean), formatValue(g.SD), formatValue(g.Median)
	}
	return out
}

func resultsTestOf(ts *research.Test) *resultsTest {
	out := &resultsTest{
		Logistic: ts.Model == research.ModelLogistic,
		A1:       ts.A1, A2: ts.A2, N: ts.N,
		Beta: formatValue(ts.Beta), SE: formatValue(ts.SE), Stat: formatStat(ts.Stat),
		P:     formatP(ts.P, ts.MinusLog10P),
		Firth: ts.Firth,
	}
	if out.Logistic {
		out.OR = formatStat(ts.OR)
		out.CI = formatStat(ts.ORLow) + " to " + formatStat(ts.ORHigh)
	}
	return out
}

// resultsChartOf draws the table's groups: each shown group's mean with
// one standard error either side, or its case rate with the binomial
// standard error. Hidden groups get no bar.
func resultsChartOf(id string, t *research.Table, k int) resultsChart {
	p := t.Phenotype
	binary := p.Kind == phenolink.Binary
	bars := make([]chartBar, len(t.Groups))
	for i, g := range t.Groups {
		bars[i] = chartBar{Label: g.Genotype, Hidden: g.Hidden}
		switch {
		case g.Hidden || g.N == 0:
		case binary:
			bars[i].Value = g.CaseRate
			bars[i].Err = math.Sqrt(g.CaseRate * (1 - g.CaseRate) / float64(g.N))
		default:
			bars[i].Value = g.Mean
			if !math.IsNaN(g.SD) {
				bars[i].Err = g.SD / math.Sqrt(float64(g.N))
			}
		}
	}
	title := fmt.Sprintf("%s by %s genotype", p.Label, t.Marker.ID)
	desc := fmt.Sprintf("Mean %s per genotype of %s, with one standard error either side.", p.Label, t.Marker.ID)
	format := formatValue
	if binary {
		title = fmt.Sprintf("Share of %s by %s genotype", p.Levels[1], t.Marker.ID)
		desc = fmt.Sprintf("Share of %s (%s) per genotype of %s, with one standard error either side.", p.Levels[1], p.Label, t.Marker.ID)
		format = formatPercent
	} else if p.Unit != "" {
		desc = fmt.Sprintf("Mean %s (%s) per genotype of %s, with one standard error either side.", p.Label, p.Unit, t.Marker.ID)
	}
	desc += fmt.Sprintf(" Groups of fewer than %d people are not drawn.", k)
	return layoutChart(id, title, desc, bars, format)
}

// formatValue prints a phenotype's statistic to four significant digits,
// writing large ones out in full ("12346" steps rather than "1.235e+04").
func formatValue(v float64) string {
	if a := math.Abs(v); a >= 1e4 && a < 1e12 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return formatStat(v)
}

// formatPercent prints a share as a percentage with one decimal.
func formatPercent(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
}

// formatP prints a p-value to three significant digits; below 1e-300,
// where P is 0, it gives the size from -log10 p instead.
func formatP(p, minusLog10P float64) string {
	if p == 0 && minusLog10P > 0 {
		return fmt.Sprintf("< 1e-300 (−log10 p = %.1f)", minusLog10P)
	}
	return strconv.FormatFloat(p, 'g', 3, 64)
}
