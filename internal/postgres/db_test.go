package postgres

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/pgtest"
	"phenolink/internal/secretbox"
	"phenolink/internal/storetest"
)

// newSchema returns a URL on an empty schema of its own, dropped when the
// test ends, so tests run in parallel and leave nothing behind.
func newSchema(t testing.TB) string { return pgtest.SchemaURL(t) }

func open(t testing.TB, databaseURL string, opts Options) *DB {
	t.Helper()
	db, err := Open(t.Context(), databaseURL, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openMigrated opens a migrated store in a new schema, closed when t ends.
func openMigrated(t testing.TB, opts Options) *DB {
	t.Helper()
	db := open(t, newSchema(t), opts)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

func harness() storetest.Harness {
	return storetest.Harness{
		NewDatabase: func(t *testing.T) func(*secretbox.Box) storetest.Store {
			u := newSchema(t)
			return func(box *secretbox.Box) storetest.Store {
				return open(t, u, Options{Box: box})
			}
		},
		Count: func(t *testing.T, s storetest.Store, table string) int {
			t.Helper()
			var n int
			if err := s.(*DB).pool.QueryRow(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Fatalf("counting %s: %v", table, err)
			}
			return n
		},
		// Raw returns the text form of every row, which shows bytea
		// columns in hex and everything else as stored.
		Raw: func(t *testing.T, s storetest.Store, table string) []byte {
			t.Helper()
			var text *string
			if err := s.(*DB).pool.QueryRow(t.Context(), "SELECT string_agg(r::text, E'\\n') FROM "+table+" r").Scan(&text); err != nil {
				t.Fatalf("reading %s: %v", table, err)
			}
			if text == nil {
				return nil
			}
			return []byte(*text)
		},
		Tables: func(t *testing.T, s storetest.Store) []string {
			t.Helper()
			rows, _ := s.(*DB).pool.Query(t.Context(), `
				SELECT tablename::text FROM pg_tables
				WHERE schemaname = current_schema() AND tablename <> 'goose_db_version'`)
			names, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			return names
		},
	}
}

func TestStore(t *testing.T) {
	pgtest.ServerURL(t) // skip the whole suite at once when Postgres is off
	storetest.Run(t, harness())
}

func TestOpenConfiguresThePool(t *testing.T) {
	t.Parallel()
	u := newSchema(t)
	tests := []struct {
		name        string
		opts        Options
		maxConns    int32
		stmtTimeout string
	}{
		{"defaults", Options{}, DefaultMaxConns, "30s"},
		{"set", Options{MaxConns: 3, StatementTimeout: 1500 * time.Millisecond}, 3, "1500ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t, u, tt.opts)
			if got := db.pool.Config().MaxConns; got != tt.maxConns {
				t.Errorf("MaxConns = %d, want %d", got, tt.maxConns)
			}
			var got string
			if err := db.pool.QueryRow(t.Context(), "SHOW statement_timeout").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.stmtTimeout {
				t.Errorf("statement_timeout = %q, want %q", got, tt.stmtTimeout)
			}
		})
	}
}

func TestStatementTimeoutStopsRunawayQueries(t *testing.T) {
	t.Parallel()
	db := open(t, newSchema(t), Options{StatementTimeout: 100 * time.Millisecond})
	if _, err := db.pool.Exec(t.Context(), "SELECT pg_sleep(5)"); err == nil || !hasSQLState(err, "57014") {
		t.Fatalf("a 5 s query under a 100 ms statement_timeout: err = %v, want query_canceled (57014)", err)
	}
}

func TestOpenErrorsHideThePassword(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	for _, u := range []string{
		"postgres://phenolink:hunter2secret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", // nothing listens on port 1
		"postgres://phenolink:hunter2secret@127.0.0.1:5432/db?sslmode=bogus",
	} {
		db, err := Open(ctx, u, Options{})
		if err == nil {
			db.Close()
			t.Fatalf("Open(%q) succeeded, want an error", u)
		}
		if s := err.Error(); strings.Contains(s, "hunter2secret") {
			t.Errorf("Open error %q reveals the password", s)
		}
	}
}

// benchBox is the secret box of the benchmarks' stores.
func benchBox(b *testing.B) *secretbox.Box {
	box, err := secretbox.New("bench secret")
	if err != nil {
		b.Fatal(err)
	}
	return box
}

func BenchmarkStore(b *testing.B) {
	db := openMigrated(b, Options{Box: benchBox(b)})
	storetest.RunBenchmarks(b, db)
}

// BenchmarkValues measures a CSV import's write of 10,000 values.
func BenchmarkValues(b *testing.B) {
	storetest.RunValuesBenchmark(b, openMigrated(b, Options{}))
}

func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := openMigrated(t, Options{})
	if _, err := db.migrations.DownTo(ctx, 0); err != nil {
		t.Fatalf("migrating down to 0: %v", err)
	}
	var tables int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('users', 'profiles', 'tokens', 'sessions')`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d tables remain after migrating down to 0", tables)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrating up again: %v", err)
	}
	if current, latest, err := db.SchemaStatus(ctx); err != nil || current != latest {
		t.Errorf("SchemaStatus after up, down, up = %d, %d, %v; want current = latest", current, latest, err)
	}
}

// Two release processes starting together must not both apply migrations.
func TestConcurrentMigrateTakesTurns(t *testing.T) {
	t.Parallel()
	u := newSchema(t)
	a, b := open(t, u, Options{}), open(t, u, Options{})
	errs := make(chan error, 2)
	for _, db := range []*DB{a, b} {
		go func() { errs <- db.Migrate(t.Context()) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Migrate: %v", err)
		}
	}
	if current, latest, err := a.SchemaStatus(t.Context()); err != nil || current != latest {
		t.Errorf("SchemaStatus = %d, %d, %v; want current = latest", current, latest, err)
	}
}

func BenchmarkGenome(b *testing.B) {
	storetest.RunGenomeBenchmarks(b, func() func() storetest.Store {
		u := newSchema(b)
		return func() storetest.Store { return open(b, u, Options{}) }
	})
}

// BenchmarkScanGenomes reads 2,000 records of 630,000 markers, the size of
// a genome-wide scan. Filling the database takes minutes and over a
// gigabyte, so it runs only with PHENOLINK_BENCH_LARGE=1.
// PHENOLINK_BENCH_STORAGE=lz4 or pglz compresses the records that way
// instead of the migration's uncompressed storage, to compare.
func BenchmarkScanGenomes(b *testing.B) {
	if os.Getenv("PHENOLINK_BENCH_LARGE") != "1" {
		b.Skip("set PHENOLINK_BENCH_LARGE=1 to store 2,000 x 630,000 genotypes and scan them")
	}
	db := openMigrated(b, Options{})
	alter := map[string]string{
		"lz4":  `ALTER TABLE genomes ALTER COLUMN calls SET STORAGE EXTENDED, ALTER COLUMN calls SET COMPRESSION lz4`,
		"pglz": `ALTER TABLE genomes ALTER COLUMN calls SET STORAGE EXTENDED, ALTER COLUMN calls SET COMPRESSION pglz`,
	}
	if stmt, ok := alter[os.Getenv("PHENOLINK_BENCH_STORAGE")]; ok {
		if _, err := db.pool.Exec(b.Context(), stmt); err != nil {
			b.Fatal(err)
		}
	}
	storetest.RunScanBenchmark(b, db, 2000, 630_000)
}

// BenchmarkCallsAt reads 1 and 10 markers of 2,000 records of 630,000
// markers, what the per-SNP results page reads. Like BenchmarkScanGenomes
// it runs only with PHENOLINK_BENCH_LARGE=1.
func BenchmarkCallsAt(b *testing.B) {
	if os.Getenv("PHENOLINK_BENCH_LARGE") != "1" {
		b.Skip("set PHENOLINK_BENCH_LARGE=1 to store 2,000 x 630,000 genotypes and read markers of them")
	}
	db := openMigrated(b, Options{})
	storetest.RunCallsAtBenchmark(b, db, 2000, 630_000, func(tb testing.TB) {
		// What autovacuum does after a bulk load: marks the pages
		// all-visible, so index-only scans skip the table.
		if _, err := db.pool.Exec(tb.Context(), `VACUUM ANALYZE genomes, genome_chunks`); err != nil {
			tb.Fatal(err)
		}
	})
}
