package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"phenolink/internal/config"
)

// runCheck validates the configuration. Plain check prints the effective
// settings (secrets masked), the profile's problems and whether the
// database answers at the current schema; check --deploy runs the
// production checklist instead, the counterpart of Django's
// `check --deploy`, and fails if any item fails.
func runCheck(ctx context.Context, e env, args []string) error {
	fs := newFlagSet(e, "check", "check [--deploy]")
	deploy := fs.Bool("deploy", false, "run the production deploy checklist (no database access)")
	if helped, err := parseFlags(fs, e, args); helped || err != nil {
		return err
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if *deploy {
		return checkDeploy(e.stdout, cfg)
	}
	return checkRuntime(ctx, e.stdout, cfg)
}

// checkDeploy prints every deploy check as PASS or FAIL.
func checkDeploy(w io.Writer, cfg *config.Config) error {
	checks := cfg.Checks()
	failed := 0
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range checks {
		status := "PASS"
		if !c.OK {
			status = "FAIL"
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", status, c.Name, c.Detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("check --deploy: %d of %d checks failed", failed, len(checks))
	}
	_, err := fmt.Fprintf(w, "All %d deploy checks passed.\n", len(checks))
	return err
}

// checkRuntime prints the settings, then checks the profile's rules and the
// database.
func checkRuntime(ctx context.Context, w io.Writer, cfg *config.Config) error {
	fmt.Fprintf(w, "Settings (profile %s):\n", cfg.Profile)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range cfg.Settings() {
		fmt.Fprintf(tw, "  %s\t%s\t(%s)\n", s.Name, s.Value, s.Source)
	}
	tw.Flush()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	db, err := openStore(ctx, cfg, nil)
	if err != nil {
		return fmt.Errorf("check: opening %s: %w", describeStore(cfg), err)
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		return fmt.Errorf("check: %s does not answer: %w", describeStore(cfg), err)
	}
	current, latest, err := db.SchemaStatus(ctx)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	fmt.Fprintf(w, "Database: %s answers, schema version %d of %d.\n", describeStore(cfg), current, latest)
	if cfg.UsesSimulator() {
		fmt.Fprintln(w, "API: API_CLIENT_ID is unset, so serve starts the built-in 23andMe simulator.")
	}
	if current < latest {
		return fmt.Errorf("check: the schema is behind: run `phenolink migrate`")
	}
	_, err = fmt.Fprintln(w, "Configuration OK.")
	return err
}
