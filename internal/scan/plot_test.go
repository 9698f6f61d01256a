package scan

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"

	"phenolink/internal/phenolink"
)

// genomeResults makes n null results spread over the genome with one hit.
func genomeResults(n int) Results {
	rng := rand.New(rand.NewPCG(1, 2))
	r := make(Results, n)
	for i := range r {
		chrom := phenolink.Chromosome(1 + i*23/n)
		p := rng.Float64()
		r[i] = Result{Marker: phenolink.Marker{ID: "rs" + string(rune('a'+i%26)), Chrom: chrom, Pos: uint32(1 + (i%(n/23+1))*400)}, P: p, Log10P: -math.Log10(p)}
	}
	r[n/3].P, r[n/3].Log10P = 0, 320 // below float64's p range
	return r
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func isBackground(img image.Image, p image.Point) bool {
	r, g, b, _ := img.At(p.X, p.Y).RGBA()
	return r == 0xffff && g == 0xffff && b == 0xffff
}

func TestManhattanPNG(t *testing.T) {
	r := genomeResults(600_000)
	var b bytes.Buffer
	if err := ManhattanPNG(&b, r, 1200, 400); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 1<<20 {
		t.Errorf("Manhattan plot of 600,000 markers is %d bytes, over 1 MB", b.Len())
	}
	img := decodePNG(t, b.Bytes())
	if img.Bounds() != image.Rect(0, 0, 1200, 400) {
		t.Errorf("bounds %v", img.Bounds())
	}
	l := ManhattanLayout(r, 1200, 400)
	top := r.TopHits(1)[0]
	at := l.Point(top)
	if !at.In(l.Plot) || isBackground(img, at) {
		t.Errorf("top hit at %v (plot %v) is not drawn", at, l.Plot)
	}
	if at.Y > l.Plot.Min.Y+l.Plot.Dy()/20+1 {
		t.Errorf("top hit at row %d, want the top of the plot %d", at.Y, l.Plot.Min.Y)
	}
	if len(l.Chromosomes) != 23 || l.Chromosomes[0].X0 != l.Plot.Min.X || l.Chromosomes[22].X1 > l.Plot.Max.X {
		t.Errorf("chromosome spans %+v in plot %v", l.Chromosomes, l.Plot)
	}
	// A single marker somewhere alone is drawn too.
	lone := Results{{Marker: phenolink.Marker{ID: "rs1", Chrom: 5, Pos: 100}, P: 0.5, Log10P: math.Log10(2)}}
	b.Reset()
	if err := ManhattanPNG(&b, lone, 200, 100); err != nil {
		t.Fatal(err)
	}
	img = decodePNG(t, b.Bytes())
	if p := ManhattanLayout(lone, 200, 100).Point(lone[0]); isBackground(img, p) {
		t.Errorf("a lone marker at %v is not drawn", p)
	}
}

func TestQQPNG(t *testing.T) {
	r := genomeResults(50_000)
	var b bytes.Buffer
	if err := QQPNG(&b, r, 500, 500); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b.Bytes())
	l := QQLayout(r, 500, 500)
	if img.Bounds().Dx() != 500 || l.Max < 320 {
		t.Errorf("bounds %v, axis max %g", img.Bounds(), l.Max)
	}
	// The largest observed value sits at the largest expected one.
	if p := image.Pt(l.x(-math.Log10(0.5/50_000)), l.y(320)); isBackground(img, p) {
		t.Errorf("the top QQ point at %v is not drawn", p)
	}
}

func TestPlotSizeRefused(t *testing.T) {
	for _, f := range []func() error{
		func() error { return ManhattanPNG(&bytes.Buffer{}, nil, 10, 400) },
		func() error { return QQPNG(&bytes.Buffer{}, nil, 500, 100_000) },
	} {
		if err := f(); phenolink.ErrorCode(err) != phenolink.EINVALID {
			t.Errorf("odd size: %v, want EINVALID", err)
		}
	}
}
