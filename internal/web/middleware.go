package web

import (
	"log/slog"
	"net/http"

	"phenolink/internal/sqltrace"
)

// addMiddleware wraps the router in the middleware every request passes
// through, outermost first: an id to tie logs together, metrics, the access
// log and panic recovery see everything, including what later layers
// refuse; the production checks come before anything does real work.
func addMiddleware(mux *http.ServeMux, log *slog.Logger, s Settings, m *httpMetrics, pages *renderer) http.Handler {
	var h http.Handler = recordPattern(mux)
	if s.Debug {
		h = countSQL(h)
	}
	h = crossOriginProtection(pages)(h)
	h = limitBody(s.MaxBodyBytes, map[string]int64{genotypeUploadPath: maxUploadBytes})(h)
	h = limitConcurrency(s.MaxConcurrentRequests)(h)
	h = securityHeaders(s)(h)
	if s.Production {
		h = strictTransport(h)
		h = redirectToHTTPS(h)
		h = checkHost(s.AllowedHosts)(h)
	}
	h = recoverPanic(log, pages)(h)
	h = logAccess(log)(h)
	h = m.instrument(h)
	h = requestID(h)
	return h
}

// countSQL gives each request a counter that the database adapters add
// their statements to, for the DEBUG footer.
func countSQL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := sqltrace.WithCounter(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
