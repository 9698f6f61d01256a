package importer

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"phenolink/internal/jobs"
	"phenolink/internal/phenolink"
	"phenolink/internal/ttam"
)

// API is how to reach 23andMe as this app: the same settings the web
// layer signs people in with.
type API struct {
	URL          string // base URL; default ttam.DefaultAPIURL
	ClientID     string
	ClientSecret string
	// RedirectURL is the registered callback. Refreshing a token does not
	// send it, but the OAuth client is built with one.
	RedirectURL string
}

// Deps is what an Importer needs.
type Deps struct {
	Genomes    phenolink.GenotypeStore
	Tokens     phenolink.TokenStore
	API        API
	HTTPClient *http.Client     // default: ttam's default client
	Retry      ttam.RetryPolicy // zero fields take ttam's defaults
	Logger     *slog.Logger     // nil logs nothing
	Now        func() time.Time // the clock tokens expire by; default time.Now
	// Keys caches the genome key. Nil gives the Importer its own; pass one
	// to share it with another Importer in the process.
	Keys *GenomeKeys
}

// Importer runs genome jobs. It is safe for concurrent use; its only state
// is the genome key cache and the per-user token locks.
type Importer struct {
	d     Deps
	keys  *GenomeKeys
	users userLocks
}

// New returns an Importer for d.
func New(d Deps) (*Importer, error) {
	if d.Genomes == nil || d.Tokens == nil {
		return nil, fmt.Errorf("importer.New: a genotype store and a token store are required")
	}
	if d.API.URL == "" {
		d.API.URL = ttam.DefaultAPIURL
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	keys := d.Keys
	if keys == nil {
		keys = new(GenomeKeys)
	}
	return &Importer{d: d, keys: keys}, nil
}

// Handlers returns the job handlers by kind, for a jobs.Runner.
func (im *Importer) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		phenolink.JobImportGenome: im.ImportGenome,
		phenolink.JobSyncGenome:   im.SyncGenome,
	}
}
