package scan

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"slices"

	"phenolink/internal/phenolink"
)

// GenomeWideLog10P is -log10 of the genome-wide significance threshold
// 5e-8 that ManhattanPNG draws.
var GenomeWideLog10P = -math.Log10(5e-8)

// Plot size bounds: a larger image is refused rather than drawn.
const (
	MinPlotSide = 64
	MaxPlotSide = 4096
)

// Colours of the plots, indexes into plotPalette.
const (
	colourBackground = iota
	colourAxis
	colourOdd  // odd chromosomes, and QQ points
	colourEven // even chromosomes
	colourLine // the genome-wide line, the QQ diagonal
)

var plotPalette = color.Palette{
	color.RGBA{0xff, 0xff, 0xff, 0xff},
	color.RGBA{0x55, 0x55, 0x55, 0xff},
	color.RGBA{0x1f, 0x4e, 0x99, 0xff},
	color.RGBA{0x7f, 0xa8, 0xd9, 0xff},
	color.RGBA{0xd0, 0x30, 0x30, 0xff},
}

// plotMargin leaves room for the axes inside the image; the page writes
// the labels in HTML beside it, placed with ManhattanLayout or QQLayout.
const plotMargin = 4

// pointRadius: a point is a (2r+1)-pixel square.
const pointRadius = 1

// ChromosomeSpan is where one chromosome's markers lie on a Manhattan
// plot, in pixels from the image's left edge.
type ChromosomeSpan struct {
	Chrom  phenolink.Chromosome
	X0, X1 int
}

// Layout says where a plot's data lie in its image, so the page can label
// the axes: Plot is the data area; a value v on the y axis (and on a QQ
// plot's x axis) is at the fraction v/Max of it.
type Layout struct {
	Plot        image.Rectangle
	Max         float64          // -log10 p at the top of the y axis
	Chromosomes []ChromosomeSpan // Manhattan plots only, in chromosome order
	// chromStart[c] is the genome offset, in base pairs, where
	// chromosome c starts on the x axis; scale is pixels per base pair.
	chromStart [phenolink.ChromosomeMT + 1]float64
	chromMin   [phenolink.ChromosomeMT + 1]uint32
	scale      float64
}

func checkSize(width, height int) error {
	if width < MinPlotSide || height < MinPlotSide || width > MaxPlotSide || height > MaxPlotSide {
		return phenolink.Errorf(phenolink.EINVALID, "A plot is %d to %d pixels on each side, not %dx%d.", MinPlotSide, MaxPlotSide, width, height)
	}
	return nil
}

// ManhattanLayout returns where ManhattanPNG puts each chromosome and the
// y scale: chromosomes take widths in proportion to the span of their
// tested markers, with small gaps, and the y axis reaches 5% above the
// larger of the top hit and the genome-wide line.
func ManhattanLayout(r Results, width, height int) Layout {
	l := Layout{Plot: image.Rect(plotMargin, plotMargin, width-plotMargin, height-plotMargin)}
	var lo, hi [phenolink.ChromosomeMT + 1]uint32
	var seen [phenolink.ChromosomeMT + 1]bool
	top := GenomeWideLog10P
	for i := range r {
		m := r[i].Marker
		if !m.Chrom.Valid() {
			continue
		}
		if !seen[m.Chrom] || m.Pos < lo[m.Chrom] {
			lo[m.Chrom] = m.Pos
		}
		if !seen[m.Chrom] || m.Pos > hi[m.Chrom] {
			hi[m.Chrom] = m.Pos
		}
		seen[m.Chrom] = true
		if !math.IsInf(r[i].Log10P, 0) {
			top = max(top, r[i].Log10P)
		}
	}
	l.Max = top * 1.05
	var total float64
	var chroms []phenolink.Chromosome
	for c := phenolink.Chromosome(1); c <= phenolink.ChromosomeMT; c++ {
		if seen[c] {
			chroms = append(chroms, c)
			total += float64(hi[c]-lo[c]) + 1
		}
	}
	if len(chroms) == 0 {
		return l
	}
	gap := total / 100
	total += gap * float64(len(chroms)-1)
	l.scale = float64(l.Plot.Dx()-1) / total
	var at float64
	for _, c := range chroms {
		l.chromStart[c], l.chromMin[c] = at, lo[c]
		end := at + float64(hi[c]-lo[c])
		l.Chromosomes = append(l.Chromosomes, ChromosomeSpan{Chrom: c, X0: l.Plot.Min.X + int(at*l.scale), X1: l.Plot.Min.X + int(end*l.scale)})
		at = end + 1 + gap
	}
	return l
}

