package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"
)

// svg writes the chart as inline SVG markup. The template could place the
// layout's numbers itself, but every one of them would go through the
// template's escaper by reflection: on a page of 50 charts that cost most
// of the page's rendering time. Here numbers are written directly and every
// text is HTML-escaped, which is all a quoted attribute or an element's text
// inside inline SVG needs.
func (c *resultsChart) svg() template.HTML {
	var b strings.Builder
	b.Grow(2048 + 256*len(c.Bars))
	id := html.EscapeString(c.ID)
	b.WriteString(`<svg class="results-chart" viewBox="0 0 `)
	writeInts(&b, " ", c.Width, c.Height)
	b.WriteString(`" width="`)
	b.WriteString(strconv.Itoa(c.Width))
	b.WriteString(`" height="`)
	b.WriteString(strconv.Itoa(c.Height))
	b.WriteString(`" role="img" aria-labelledby="` + id + `-title ` + id + `-desc">` + "\n")
	b.WriteString(`<title id="` + id + `-title">` + html.EscapeString(c.Title) + "</title>\n")
	b.WriteString(`<desc id="` + id + `-desc">` + html.EscapeString(c.Desc) + "</desc>\n")
	for _, t := range c.Ticks {
		line(&b, "grid", c.Left, c.Right, t.Y, t.Y)
		text(&b, "tick", c.TickX, t.Y, "end", html.EscapeString(t.Label), ` dominant-baseline="middle"`)
	}
	line(&b, "axis", c.Left, c.Left, c.Top, c.AxisY0)
	line(&b, "axis", c.Left, c.Right, c.AxisY0, c.AxisY0)
	for _, bar := range c.Bars {
		label := html.EscapeString(bar.Label)
		switch {
		case bar.Hidden:
			text(&b, "hidden-bar", bar.Mid, c.HiddenY, "middle", "hidden", "")
		case bar.Value != "":
			b.WriteString(`<rect class="bar" x="`)
			writeInts(&b, `" y="`, bar.X, bar.Y)
			b.WriteString(`" width="`)
			writeInts(&b, `" height="`, bar.Width, bar.Height)
			b.WriteString(`"><title>` + label + ": " + html.EscapeString(bar.Value) + "</title></rect>\n")
			if bar.ErrTop < bar.ErrBase {
				line(&b, "whisker", bar.Mid, bar.Mid, bar.ErrTop, bar.ErrBase)
			}
		}
		text(&b, "label", bar.Mid, c.LabelY, "middle", label, "")
	}
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// line writes an SVG line of class class from (x1, y1) to (x2, y2).
func line(b *strings.Builder, class string, x1, x2, y1, y2 int) {
	b.WriteString(`<line class="` + class + `" x1="`)
	writeInts(b, `" x2="`, x1, x2)
	b.WriteString(`" y1="`)
	writeInts(b, `" y2="`, y1, y2)
	b.WriteString("\"></line>\n")
}

// text writes escaped, an already escaped text, anchored at (x, y).
func text(b *strings.Builder, class string, x, y int, anchor, escaped, extra string) {
	b.WriteString(`<text class="` + class + `" x="`)
	writeInts(b, `" y="`, x, y)
	b.WriteString(`" text-anchor="` + anchor + `"` + extra + ">" + escaped + "</text>\n")
}

// writeInts writes the numbers separated by sep.
func writeInts(b *strings.Builder, sep string, ns ...int) {
	for i, n := range ns {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(strconv.Itoa(n))
	}
}
