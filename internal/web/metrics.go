package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpMetrics are the Prometheus series for requests. They are labelled by
// route pattern, never by raw path, so that a scan of random URLs cannot
// blow up the number of series.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "phenolink_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "phenolink_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "phenolink_http_requests_in_flight",
			Help: "HTTP requests being served right now.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.inFlight} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("web: register HTTP metrics: %w", err)
		}
	}
	return m, nil
}

// instrument counts and times every request under the route pattern the
// router matched.
func (m *httpMetrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		rec, _ := recorderFor(w)
		pattern := new(string)
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), patternKey{}, pattern)))
		route := *pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, methodLabel(r.Method), strconv.Itoa(rec.code())).Inc()
		m.duration.WithLabelValues(route, methodLabel(r.Method)).Observe(time.Since(start).Seconds())
	})
}

// methodLabel keeps the method label to the standard methods for the same
// reason routes are patterns: bounded cardinality.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

type patternKey struct{}

// recordPattern copies the pattern the router matched into the holder the
// metrics middleware left in the context; the router sets it on the request
// it was given, which only the handler right around it sees.
func recordPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(patternKey{}).(*string); ok {
			// Deferred so that a request that panics is still counted
			// under its route.
			defer func() { *p = r.Pattern }()
		}
		mux.ServeHTTP(w, r)
	})
}

// patternFrom returns the matched route pattern once the router has run.
func patternFrom(ctx context.Context) string {
	if p, ok := ctx.Value(patternKey{}).(*string); ok {
		return *p
	}
	return ""
}

// handleMetrics serves the registry in the Prometheus text format.
func handleMetrics(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
