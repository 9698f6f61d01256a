package web

import (
	"strconv"
	"testing"
)

func TestNiceStep(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ raw, want float64 }{
		{0.3, 0.5}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {12.5, 20}, {0, 1}, {-4, 1},
	} {
		if got := niceStep(c.raw); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.raw, got, c.want)
		}
	}
}

func TestLayoutChartScalesVisibleBarsAndLeavesHiddenOnesEmpty(t *testing.T) {
	t.Parallel()
	c := layoutChart("c1", "t", "d", []chartBar{
		{Label: "AA", Value: 1600, Err: 5},
		{Label: "AG", Value: 1650, Err: 5},
		{Label: "GG", Value: 9999, Hidden: true},
	}, func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) })
	aa, ag, gg := c.Bars[0], c.Bars[1], c.Bars[2]
	if gg.Height != 0 || gg.Value != "" {
		t.Errorf("hidden bar drawn: %+v", gg)
	}
	if !(ag.Height > aa.Height && aa.Height > 0) {
		t.Errorf("bar heights AA %d, AG %d: want 0 < AA < AG", aa.Height, ag.Height)
	}
	if ag.ErrTop < c.Top || aa.ErrBase > c.AxisY0 {
		t.Errorf("error bars leave the plot: %+v %+v in [%d, %d]", aa, ag, c.Top, c.AxisY0)
	}
	// Far from zero the axis starts near the data, so the difference shows.
	if first := c.Ticks[0].Label; first == "0" {
		t.Errorf("axis starts at 0 for heights around 1600")
	}
	if aa.X+aa.Width > ag.X || ag.X+ag.Width > gg.X {
		t.Errorf("bars overlap: %+v %+v %+v", aa, ag, gg)
	}
}
