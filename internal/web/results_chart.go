package web

import (
	"fmt"
	"math"
	"strconv"
)

// chartBar is one genotype's bar: a mean with an error bar (mean ± SE), or
// a case rate with its binomial standard error. Hidden groups, smaller than
// k, get no bar.
type chartBar struct {
	Label  string
	Value  float64
	Err    float64
	Hidden bool
}

// resultsChart is a bar chart laid out for the template's inline SVG:
// every coordinate is computed here so the template only places them.
type resultsChart struct {
	ID          string // unique on the page, for the title and desc ids
	Title, Desc string
	Width       int
	Height      int
	AxisY0      int // the baseline's y
	Top         int // the plot area's top
	Left        int
	Right       int
	TickX       int // where the y axis' numbers end
	LabelY      int // the genotype labels' baseline
	HiddenY     int // where "hidden" stands in for a bar
	Ticks       []chartTick
	Bars        []chartBarLayout
}

// chartTick is one labelled value on the y axis.
type chartTick struct {
	Y     int
	Label string
}

// chartBarLayout is one bar's place.
type chartBarLayout struct {
	Label           string
	X, Width        int
	Y, Height       int
	ErrTop, ErrBase int
	Mid             int
	Hidden          bool
	Value           string
}

// Chart geometry, in SVG user units: small enough for a card, with room for
// the genotype labels and the y axis' numbers.
const (
	chartWidth, chartHeight = 480, 240
	chartLeft, chartRight   = 64, 16
	chartTop, chartBottom   = 16, 32
)

// layoutChart scales bars from zero (or the smallest value's bound, for
// quantities far from zero) to a rounded maximum.
func layoutChart(id, title, desc string, bars []chartBar, format func(float64) string) resultsChart {
	c := resultsChart{ID: id, Title: title, Desc: desc, Width: chartWidth, Height: chartHeight,
		AxisY0: chartHeight - chartBottom, Top: chartTop, Left: chartLeft, Right: chartWidth - chartRight,
		TickX: chartLeft - 6, LabelY: chartHeight - chartBottom + 20, HiddenY: chartHeight - chartBottom - 8}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range bars {
		if b.Hidden || math.IsNaN(b.Value) {
			continue
		}
		lo, hi = math.Min(lo, b.Value-b.Err), math.Max(hi, b.Value+b.Err)
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	// Bars start at zero unless every value is far from it, where a zero
	// baseline would flatten the differences the chart is for.
	if lo > 0 && lo < hi/2 || lo >= 0 && hi <= 1 {
		lo = 0
	}
	step := niceStep((hi - lo) / 4)
	lo = math.Floor(lo/step) * step
	hi = math.Ceil(hi/step) * step
	if hi <= lo {
		hi = lo + step
	}
	plotH := float64(c.AxisY0 - c.Top)
	y := func(v float64) int { return c.AxisY0 - int(math.Round((v-lo)/(hi-lo)*plotH)) }
	for v := lo; v <= hi+step/2; v += step {
		c.Ticks = append(c.Ticks, chartTick{Y: y(v), Label: strconv.FormatFloat(v, 'g', 4, 64)})
	}
	slot := (c.Right - c.Left) / max(len(bars), 1)
	for i, b := range bars {
		l := chartBarLayout{Label: b.Label, X: c.Left + i*slot + slot/4, Width: slot / 2, Hidden: b.Hidden}
		l.Mid = l.X + l.Width/2
		if !b.Hidden && !math.IsNaN(b.Value) {
			l.Y = y(b.Value)
			l.Height = c.AxisY0 - l.Y
			l.ErrTop, l.ErrBase = y(b.Value+b.Err), y(math.Max(b.Value-b.Err, lo))
			l.Value = format(b.Value)
		}
		c.Bars = append(c.Bars, l)
	}
	return c
}

// niceStep rounds a raw tick step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// formatStat prints a statistic to four significant digits.
func formatStat(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.4g", v)
}
