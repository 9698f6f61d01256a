package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

func TestErrorPages(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		err         error
		debug       bool
		status      int
		shows       string
		mustNotShow string
	}{
		{"not found", "GET", phenolink.Errorf(phenolink.ENOTFOUND, "No such marker."), false, 404, "No such marker.", ""},
		{"invalid query", "GET", phenolink.Errorf(phenolink.EINVALID, "Give an rs number."), false, 400, "Give an rs number.", ""},
		{"invalid form", "POST", phenolink.Errorf(phenolink.EINVALID, "Choose a profile."), false, 422, "Choose a profile.", ""},
		{"forbidden", "GET", phenolink.Errorf(phenolink.EFORBIDDEN, "Researchers only."), false, 403, "Researchers only.", ""},
		{"unavailable", "GET", phenolink.Errorf(phenolink.EUNAVAILABLE, "23andMe is busy."), false, 503, "23andMe is busy.", ""},
		{"internal hides details", "GET", errors.New("pq: password authentication failed for secret-user"), false, 500, "Internal error.", "secret-user"},
		{"internal under debug", "GET", errors.New("pq: connection refused at db:5432"), true, 500, "connection refused at db:5432", ""},
		{"body too large", "POST", &http.MaxBytesError{Limit: 10}, false, 413, "larger than the 10 bytes", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rn := testRenderer(t)
			rn.debug = tt.debug
			rec := httptest.NewRecorder()
			rn.error(rec, httptest.NewRequest(tt.method, "/x", nil), tt.err)
			body := rec.Body.String()
			if rec.Code != tt.status || !strings.Contains(body, tt.shows) {
				t.Errorf("status %d, want %d showing %q:\n%s", rec.Code, tt.status, tt.shows, body)
			}
			if tt.mustNotShow != "" && strings.Contains(body, tt.mustNotShow) {
				t.Errorf("the page leaks %q", tt.mustNotShow)
			}
		})
	}
}
