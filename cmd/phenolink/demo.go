package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"phenolink/internal/config"
	"phenolink/internal/demo"
	"phenolink/internal/phenolink"
	"phenolink/internal/ttamsim"
)

// startDemo seeds the demo in the background until ctx ends, on its own
// connection to the database, closed afterwards so that the caches seeding
// fills go with it. The returned channel closes when it is done.
func startDemo(ctx context.Context, cfg *config.Config, sim *simulator, log *slog.Logger) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		db, err := openStore(ctx, cfg, nil)
		if err == nil {
			err = seedDemo(ctx, db, sim, log)
			db.Close()
		}
		if err != nil && ctx.Err() == nil {
			log.Error("local demo", "err", err)
		}
	}()
	return done
}

// seedDemo fills a local database behind the built-in simulator with the
// synthetic demo cohort and its scan, and makes the simulator's accounts
// researchers, so that a newcomer who signs in sees every page with
// something in it. It runs beside the server; the first start takes a
// couple of seconds, later ones only check.
func seedDemo(ctx context.Context, db store, sim *simulator, log *slog.Logger) error {
	start := time.Now()
	if err := demo.Seed(ctx, db, demo.Options{}); err != nil {
		return fmt.Errorf("seeding the demo cohort: %w", err)
	}
	started, err := demo.SeedScan(ctx, db)
	if err != nil {
		return fmt.Errorf("starting the demo scan: %w", err)
	}
	accounts, err := sim.accounts(ctx)
	if err != nil {
		return fmt.Errorf("reading the simulator's accounts: %w", err)
	}
	for _, a := range accounts {
		if err := makeResearcher(ctx, db, a); err != nil {
			return fmt.Errorf("making simulator account %s a researcher: %w", a.ID, err)
		}
	}
	// Seeding allocates a few hundred megabytes over its life, all garbage
	// now; hand it back so an idle local server is as small as one that
	// never seeded.
	debug.FreeOSMemory()
	log.Info("demo cohort ready", "participants", demo.DefaultParticipants, "scan_started", started,
		"researcher_accounts", len(accounts), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// makeResearcher grants the researcher role to a simulator account,
// storing the account first when it has never signed in. It stores the
// account with the profiles the simulator serves, as signing in would, so
// that a sign-in racing with it loses no profile either way.
func makeResearcher(ctx context.Context, db store, a ttamsim.Account) error {
	_, err := db.User(ctx, a.ID)
	if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
		profiles := make([]phenolink.Profile, len(a.Profiles))
		for i, p := range a.Profiles {
			profiles[i] = phenolink.Profile{ID: p.ID, UserID: a.ID, FirstName: p.FirstName, LastName: p.LastName, IsGenotyped: p.Genotyped}
		}
		err = db.SaveUser(ctx, phenolink.User{ID: a.ID, FirstName: a.FirstName, LastName: a.LastName, Email: a.Email}, profiles)
	}
	if err != nil {
		return err
	}
	return db.SetRole(ctx, a.ID, phenolink.RoleResearcher, true)
}
