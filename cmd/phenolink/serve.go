package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"phenolink/internal/assets"
	"phenolink/internal/config"
	"phenolink/internal/importer"
	"phenolink/internal/jobs"
	"phenolink/internal/phenolink"
	"phenolink/internal/research"
	"phenolink/internal/scan"
	"phenolink/internal/secretbox"
	"phenolink/internal/web"
)

// assetSourceDir is where the asset sources live in a checkout; under DEBUG,
// when run from the repository's root, they are rebuilt on change.
const assetSourceDir = "internal/assets/src"

// runServe serves the web app until ctx is cancelled, then drains in-flight
// requests for up to SHUTDOWN_TIMEOUT.
func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "serve", "serve [flags]")
	loadConfig := config.Flags(fs)
	if helped, err := parseFlags(fs, e, args); helped || err != nil {
		return err
	}
	cfg, err := loadConfig(e.getenv)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("refusing to start in production: %w", err)
	}
	log := newLogger(cfg, e.stderr)

	// Listen first: the port must be known before the simulator and the
	// redirect URI are set up, and port 0 picks a free one for tests.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: listening on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()

	app, err := startApp(ctx, e, cfg, log)
	if err != nil {
		return err
	}
	defer app.close(log)

	srv := &http.Server{
		Handler:           app.handler,
		ReadHeaderTimeout: cfg.Server.ReadHeaderTimeout,
		ReadTimeout:       cfg.Server.ReadTimeout,
		WriteTimeout:      cfg.Server.WriteTimeout,
		IdleTimeout:       cfg.Server.IdleTimeout,
		MaxHeaderBytes:    cfg.Server.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	url := listenURL(ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "profile", cfg.Profile, "database", describeStore(cfg), "api", app.apiURL, "debug", cfg.Debug)
	if !cfg.Production() {
		fmt.Fprintf(e.stdout, "Phenolink is running at %s\n", url)
	}
	if e.hooks.listening != nil {
		e.hooks.listening(url)
	}

	cleanupCtx, stopCleanup := context.WithCancel(context.WithoutCancel(ctx))
	cleanupDone := make(chan struct{})
	go func() {
		defer close(cleanupDone)
		cleanUp(cleanupCtx, app.db, log, cleanupInterval)
	}()
	defer func() { stopCleanup(); <-cleanupDone }()

	// A process that has just started is likely to be asked for results
	// pages soon (a deploy or restart under researchers' feet): it reads
	// the values ahead of the first page, as when a researcher arrives.
	app.results.Expect()
	refreshCtx, stopRefresh := context.WithCancel(context.WithoutCancel(ctx))
	refreshDone := make(chan struct{})
	go func() {
		defer close(refreshDone)
		app.results.Refresh(refreshCtx, resultsRefreshInterval, func(err error) {
			log.Warn("keeping the results pages' values current", "err", err)
		})
	}()
	defer func() { stopRefresh(); <-refreshDone }()

	if app.demoSim != nil {
		demoCtx, stopDemo := context.WithCancel(context.WithoutCancel(ctx))
		demoDone := startDemo(demoCtx, cfg, app.demoSim, log)
		defer func() { stopDemo(); <-demoDone }()
	}

	// Jobs run beside the server; the runner is stopped after the server
	// has drained, so that an import started by a last request still runs
	// to its end or is handed back to the queue for another process.
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	jobsDone := make(chan error, 1)
	go func() { jobsDone <- app.runner.Run(jobsCtx) }()
	defer func() {
		stopJobs()
		if err := <-jobsDone; err != nil {
			log.Error("job runner", "err", err)
		}
	}()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.Server.ShutdownTimeout)
	// The shutdown deadline starts now, from a context that the signal has
	// not already cancelled.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Server.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		return fmt.Errorf("serve: requests still running after %s were cut off: %w", cfg.Server.ShutdownTimeout, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// app is everything behind the listener, with what must be closed on the
// way out.
type app struct {
	handler http.Handler
	runner  jobs.Runner
	db      store
	apiURL  string
	// results serves the per-SNP results pages and is kept current
	// beside the server (see research.Service.Refresh).
	results *research.Service
	// demoSim is the built-in simulator when a local run seeds the demo
	// cohort behind it; nil otherwise.
	demoSim *simulator
	closers []func() error // closed in reverse order
}

func (a *app) close(log *slog.Logger) {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			log.Error("closing on shutdown", "err", err)
		}
	}
}

