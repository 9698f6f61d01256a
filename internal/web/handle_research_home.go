package web

import (
	"net/http"

	"phenolink/internal/research"
)

// handleResearchHome lists the research pages, the researcher's way in,
// and tells the results service that a results page may follow.
func handleResearchHome(pages *renderer, results *research.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		results.Expect()
		pages.page(w, r, http.StatusOK, "research", nil)
	})
}
