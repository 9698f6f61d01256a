package postgres

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrationFiles holds the schema as ordered goose SQL files; each runs in
// its own transaction.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// newMigrationProvider builds a goose provider that keeps no package-level
// state and takes an advisory lock while migrating, so two release
// processes never migrate the same schema at once.
func (db *DB) newMigrationProvider(ctx context.Context) (*goose.Provider, error) {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	// The lock is per database and schema: processes migrating the same
	// schema wait for each other, while separate schemas (one per test)
	// migrate in parallel.
	var where string
	if err := db.pool.QueryRow(ctx, `SELECT current_database() || '.' || coalesce(current_schema(), '')`).Scan(&where); err != nil {
		return nil, fmt.Errorf("finding the schema to migrate: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("phenolink migrations " + where))
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(int64(h.Sum64())),
		lock.WithLockTimeout(1, 600), // wait up to 10 minutes for another migration
	)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db.sqlDB, dir,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSessionLocker(locker),
	)
}

// Migrate applies every migration not yet applied, then adds the default
// phenotypes missing from the catalog. Running it again is a no-op.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.migrations.Up(ctx); err != nil {
		return fmt.Errorf("postgres.Migrate: %w", err)
	}
	if err := db.seedPhenotypes(ctx); err != nil {
		return fmt.Errorf("postgres.Migrate: seeding the phenotype catalog: %w", err)
	}
	return nil
}

// SchemaStatus returns the schema version the database is at and the latest
// version this binary knows, so a server can refuse to run on an old schema.
// A database never migrated reports current 0.
func (db *DB) SchemaStatus(ctx context.Context) (current, latest int64, err error) {
	current, latest, err = db.migrations.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("postgres.SchemaStatus: %w", err)
	}
	return current, latest, nil
}
