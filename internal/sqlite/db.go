// Package sqlite stores Phenolink's data in an embedded SQLite file through
// the pure-Go modernc.org/sqlite driver (no cgo), for running without a
// Postgres server. It implements the domain's store interfaces.
//
// # Connections
//
// SQLite allows one writer at a time. Rather than let several pooled
// connections race for the write lock and fail with SQLITE_BUSY, DB keeps two
// pools on the same file: a write pool of exactly one connection, whose
// transactions begin IMMEDIATE so they take the write lock up front, and a
// read pool of several query-only connections, which WAL mode lets read
// while the writer writes. Writes from many goroutines queue in
// database/sql for the single writer; busy_timeout covers other processes
// (a command run beside the server) holding the lock briefly.
//
// # Genotypes
//
// The shared marker index is reference data, not anyone's personal data: it
// survives DeleteUser. It is append-only and stored as blocks of up to
// 65,536 consecutive markers (table marker_blocks), so a first import of a
// million markers writes about 15 rows. Each process keeps a copy of the
// index in memory (phenolink.MarkerCache: 30 to 40 MB per million markers
// once searched, loaded at the first import or genotype page, dropped after
// five idle minutes) and refreshes it by reading only the blocks past its
// length. Imports merge their markers into it in one pass and then write
// the profile's record: one blob of one byte (a phenolink.Call) per index
// position, in index order, so a genome is one row and a scan reads one
// blob per profile. Marker searches for the genotype browser run on the
// in-memory copy. A re-import replaces the record, and its pieces for
// CallsAt, in the same transaction that adds its markers; a failure rolls
// all back and undoes the in-memory merge.
//
// # Jobs
//
// The job queue lives in the jobs table. Claim runs inside the single
// write connection's IMMEDIATE transaction, which serializes claims across
// every process on the file, so no job is handed out twice. Times are Unix
// nanoseconds from the claiming process's clock. A payload larger than a
// part (4 KB under a megabyte), a staged genome, is stored in parts (table
// job_payload_parts), so the engine's own copies of it stay small.
//
// # Phenotypes and scans
//
// Migrate seeds the phenotype catalog with the defaults missing from it.
// Values, consent and roles are a participant's and go with DeleteUser;
// a consent is a row, withdrawn by deleting it, and every cohort read joins
// the consents. Scans (summary and results in separate tables) and the
// audit log are researchers' records and outlive their accounts.
//
// # Per-SNP reads
//
// CallsAt, which reads a few positions of every record for the per-SNP
// results page, does not read the records' blobs: SQLite loads a whole
// blob to take one byte of it. SaveGenome also writes the record cut into
// pieces of 512 positions (table genome_chunks, keyed by piece number and
// then profile id), so one position of every record is one range of that
// table, whatever the records' length.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"phenolink/internal/phenolink"
	"phenolink/internal/secretbox"
)

// Options tunes Open. The zero value works except for token storage, which
// needs Box.
type Options struct {
	// Box encrypts OAuth tokens at rest. It may be nil for commands that
	// never read or write tokens (migrate, status); token methods then
	// fail.
	Box *secretbox.Box
	// BusyTimeout is how long a statement waits for another process's
	// lock before failing; default 5 s.
	BusyTimeout time.Duration
	// ReadConns caps the read pool; default max(4, GOMAXPROCS).
	ReadConns int
}

// DB is a Phenolink store on one SQLite file. It is safe for concurrent use.
type DB struct {
	read       *sql.DB    // query_only connections, many at once
	reads      *stmtCache // read's constant queries, kept prepared
	write      *sql.DB    // exactly one connection; every write goes here
	box        *secretbox.Box
	migrations *goose.Provider
	index      phenolink.MarkerCache
}

// Open opens (creating if needed) the SQLite database at path, with WAL,
// foreign keys and a busy timeout on every connection, and checks that it
// answers. It does not migrate; call Migrate.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" || path == ":memory:" || strings.ContainsAny(path, "?#") {
		// An in-memory database would be a different one on each
		// connection, and ? would end the file name in the DSN.
		return nil, fmt.Errorf("sqlite.Open(%q): need a file path without '?' or '#'", path)
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = max(4, runtime.GOMAXPROCS(0))
	}
	db := &DB{box: opts.Box}
	var err error
	// The writer opens first so that it creates the file and switches it
	// to WAL before any reader connects.
	if db.write, err = sql.Open("sqlite", dsn(path, opts.BusyTimeout, false)); err != nil {
		return nil, fmt.Errorf("sqlite.Open(%q): %w", path, err)
	}
	db.write.SetMaxOpenConns(1)
	db.write.SetMaxIdleConns(1)
	db.write.SetConnMaxLifetime(0)
	db.write.SetConnMaxIdleTime(0)
	if err := db.write.PingContext(ctx); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite.Open(%q): %w", path, err)
	}
	if db.read, err = sql.Open("sqlite", dsn(path, opts.BusyTimeout, true)); err != nil {
		db.write.Close()
		return nil, fmt.Errorf("sqlite.Open(%q): %w", path, err)
	}
	db.read.SetMaxOpenConns(opts.ReadConns)
	db.read.SetMaxIdleConns(opts.ReadConns)
	db.reads = newStmtCache(db.read)
	if err := db.read.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite.Open(%q): %w", path, err)
	}
	if db.migrations, err = newMigrationProvider(db.write); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite.Open(%q): %w", path, err)
	}
	return db, nil
}

// dsn builds the modernc DSN: pragmas run on every new connection, so a
// pool never hands out a connection without foreign keys.
func dsn(path string, busy time.Duration, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	// NORMAL is durable across application crashes in WAL mode and only
	// risks the last transactions on power loss, for far fewer fsyncs.
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// Close closes both pools.
func (db *DB) Close() error {
	db.index.Stop()
	return errors.Join(db.reads.close(), db.read.Close(), db.write.Close())
}

// Ping reports whether both pools answer a query.
func (db *DB) Ping(ctx context.Context) error {
	for _, pool := range []*sql.DB{db.read, db.write} {
		var one int
		if err := queryRow(ctx, pool, "SELECT 1").Scan(&one); err != nil {
			return fmt.Errorf("sqlite.Ping: %w", err)
		}
	}
	return nil
}

// inTx runs fn in a write transaction and commits it when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, rollback(tx))
	}
	return tx.Commit()
}

// rollback undoes tx, ignoring the error that says it already ended.
func rollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}
