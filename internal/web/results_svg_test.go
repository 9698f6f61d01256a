package web

import (
	"strings"
	"testing"
)

func TestResultsChartSVGEscapesTextAndDrawsOnlyShownBars(t *testing.T) {
	t.Parallel()
	c := layoutChart("t1-chart", `Height <by> "rs1"`, "a & b", []chartBar{
		{Label: "AA", Value: 1604, Err: 1.3},
		{Label: "A<G", Value: 1715, Err: 1.3},
		{Label: "GG", Value: 2345.6, Hidden: true},
	}, formatValue)
	svg := string(c.svg())
	for _, want := range []string{
		`<title id="t1-chart-title">Height &lt;by&gt; &#34;rs1&#34;</title>`,
		`<desc id="t1-chart-desc">a &amp; b</desc>`,
		`aria-labelledby="t1-chart-title t1-chart-desc"`,
		`<title>AA: 1604</title>`, `<title>A&lt;G: 1715</title>`,
		`class="hidden-bar"`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q:\n%s", want, svg)
		}
	}
	if n := strings.Count(svg, `<rect class="bar"`); n != 2 {
		t.Errorf("%d bars drawn, want the 2 shown groups", n)
	}
	if n := strings.Count(svg, `class="whisker"`); n != 2 {
		t.Errorf("%d error bars, want 2", n)
	}
	if strings.Contains(svg, "2345") || strings.Contains(svg, "2346") || strings.Contains(svg, "<G") {
		t.Errorf("SVG shows the hidden value or an unescaped label:\n%s", svg)
	}
	if strings.Count(svg, "<line") != strings.Count(svg, "</line>") || !strings.HasSuffix(svg, "</svg>") {
		t.Errorf("SVG is not well formed:\n%s", svg)
	}
}
