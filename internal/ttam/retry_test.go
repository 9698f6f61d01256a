package ttam

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	for _, jitter := range []float64{0, 0.5, 0.999} {
		p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxRetryAfter: 5 * time.Second,
			Jitter: func() float64 { return jitter }}.withDefaults()
		prevLow := time.Duration(0)
		for retry := range 40 {
			full := min(p.BaseDelay<<min(retry, 29), p.MaxDelay)
			d := p.Delay(retry, 0)
			if d < full/2 || d > full {
				t.Errorf("jitter %v retry %d: delay %v outside [%v, %v]", jitter, retry, d, full/2, full)
			}
			if full/2 < prevLow {
				t.Errorf("retry %d: backoff shrank", retry)
			}
			prevLow = full / 2
		}
		if d := p.Delay(0, 2*time.Second); d != 2*time.Second {
			t.Errorf("Retry-After 2s: delay %v, want 2s", d)
		}
		if d := p.Delay(0, time.Hour); d != 5*time.Second {
			t.Errorf("Retry-After 1h: delay %v, want the 5s cap", d)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 2 ", 2 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{"999999999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
