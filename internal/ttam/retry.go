package ttam

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy decides how often and how long the client waits before sending
// an idempotent GET again after a 429, a 5xx or a network error. The zero
// value of each field takes the default noted beside it.
type RetryPolicy struct {
	MaxAttempts   int           // requests per call, counting the first; default 4
	BaseDelay     time.Duration // wait before the first retry, doubled each time; default 250ms
	MaxDelay      time.Duration // cap on one backoff wait; default 8s
	MaxRetryAfter time.Duration // cap on how long a server's Retry-After is honoured; default 30s

	// Jitter returns a number in [0, 1) that spreads waits so that many
	// clients do not retry in step; default math/rand/v2.Float64.
	Jitter func() float64
	// Sleep waits for d or until ctx ends; default a timer. Tests inject one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used to read an HTTP-date Retry-After; default time.Now.
	Now func() time.Time
}

// withDefaults returns p with every zero field set to its default.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 8 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	if p.Jitter == nil {
		p.Jitter = rand.Float64
	}
	if p.Sleep == nil {
		p.Sleep = sleepContext
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	return p
}

// Delay returns how long to wait before retry number retry (0 for the first
// retry). A server's Retry-After wins over the backoff but is capped at
// MaxRetryAfter; the backoff is "equal jitter": half fixed, half random, so
// waits still grow while clients spread out.
func (p RetryPolicy) Delay(retry int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.MaxRetryAfter)
	}
	d := p.MaxDelay
	if retry < 30 {
		d = min(p.BaseDelay<<retry, p.MaxDelay)
	}
	half := d / 2
	return half + time.Duration(p.Jitter()*float64(d-half))
}

// sleepContext waits for d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date.
// It returns 0 when the header is absent or unreadable.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			return 24 * time.Hour
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