// Point returns the pixel where ManhattanPNG draws r.
func (l Layout) Point(r Result) image.Point {
	c := r.Marker.Chrom
	x := l.chromStart[c] + float64(r.Marker.Pos-l.chromMin[c])
	return image.Pt(l.Plot.Min.X+int(x*l.scale), l.y(r.Log10P))
}

// y maps -log10 p to a pixel row, clamped to the plot.
func (l Layout) y(v float64) int {
	f := v / l.Max
	if math.IsNaN(f) || f < 0 {
		f = 0
	}
	f = min(f, 1)
	return l.Plot.Max.Y - 1 - int(math.Round(f*float64(l.Plot.Dy()-1)))
}

// x maps an expected -log10 p to a pixel column on a QQ plot.
func (l Layout) x(v float64) int {
	f := min(max(v/l.Max, 0), 1)
	return l.Plot.Min.X + int(math.Round(f*float64(l.Plot.Dx()-1)))
}

// ManhattanPNG draws every tested marker at its genome position and
// -log10 p, chromosomes in alternating colours, with the genome-wide
// significance line at 5e-8. Points are drawn as small squares straight
// into a paletted image, so a pixel holds one colour however many points
// fall on it and the PNG's size depends on the picture, not on the
// number of markers (a few tens of kilobytes at 1200x400).
func ManhattanPNG(w io.Writer, r Results, width, height int) error {
	if err := checkSize(width, height); err != nil {
		return err
	}
	l := ManhattanLayout(r, width, height)
	img := image.NewPaletted(image.Rect(0, 0, width, height), plotPalette)
	drawAxes(img, l.Plot)
	lineY := l.y(GenomeWideLog10P)
	for x := l.Plot.Min.X; x < l.Plot.Max.X; x++ {
		if x/4%2 == 0 { // dashed, so points on the line stay visible
			img.SetColorIndex(x, lineY, colourLine)
		}
	}
	for i := range r {
		if !r[i].Marker.Chrom.Valid() {
			continue
		}
		colour := uint8(colourOdd)
		if r[i].Marker.Chrom%2 == 0 {
			colour = colourEven
		}
		drawPoint(img, l.Point(r[i]), colour)
	}
	return encodePNG(w, img)
}

// QQLayout returns QQPNG's data area and the common maximum of its axes.
func QQLayout(r Results, width, height int) Layout {
	l := Layout{Plot: image.Rect(plotMargin, plotMargin, width-plotMargin, height-plotMargin)}
	top := 0.0
	if len(r) > 0 {
		top = -math.Log10(0.5 / float64(len(r)))
	}
	for i := range r {
		if !math.IsInf(r[i].Log10P, 0) {
			top = max(top, r[i].Log10P)
		}
	}
	l.Max = max(top, 1) * 1.05
	return l
}

// QQPNG draws observed against expected -log10 p for the tested markers
// with the diagonal that they follow under the null; the page captions it
// with the scan's lambda.
func QQPNG(w io.Writer, r Results, width, height int) error {
	if err := checkSize(width, height); err != nil {
		return err
	}
	l := QQLayout(r, width, height)
	img := image.NewPaletted(image.Rect(0, 0, width, height), plotPalette)
	drawAxes(img, l.Plot)
	for x := l.Plot.Min.X; x < l.Plot.Max.X; x++ {
		v := float64(x-l.Plot.Min.X) / float64(l.Plot.Dx()-1) * l.Max
		img.SetColorIndex(x, l.y(v), colourLine)
	}
	obs := make([]float64, len(r))
	for i := range r {
		obs[i] = r[i].Log10P
	}
	slices.SortFunc(obs, func(a, b float64) int { return -cmpLog10P(a, b) })
	m := float64(len(obs))
	for i, o := range obs {
		e := -math.Log10((float64(i) + 0.5) / m)
		drawPoint(img, image.Pt(l.x(e), l.y(o)), colourOdd)
	}
	return encodePNG(w, img)
}

func drawAxes(img *image.Paletted, plot image.Rectangle) {
	for y := plot.Min.Y; y < plot.Max.Y; y++ {
		img.SetColorIndex(plot.Min.X-1, y, colourAxis)
	}
	for x := plot.Min.X - 1; x < plot.Max.X; x++ {
		img.SetColorIndex(x, plot.Max.Y, colourAxis)
	}
}

func drawPoint(img *image.Paletted, p image.Point, colour uint8) {
	for dy := -pointRadius; dy <= pointRadius; dy++ {
		for dx := -pointRadius; dx <= pointRadius; dx++ {
			img.SetColorIndex(p.X+dx, p.Y+dy, colour)
		}
	}
}

func encodePNG(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(w, img); err != nil {
		return fmt.Errorf("scan: writing PNG: %w", err)
	}
	return nil
}
