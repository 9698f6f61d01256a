package web

import "phenolink/internal/phenolink"

// chromosomeChart is the per-chromosome bar chart of marker counts, drawn
// as SVG on the server; the table beside it carries the same numbers.
type chromosomeChart struct {
	Bars   []chromosomeBar
	Height int // of the SVG's view box
}

// chromosomeBar is one chromosome's bar, in view-box units.
type chromosomeBar struct {
	phenolink.ChromosomeCount
	Label string
	Y     int
	Width float64 // percent of the widest bar's 100
}

// chartRowHeight is one bar's band in the view box.
const chartRowHeight = 16

func newChromosomeChart(counts []phenolink.ChromosomeCount) chromosomeChart {
	most := 1
	for _, c := range counts {
		most = max(most, c.Markers)
	}
	ch := chromosomeChart{Height: len(counts) * chartRowHeight}
	for i, c := range counts {
		ch.Bars = append(ch.Bars, chromosomeBar{
			ChromosomeCount: c,
			Label:           c.Chrom.String(),
			Y:               i * chartRowHeight,
			Width:           100 * float64(c.Markers) / float64(most),
		})
	}
	return ch
}