// startApp opens the database, starts the simulator when it stands in for
// 23andMe, builds the assets and the handler. On error it closes whatever
// it opened.
func startApp(ctx context.Context, e env, cfg *config.Config, log *slog.Logger) (*app, error) {
	a := &app{}
	started := false
	defer func() {
		if !started {
			a.close(log)
		}
	}()
	key, fallbacks, err := secretKeys(cfg)
	if err != nil {
		return nil, fmt.Errorf("serve: secret key: %w", err)
	}
	box, err := secretbox.New(key, fallbacks...)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	db, err := openStore(ctx, cfg, box)
	if err != nil {
		return nil, fmt.Errorf("serve: opening %s: %w", describeStore(cfg), err)
	}
	a.db = db
	a.closers = append(a.closers, db.Close)
	if cfg.Production() {
		// Production migrates only in the release phase, so that web
		// dynos starting together never race to change the schema.
		if err := checkSchema(ctx, db); err != nil {
			return nil, fmt.Errorf("refusing to start: %w", err)
		}
	} else if err := db.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}

	settings := web.Settings{
		Debug:                 cfg.Debug,
		Production:            cfg.Production(),
		AllowedHosts:          cfg.AllowedHosts,
		BaseURL:               cfg.BaseURL,
		APIURL:                cfg.APIURL,
		ClientID:              cfg.APIClientID,
		ClientSecret:          cfg.APIClientSecret,
		Scope:                 cfg.APIScope,
		MaxBodyBytes:          cfg.Server.MaxBodyBytes,
		MaxConcurrentRequests: cfg.Server.MaxConcurrentRequests,
		MinGroupSize:          cfg.MinGroupSize,
	}
	if cfg.UsesSimulator() {
		sim, err := startSimulator(log)
		if err != nil {
			return nil, fmt.Errorf("serve: starting the 23andMe simulator: %w", err)
		}
		a.closers = append(a.closers, sim.close)
		if cfg.Profile == config.Local {
			a.demoSim = sim
		}
		settings.APIURL, settings.ClientID, settings.ClientSecret = sim.url, sim.clientID, sim.clientSecret
		fmt.Fprintf(e.stdout, "No API_CLIENT_ID set: signing in goes to the built-in 23andMe simulator at %s\n", sim.url)
	}
	a.apiURL = settings.APIURL

	assetOpts := assets.Options{Debug: cfg.Debug, Logger: log}
	if info, err := os.Stat(assetSourceDir); cfg.Debug && err == nil && info.IsDir() {
		assetOpts.SourceDir = assetSourceDir
	}
	bundle, err := assets.Build(assetOpts)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	a.closers = append(a.closers, bundle.Close)

	reg := prometheus.NewRegistry()
	if err := errors.Join(
		reg.Register(collectors.NewGoCollector()),
		reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})),
	); err != nil {
		return nil, fmt.Errorf("serve: registering runtime metrics: %w", err)
	}
	a.results = &research.Service{Markers: db, Phenotypes: db, Changes: db, MinGroupSize: cfg.MinGroupSize}
	h, err := web.NewServer(web.Deps{
		Logger:     log,
		Settings:   settings,
		Users:      db,
		Tokens:     db,
		Sessions:   db,
		Health:     db,
		Assets:     bundle,
		Registry:   reg,
		Genotypes:  db,
		Jobs:       db,
		Phenotypes: db,
		Scans:      db,
		Markers:    db,
		Results:    a.results,
	})
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	im, err := importer.New(importer.Deps{
		Genomes: db,
		Tokens:  db,
		API: importer.API{
			URL:          settings.APIURL,
			ClientID:     settings.ClientID,
			ClientSecret: settings.ClientSecret,
			RedirectURL:  strings.TrimRight(cfg.BaseURL, "/") + "/receive_code/",
		},
		Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	handlers := im.Handlers()
	handlers[phenolink.JobScan] = scan.Handler(scan.Deps{Scans: db, Genotypes: db, Phenotypes: db, Logger: log})
	a.runner = jobs.Runner{Queue: db, Handlers: handlers, Logger: log, PollInterval: jobPollInterval}
	if e.hooks.wrapHandler != nil {
		h = e.hooks.wrapHandler(h)
	}
	a.handler = h
	started = true
	return a, nil
}

// listenURL is the address people open: loopback when the listener is on
// every interface, since that is where a local run is reached.
func listenURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// jobPollInterval is how long an idle runner waits before looking for work
// again: short enough that an upload's import starts at once, and one
// cheap query per tick.
const jobPollInterval = 200 * time.Millisecond

// cleanupInterval is how often expired sessions are deleted and the logs
// of changes pruned: both are already ignored when read, so this only
// bounds the tables' size.
const cleanupInterval = time.Hour

// changesKept is how long the logs of changes to the cohort and the
// records are kept at least: a process holding values or calls older than
// that reads them whole again. A day of writes is small: a row per
// profile each transaction touched on Postgres, per row written on
// SQLite.
const changesKept = 24 * time.Hour

// resultsRefreshInterval is how often the results pages' values are
// checked against the change counters while researchers use the pages:
// one small query a second, and a read of the values after a write.
const resultsRefreshInterval = time.Second

// cleanUp deletes expired sessions and prunes the logs of changes every
// interval until ctx ends.
func cleanUp(ctx context.Context, db store, log *slog.Logger, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := db.DeleteExpiredSessions(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("deleting expired sessions", "err", err)
		case n > 0:
			log.Info("deleted expired sessions", "count", n)
		}
		if err := db.PruneChanges(ctx, time.Now().Add(-changesKept)); err != nil && ctx.Err() == nil {
			log.Error("pruning the logs of changes", "err", err)
		}
	}
}
