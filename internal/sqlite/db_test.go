package sqlite

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"phenolink/internal/secretbox"
	"phenolink/internal/storetest"
)

// harness runs the shared suite on a new file in a temporary directory per
// test.
func harness() storetest.Harness {
	return storetest.Harness{
		NewDatabase: func(t *testing.T) func(*secretbox.Box) storetest.Store {
			path := filepath.Join(t.TempDir(), "phenolink.db")
			return func(box *secretbox.Box) storetest.Store {
				db, err := Open(t.Context(), path, Options{Box: box})
				if err != nil {
					t.Fatalf("Open(%q): %v", path, err)
				}
				t.Cleanup(func() { db.Close() })
				return db
			}
		},
		Count: func(t *testing.T, s storetest.Store, table string) int {
			t.Helper()
			var n int
			if err := s.(*DB).read.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Fatalf("counting %s: %v", table, err)
			}
			return n
		},
		// Raw returns the whole database file and its write-ahead log: if
		// a value were stored in the clear anywhere, it would be in there.
		Raw: func(t *testing.T, s storetest.Store, table string) []byte {
			t.Helper()
			var path string
			if err := s.(*DB).read.QueryRowContext(t.Context(), "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
				t.Fatal(err)
			}
			var all bytes.Buffer
			for _, p := range []string{path, path + "-wal"} {
				b, err := os.ReadFile(p)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				all.Write(b)
			}
			return all.Bytes()
		},
		Tables: func(t *testing.T, s storetest.Store) []string {
			t.Helper()
			rows, err := s.(*DB).read.QueryContext(t.Context(), `
				SELECT name FROM sqlite_schema
				WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'goose_db_version'`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var names []string
			for rows.Next() {
				var name string
				if err := rows.Scan(&name); err != nil {
					t.Fatal(err)
				}
				names = append(names, name)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			return names
		},
	}
}

func TestStore(t *testing.T) {
	storetest.Run(t, harness())
}

func BenchmarkStore(b *testing.B) {
	db := openMigrated(b, Options{Box: benchBox(b)})
	storetest.RunBenchmarks(b, db)
}

// BenchmarkValues measures a CSV import's write of 10,000 values.
func BenchmarkValues(b *testing.B) {
	storetest.RunValuesBenchmark(b, openMigrated(b, Options{}))
}

// openMigrated opens a migrated database in a new temporary directory,
// closed when tb ends.
func openMigrated(tb testing.TB, opts Options) *DB {
	tb.Helper()
	db, err := Open(tb.Context(), filepath.Join(tb.TempDir(), "phenolink.db"), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return db
}

func benchBox(b *testing.B) *secretbox.Box {
	box, err := secretbox.New("bench secret")
	if err != nil {
		b.Fatal(err)
	}
	return box
}

func BenchmarkGenome(b *testing.B) {
	storetest.RunGenomeBenchmarks(b, func() func() storetest.Store {
		path := filepath.Join(b.TempDir(), "bench.db")
		return func() storetest.Store {
			db, err := Open(b.Context(), path, Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			return db
		}
	})
}

// BenchmarkScanGenomes reads 2,000 records of 630,000 markers, the size of
// a genome-wide scan. Filling the database takes minutes and over a
// gigabyte, so it runs only with PHENOLINK_BENCH_LARGE=1.
func BenchmarkScanGenomes(b *testing.B) {
	if os.Getenv("PHENOLINK_BENCH_LARGE") != "1" {
		b.Skip("set PHENOLINK_BENCH_LARGE=1 to store 2,000 x 630,000 genotypes and scan them")
	}
	db := openMigrated(b, Options{})
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
	storetest.RunCallsAtBenchmark(b, db, 2000, 630_000, nil)
}

// BenchmarkCallsAtCohort reads 1 and 10 markers, each in a piece of its
// own, of 10,000 records of 10,000 markers: the per-SNP results page's
// cohort, with as many distinct pieces as twice its 5 SNPs. It runs only
// with PHENOLINK_BENCH_LARGE=1, as filling takes a minute or more.
func BenchmarkCallsAtCohort(b *testing.B) {
	if os.Getenv("PHENOLINK_BENCH_LARGE") != "1" {
		b.Skip("set PHENOLINK_BENCH_LARGE=1 to store 10,000 x 10,000 genotypes and read markers of them")
	}
	db := openMigrated(b, Options{})
	storetest.RunCallsAtBenchmark(b, db, 10_000, 10_000, nil)
}
