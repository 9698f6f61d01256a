// Package web is Phenolink's HTTP layer: routes, handlers, middleware and
// the server-rendered pages. It adapts the domain's stores and the 23andMe
// client to HTTP and owns nothing else; cmd/phenolink wires it together.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"phenolink/internal/assets"
	"phenolink/internal/phenolink"
	"phenolink/internal/research"
)

// Settings are the options of the HTTP layer, read once at start-up by the
// configuration package.
type Settings struct {
	Debug      bool // detailed error pages, pprof and the SQL footer
	Production bool // HTTPS only, HSTS, secure cookies and the host check

	// AllowedHosts are the Host headers served in production; any other
	// gets 400 so that a forged Host cannot poison redirect URLs.
	AllowedHosts []string
	// BaseURL is the public base of the app, for the OAuth redirect URI and
	// the logout return address. Empty derives it from the request, which
	// is only trusted outside production.
	BaseURL string

	APIURL       string // the 23andMe API base, e.g. https://api.23andme.com
	ClientID     string
	ClientSecret string
	Scope        string // space separated

	MaxBodyBytes          int64         // request bodies are cut off beyond this
	MaxConcurrentRequests int           // beyond this, 503 with Retry-After; 0 means no limit
	SessionLifetime       time.Duration // 0 means two weeks

	// MinGroupSize is k: no genotype group smaller than it is shown or
	// exported. 0 means the default of 5.
	MinGroupSize int

	// TemplateDir, under Debug only, is the on-disk templates directory
	// (internal/web/templates in a checkout) to re-read on every page, so
	// template edits show without a restart. Empty uses the embedded copy.
	TemplateDir string
}

// Deps are what the HTTP layer needs from the rest of the program.
type Deps struct {
	Logger     *slog.Logger
	Settings   Settings
	Users      phenolink.UserStore
	Tokens     phenolink.TokenStore
	Sessions   phenolink.SessionStore
	Health     phenolink.HealthChecker
	Assets     *assets.Bundle
	Registry   *prometheus.Registry // where the HTTP metrics are registered and served from
	HTTPClient *http.Client         // for calls to the 23andMe API; nil means a default with timeouts

	Genotypes  phenolink.GenotypeStore
	Jobs       phenolink.JobQueue
	Phenotypes phenolink.PhenotypeStore
	Scans      phenolink.ScanStore
	Markers    phenolink.MarkerCallReader
	// Results serves the per-SNP results pages; nil builds one from
	// Markers, Phenotypes and Settings.MinGroupSize. The caller passes its
	// own to keep it current with Refresh.
	Results *research.Service
}

// defaultSessionLifetime keeps people signed in for two weeks, like the
// original app's Django default.
const defaultSessionLifetime = 14 * 24 * time.Hour

// NewServer returns the app's handler with every route and middleware in
// place. It parses the templates once; a missing or broken template is an
// error, so a bad build fails at start rather than on the first request.
func NewServer(d Deps) (http.Handler, error) {
	h, _, err := newServer(d)
	return h, err
}

// newServer is NewServer that also returns the 23andMe adapter, whose clock
// the tests move to expire tokens.
func newServer(d Deps) (http.Handler, *api, error) {
	if err := d.check(); err != nil {
		return nil, nil, err
	}
	if d.Settings.SessionLifetime <= 0 {
		d.Settings.SessionLifetime = defaultSessionLifetime
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.HTTPClient == nil {
		d.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	sessions := newSessionManager(d.Sessions, d.Settings)
	pages, err := newRenderer(d.Logger, d.Settings, d.Assets, sessions)
	if err != nil {
		return nil, nil, err
	}
	sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		pages.error(w, r, fmt.Errorf("session store: %w", err))
	}
	metrics, err := newHTTPMetrics(d.Registry)
	if err != nil {
		return nil, nil, err
	}
	api, err := newAPI(d.Settings, d.HTTPClient, d.Tokens)
	if err != nil {
		return nil, nil, err
	}

	mux := http.NewServeMux()
	addRoutes(mux, routeDeps{
		log:      d.Logger,
		settings: d.Settings,
		users:    d.Users,
		tokens:   d.Tokens,
		health:   d.Health,
		assets:   d.Assets,
		registry: d.Registry,
		sessions: sessions,
		pages:    pages,
		api:      api,
		ref:      newReferenceCache(api),

		genotypes:  d.Genotypes,
		jobs:       d.Jobs,
		phenotypes: d.Phenotypes,
		scans:      d.Scans,
		markers:    d.Markers,
		results:    d.Results,
	})
	return addMiddleware(mux, d.Logger, d.Settings, metrics, pages), api, nil
}

// check reports which required dependency is missing, so that wiring
// mistakes surface at start-up with a name rather than as a nil panic.
func (d Deps) check() error {
	var missing []error
	for _, dep := range []struct {
		name string
		ok   bool
	}{
		{"Logger", d.Logger != nil},
		{"Users", d.Users != nil},
		{"Tokens", d.Tokens != nil},
		{"Sessions", d.Sessions != nil},
		{"Health", d.Health != nil},
		{"Assets", d.Assets != nil},
	} {
		if !dep.ok {
			missing = append(missing, fmt.Errorf("web.NewServer: Deps.%s is nil", dep.name))
		}
	}
	if d.Settings.APIURL == "" || d.Settings.ClientID == "" {
		missing = append(missing, errors.New("web.NewServer: Settings.APIURL and Settings.ClientID are required"))
	}
	return errors.Join(missing...)
}
