package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// migrationFiles holds the schema as ordered goose SQL files; each runs in
// its own transaction.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// newMigrationProvider builds a goose provider on the write pool. It keeps
// no package-level state: the global registry of Go migrations is off.
func newMigrationProvider(write *sql.DB) (*goose.Provider, error) {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, write, dir, goose.WithDisableGlobalRegistry(true))
}

// Migrate applies every migration not yet applied, then adds the default
// phenotypes missing from the catalog. Running it again is a no-op.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.migrations.Up(ctx); err != nil {
		return fmt.Errorf("sqlite.Migrate: %w", err)
	}
	if err := db.seedPhenotypes(ctx); err != nil {
		return fmt.Errorf("sqlite.Migrate: seeding the phenotype catalog: %w", err)
	}
	return nil
}

// SchemaStatus returns the schema version the database is at and the latest
// version this binary knows, so a server can refuse to run on an old schema.
// A database never migrated reports current 0.
func (db *DB) SchemaStatus(ctx context.Context) (current, latest int64, err error) {
	current, latest, err = db.migrations.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlite.SchemaStatus: %w", err)
	}
	return current, latest, nil
}
