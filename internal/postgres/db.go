// Package postgres stores Phenolink's data in PostgreSQL through a pgx
// connection pool. It implements the domain's store interfaces.
//
// # Genotypes
//
// The shared marker index is reference data, not anyone's personal data: it
// survives DeleteUser. It is append-only and stored as blocks of up to
// 65,536 consecutive markers (table marker_blocks) written with COPY, so a
// first import of a million markers writes about 15 rows instead of a
// million rows and their B-trees (which took 4 to 7 s). Each process keeps
// a copy of the index in memory (phenolink.MarkerCache: 30 to 40 MB per
// million markers once searched, loaded at the first import or genotype
// page, dropped after five idle minutes) and refreshes it by reading only
// the blocks past its length. An import locks marker_blocks against other
// writers (SHARE ROW EXCLUSIVE), merges its markers into the copy in one
// pass, appends the new blocks and upserts the profile's record: one bytea
// of one byte (a phenolink.Call) per index position, in index order, stored
// uncompressed (TOAST storage EXTERNAL), which scans faster than lz4. A
// genome is one row, and ScanGenomes streams every record from one snapshot
// straight from the wire into a reused buffer. A failure rolls the
// transaction back and undoes the in-memory merge.
//
// # Jobs
//
// The job queue lives in the jobs table. Claim picks the oldest due job
// with FOR UPDATE SKIP LOCKED, so workers in any number of processes claim
// at once without waiting on each other or getting the same job. Leases and
// backoffs use the server's clock (now()).
//
// # Phenotypes and scans
//
// Migrate seeds the phenotype catalog with the defaults missing from it.
// Values, consent and roles are a participant's and go with DeleteUser;
// a consent is a row, withdrawn by deleting it, and every cohort read joins
// the consents. Scans (summary and results in separate tables) and the
// audit log are researchers' records and outlive their accounts. CallsAt
// reads one substring of a byte per position per record; records are
// stored uncompressed, so each fetches one TOAST chunk, not the record.
package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"phenolink/internal/phenolink"
	"phenolink/internal/secretbox"
)

// Defaults for Options. Six connections let two web dynos and a release
// process share the 20 connections of Heroku's smallest Postgres plan
// (3 x 6 = 18, leaving two for a console).
const (
	// DefaultMaxConns is the pool size when DB_MAX_CONNS is unset.
	DefaultMaxConns = 6
	// DefaultMaxConnLifetime recycles connections twice an hour.
	DefaultMaxConnLifetime = 30 * time.Minute
	// DefaultStatementTimeout stops a query that runs away.
	DefaultStatementTimeout = 30 * time.Second
)

// Options tunes Open. Zero fields take the defaults above.
type Options struct {
	// Box encrypts OAuth tokens at rest. It may be nil for commands that
	// never read or write tokens (migrate, status); token methods then
	// fail.
	Box *secretbox.Box
	// MaxConns caps this process's pool (the app's DB_MAX_CONNS). Size it
	// so that processes x MaxConns stays under the plan's limit.
	MaxConns int32
	// MaxConnLifetime recycles connections so that failovers and
	// credential rotations are picked up.
	MaxConnLifetime time.Duration
	// StatementTimeout is the server-side statement_timeout of every
	// connection, so a runaway query cannot hold a connection forever.
	// A migration that needs longer sets its own with SET LOCAL.
	StatementTimeout time.Duration
}

// DB is a Phenolink store on a Postgres database. It is safe for concurrent
// use.
type DB struct {
	pool       *pgxpool.Pool
	sqlDB      *sql.DB // the same pool seen through database/sql, for goose
	box        *secretbox.Box
	migrations *goose.Provider
	index      phenolink.MarkerCache
}

// Open connects to databaseURL (a postgres:// URL such as DATABASE_URL;
// extra query parameters like search_path become session settings) and
// checks that the server answers. It does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// The parse error may quote the URL, password and all.
		return nil, fmt.Errorf("postgres.Open: the database URL is not valid")
	}
	cfg.MaxConns = opts.MaxConns
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	cfg.MaxConnLifetime = opts.MaxConnLifetime
	if cfg.MaxConnLifetime <= 0 {
		cfg.MaxConnLifetime = DefaultMaxConnLifetime
	}
	timeout := opts.StatementTimeout
	if timeout <= 0 {
		timeout = DefaultStatementTimeout
	}
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(timeout.Milliseconds())
	cfg.ConnConfig.Tracer = statementTracer{}
	host := cfg.ConnConfig.Host

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres.Open(host %q): %w", host, err)
	}
	db := &DB{pool: pool, sqlDB: stdlib.OpenDBFromPool(pool), box: opts.Box}
	if err := pool.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres.Open(host %q): %w", host, err)
	}
	if db.migrations, err = db.newMigrationProvider(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres.Open(host %q): %w", host, err)
	}
	return db, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	db.index.Stop()
	err := db.sqlDB.Close() // leaves the pool open
	db.pool.Close()
	return err
}

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres.Ping: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction and commits it when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}
