package web

import "net/http"

// handleResearchHome lists the research pages, the researcher's way in.
func handleResearchHome(pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages.page(w, r, http.StatusOK, "research", nil)
	})
}
