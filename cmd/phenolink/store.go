package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"phenolink/internal/config"
	"phenolink/internal/phenolink"
	"phenolink/internal/postgres"
	"phenolink/internal/secretbox"
	"phenolink/internal/sqlite"
)

// store is what the commands need from a database adapter; both postgres.DB
// and sqlite.DB provide it.
type store interface {
	phenolink.UserStore
	phenolink.TokenStore
	phenolink.SessionStore
	phenolink.HealthChecker
	phenolink.GenotypeStore
	phenolink.JobQueue
	phenolink.PhenotypeStore
	phenolink.ScanStore
	phenolink.MarkerCallReader
	phenolink.ChangeReader
	Migrate(ctx context.Context) error
	SchemaStatus(ctx context.Context) (current, latest int64, err error)
	DeleteExpiredSessions(ctx context.Context) (int64, error)
	Close() error
}

// sqliteFile is the database file's name in the data directory.
const sqliteFile = "phenolink.db"

// openStore opens Postgres when DATABASE_URL is set and otherwise the
// SQLite file in the data directory. box may be nil for commands that
// never touch tokens.
func openStore(ctx context.Context, cfg *config.Config, box *secretbox.Box) (store, error) {
	if cfg.DatabaseURL != "" {
		return postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{
			Box:              box,
			MaxConns:         cfg.Database.MaxConns,
			MaxConnLifetime:  cfg.Database.MaxConnLifetime,
			StatementTimeout: cfg.Database.StatementTimeout,
		})
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	return sqlite.Open(ctx, filepath.Join(cfg.DataDir, sqliteFile), sqlite.Options{Box: box})
}

// describeStore names the database for log lines and messages without
// revealing credentials.
func describeStore(cfg *config.Config) string {
	if cfg.DatabaseURL != "" {
		return "Postgres (DATABASE_URL)"
	}
	return "SQLite " + filepath.Join(cfg.DataDir, sqliteFile)
}

// secretKeys returns the current secret key and its fallbacks. Outside
// production an unset SECRET_KEY is generated once and kept in the data
// directory; production has refused to start by then.
func secretKeys(cfg *config.Config) (string, []string, error) {
	if cfg.SecretKey != "" {
		return cfg.SecretKey, cfg.SecretKeyFallbacks, nil
	}
	if cfg.Production() {
		return "", nil, fmt.Errorf("SECRET_KEY is unset")
	}
	key, err := config.LocalSecretKey(cfg.DataDir)
	return key, cfg.SecretKeyFallbacks, err
}

// checkSchema refuses to serve on a schema older than this binary's, which
// would fail on the first query that needs a new column.
func checkSchema(ctx context.Context, db store) error {
	current, latest, err := db.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	if current < latest {
		return fmt.Errorf("the database schema is at version %d but this release needs %d: run `phenolink migrate` (Heroku runs it in the release phase)", current, latest)
	}
	return nil
}
