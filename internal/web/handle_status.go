package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"phenolink/internal/phenolink"
)

// statusTimeout bounds the database check so that a hung database makes
// /_status/ answer 503 rather than hang the checker too.
const statusTimeout = 2 * time.Second

// handleStatus answers "Status: OK" when the database answers, 503
// otherwise, as the original app's uptime checks expect.
func handleStatus(log *slog.Logger, health phenolink.HealthChecker) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), statusTimeout)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := health.Ping(ctx); err != nil {
			log.ErrorContext(ctx, "status: database does not answer", "request_id", requestIDFrom(ctx), "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("Status: database unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("Status: OK\n"))
	})
}

// authStatus is the JSON body of /_auth_status/.
type authStatus struct {
	SignedIn  bool   `json:"signed_in"`
	AccountID string `json:"account_id,omitempty"`
}

// handleAuthStatus tells a script whether this browser is signed in.
func handleAuthStatus() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var s authStatus
		if u := userFrom(r.Context()); u != nil {
			s = authStatus{SignedIn: true, AccountID: u.ID}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(s) // a write error means the client left
	})
}

// handleHealthz says the process is up, without touching the database, so
// a platform does not restart healthy processes during a database outage.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte("ok\n"))
	})
}
