package web

import (
	"net/http"

	"phenolink/internal/phenolink"
)

// auditPageSize is how many of the newest entries the audit page shows.
const auditPageSize = 200

// handleAuditLog shows the newest audit entries.
func handleAuditLog(pages *renderer, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entries, err := phenotypes.AuditLog(r.Context(), auditPageSize)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.page(w, r, http.StatusOK, "audit", entries)
	})
}
