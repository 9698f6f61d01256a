package ttamsim

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// withFaults injects the configured latency, 500s and 429s in front of an
// API handler.
func (s *Server) withFaults(next http.Handler) http.Handler {
	f := s.cfg.Faults
	if f.Latency == 0 && f.ErrorRate == 0 && f.RateLimitRate == 0 {
		return next // a Retry-After or token expiry alone changes no response here
	}
	retryAfter := strconv.Itoa(max(1, int(math.Ceil(f.RetryAfter.Seconds()))))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		s.diceMu.Lock()
		roll := s.dice.Float64()
		s.diceMu.Unlock()
		switch {
		case roll < f.ErrorRate:
			s.writeError(w, r, errorf(http.StatusInternalServerError, "internal_error", "Injected fault: the server failed; retry with back-off."))
		case roll < f.ErrorRate+f.RateLimitRate:
			w.Header().Set("Retry-After", retryAfter)
			s.writeError(w, r, errorf(http.StatusTooManyRequests, "rate_limited", "Too many requests; retry after %s seconds.", retryAfter))
		default:
			next.ServeHTTP(w, r)
		}
	})
}
