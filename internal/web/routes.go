package web

import (
	"log/slog"
	"net/http"
	"net/http/pprof"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"phenolink/internal/assets"
	"phenolink/internal/phenolink"
	"phenolink/internal/research"
)

// routeDeps are the dependencies handlers draw from; each handler takes
// only the ones it uses.
type routeDeps struct {
	log      *slog.Logger
	settings Settings
	users    phenolink.UserStore
	tokens   phenolink.TokenStore
	health   phenolink.HealthChecker
	assets   *assets.Bundle
	registry *prometheus.Registry
	sessions *scs.SessionManager
	pages    *renderer
	api      *api
	ref      *referenceCache

	genotypes  phenolink.GenotypeStore
	jobs       phenolink.JobQueue
	phenotypes phenolink.PhenotypeStore
	scans      phenolink.ScanStore
	markers    phenolink.MarkerCallReader
	results    *research.Service // nil: addResearchRoutes builds one
}

// addRoutes is the app's whole URL space in one place.
func addRoutes(mux *http.ServeMux, d routeDeps) {
	// Every handler reads the account through sessionUsers, so the user
	// and profiles read with the session row are not asked for again.
	d.users = sessionUsers{d.users}
	loadSession := withSession(d.sessions, d.users, d.pages, d.log)
	page := func(h http.Handler) http.Handler { return withRequestAccount(loadSession(h)) }
	signedIn := func(h http.Handler) http.Handler { return page(requireUser(d.pages)(h)) }

	mux.Handle("GET /{$}", page(handleHome(d.pages, d.users, d.sessions, d.ref, d.genotypes, d.jobs)))
	mux.Handle("GET /login/{$}", page(handleLogin(d.settings, d.pages, d.sessions, d.api)))
	mux.Handle("GET /receive_code/{$}", page(handleReceiveCode(d.log, d.settings, d.pages, d.sessions, d.users, d.tokens, d.api)))
	mux.Handle("GET /logout/{$}", page(handleLogoutConfirm(d.pages)))
	mux.Handle("POST /logout/{$}", page(handleLogout(d.settings, d.pages, d.sessions, d.tokens, d.api)))
	mux.Handle("POST /profile/{$}", signedIn(handleSwitchProfile(d.pages, d.sessions, d.users)))
	mux.Handle("POST /account/delete/{$}", signedIn(handleDeleteAccount(d.pages, d.sessions, d.users)))
	mux.Handle("POST /account/refresh/{$}", signedIn(handleRefreshAccount(d.settings, d.pages, d.sessions, d.users, d.api)))

	if d.genotypes != nil && d.jobs != nil {
		addGenotypeRoutes(mux, d, signedIn)
	}
	addResearchRoutes(mux, d, page, signedIn)

	mux.Handle("GET /_status/{$}", handleStatus(d.log, d.health))
	mux.Handle("GET /_auth_status/{$}", page(handleAuthStatus()))
	mux.Handle("GET "+healthPath, handleHealthz())
	mux.Handle("GET /metrics", handleMetrics(d.registry))
	mux.Handle("GET /static/", d.assets.Handler())

	if d.settings.Debug && !d.settings.Production {
		addDebugRoutes(mux)
	}
	// The router itself redirects "/logout" to "/logout/", as the original
	// app did; only what matches nothing at all lands here.
	mux.Handle("/", page(http.HandlerFunc(d.pages.notFound)))
}

// addGenotypeRoutes mounts the genotype pages: upload, sync, the record,
// its deletion and the jobs that import it.
func addGenotypeRoutes(mux *http.ServeMux, d routeDeps, signedIn func(http.Handler) http.Handler) {
	mux.Handle("GET /genotypes/{$}", signedIn(handleGenotypes(d.pages, d.sessions, d.users, d.genotypes, d.jobs)))
	mux.Handle("GET "+genotypeUploadPath+"{$}", signedIn(handleUploadForm(d.pages, d.sessions, d.users)))
	mux.Handle("POST "+genotypeUploadPath+"{$}", signedIn(handleUpload(d.pages, d.sessions, d.users, d.jobs)))
	mux.Handle("POST /genotypes/sync/{$}", signedIn(handleSync(d.pages, d.sessions, d.users, d.jobs)))
	mux.Handle("GET /genotypes/delete/{$}", signedIn(handleDeleteGenotypesConfirm(d.pages, d.sessions, d.users)))
	mux.Handle("POST /genotypes/delete/{$}", signedIn(handleDeleteGenotypes(d.pages, d.sessions, d.users, d.genotypes)))
	mux.Handle("GET /jobs/{id}/{$}", signedIn(handleJob(d.pages, d.jobs)))
	mux.Handle("GET /jobs/{id}/status", signedIn(handleJobStatus(d.jobs)))
}

// addDebugRoutes mounts pprof explicitly, rather than through the package's
// side-effect import, so that it exists only under DEBUG and never in
// production.
func addDebugRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("POST /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
}
