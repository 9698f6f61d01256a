package main

import (
	"context"
	"fmt"

	"phenolink/internal/config"
)

// runMigrate applies every pending migration. Heroku runs it in the release
// phase, before new web dynos start, so serve never sees an old schema.
func runMigrate(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "migrate", "migrate")
	if helped, err := parseFlags(fs, e, args); helped || err != nil {
		return err
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if cfg.Production() && cfg.DatabaseURL == "" {
		return fmt.Errorf("migrate: DATABASE_URL is unset in production: add the heroku-postgresql add-on")
	}
	// Migrations touch no tokens, so no secret key is needed: a release
	// can migrate before SECRET_KEY is even set.
	db, err := openStore(ctx, cfg, nil)
	if err != nil {
		return fmt.Errorf("migrate: opening %s: %w", describeStore(cfg), err)
	}
	defer db.Close()
	before, _, err := db.SchemaStatus(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	after, _, err := db.SchemaStatus(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if after == before {
		_, err = fmt.Fprintf(e.stdout, "%s is up to date at schema version %d.\n", describeStore(cfg), after)
	} else {
		_, err = fmt.Fprintf(e.stdout, "Migrated %s from schema version %d to %d.\n", describeStore(cfg), before, after)
	}
	return err
}
