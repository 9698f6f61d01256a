package web

import (
	"net/http"

	"phenolink/internal/phenolink"
	"phenolink/internal/research"
)

// addResearchRoutes mounts the consent, survey and research pages. page
// wraps a handler with the session; signedIn also requires a signed-in user.
// Research pages also require the researcher role. page is unused: every
// research page needs an account.
func addResearchRoutes(mux *http.ServeMux, d routeDeps, page, signedIn func(http.Handler) http.Handler) {
	if d.phenotypes == nil || d.scans == nil || d.markers == nil || d.jobs == nil || d.genotypes == nil {
		// A server wired without the research stores has no research
		// pages, rather than pages that fail on every request.
		return
	}
	researcher := func(h http.Handler) http.Handler {
		return signedIn(requireResearcher(d.pages, d.phenotypes)(h))
	}

	mux.Handle("GET /consent/{$}", signedIn(handleConsent(d.pages, d.phenotypes)))
	mux.Handle("POST /consent/{$}", signedIn(handleGiveConsent(d.pages, d.sessions, d.phenotypes)))
	mux.Handle("POST /consent/withdraw/{$}", signedIn(handleWithdrawConsent(d.pages, d.sessions, d.phenotypes)))
	mux.Handle("GET /survey/{$}", signedIn(handleSurvey(d.pages, d.sessions, d.users, d.phenotypes)))
	mux.Handle("POST /survey/{$}", signedIn(handleSaveSurvey(d.pages, d.sessions, d.users, d.phenotypes)))

	results := d.results
	if results == nil {
		// The database stores also log the cohort's changes.
		changes, _ := d.phenotypes.(phenolink.ChangeReader)
		results = &research.Service{Markers: d.markers, Phenotypes: d.phenotypes, Changes: changes, MinGroupSize: minGroupSize(d.settings)}
	}
	mux.Handle("GET /research/{$}", researcher(handleResearchHome(d.pages, results)))
	// The original app's "/results?snps=..." reaches the page through the
	// router's redirect to "/results/", which keeps the query.
	mux.Handle("GET "+resultsPath+"{$}", researcher(handleResults(d.pages, d.phenotypes, results)))
	mux.Handle("GET "+resultsPath+"results.csv", researcher(handleResultsExport(d.pages, d.phenotypes, results, resultsCSV)))
	mux.Handle("GET "+resultsPath+"results.json", researcher(handleResultsExport(d.pages, d.phenotypes, results, resultsJSON)))
	mux.Handle("GET /scans/{$}", researcher(handleScans(d.pages, d.phenotypes, d.scans)))
	mux.Handle("POST /scans/{$}", researcher(handleStartScan(d.pages, d.phenotypes, d.scans)))
	views := newScanViews(d.scans)
	mux.Handle("GET /scans/{id}/{$}", researcher(handleScan(d.pages, d.phenotypes, d.scans, d.jobs, views)))
	mux.Handle("GET /scans/{id}/status/{$}", researcher(handleScanStatus(d.pages, d.scans, d.jobs)))
	mux.Handle("GET /scans/{id}/manhattan.png", researcher(handleScanPlot(d.pages, d.scans, views, scanManhattan)))
	mux.Handle("GET /scans/{id}/qq.png", researcher(handleScanPlot(d.pages, d.scans, views, scanQQ)))
	mux.Handle("GET /scans/{id}/results.csv", researcher(handleScanCSV(d.pages, d.phenotypes, d.scans)))
	mux.Handle("GET /research/import/{$}", researcher(handleImportForm(d.pages, d.phenotypes)))
	mux.Handle("POST /research/import/{$}", researcher(handleImport(d.pages, d.sessions, d.phenotypes)))
	mux.Handle("GET /research/export/{$}", researcher(handleExportForm(d.pages, d.phenotypes)))
	mux.Handle("POST /research/export/{$}", researcher(handleExportPLINK(d.log, d.pages, d.phenotypes, d.scans, d.genotypes)))
	mux.Handle("GET /research/audit/{$}", researcher(handleAuditLog(d.pages, d.phenotypes)))
}
