package scan

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"phenolink/internal/pgtest"
	"phenolink/internal/phenolink"
	"phenolink/internal/postgres"
	"phenolink/internal/scan/scantest"
	"phenolink/internal/sqlite"
	"phenolink/internal/synth"
)

// dbStore is what scans need from a database adapter.
type dbStore interface {
	phenolink.UserStore
	phenolink.GenotypeStore
	phenolink.PhenotypeStore
	phenolink.ScanStore
}

// dbTarget lets Populate fill a database adapter.
type dbTarget struct{ dbStore }

func (t dbTarget) AddProfile(ctx context.Context, userID, profileID string) error {
	return t.SaveUser(ctx, phenolink.User{ID: userID}, []phenolink.Profile{{ID: profileID, UserID: userID, IsGenotyped: true}})
}

// stores are the adapters the scan job runs on: SQLite always, Postgres
// unless TEST_DATABASE_URL is "off".
var stores = []struct {
	name string
	open func(tb testing.TB) dbStore
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

func openSQLite(tb testing.TB) dbStore {
	tb.Helper()
	db, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "scan.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// openPostgres migrates a fresh schema of the server TEST_DATABASE_URL
// names (the local one by default), dropped when the test ends.
func openPostgres(tb testing.TB) dbStore {
	tb.Helper()
	dbURL := pgtest.SchemaURL(tb)
	db, err := postgres.Open(tb.Context(), dbURL, postgres.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// TestScanJobOnStores runs the scan job against each database adapter and
// checks that it stores what a scan of the same cohort in memory gives.
// The index grows after the cohort's genomes are stored, so the stores
// hand the scan records shorter than the index.
func TestScanJobOnStores(t *testing.T) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			testScanJobOnStore(t, s.open(t))
		})
	}
}

func testScanJobOnStore(t *testing.T, st dbStore) {
	ctx := t.Context()
	if _, ok := st.(phenolink.GenomeRecordScanner); !ok {
		t.Fatalf("%T does not offer ScanGenomeRecords", st)
	}
	key, err := synth.Markers(17, 2000)
	if err != nil {
		t.Fatal(err)
	}
	cfg := scantest.Config{Seed: 17, Samples: 40, Markers: 2000, NoSexEvery: 3, Effects: []synth.Effect{{Marker: commonAutosomal(key), Beta: 60}}}
	_, c, mem := newCohort(t, cfg)
	if _, err := scantest.Populate(ctx, dbTarget{st}, cfg); err != nil {
		t.Fatal(err)
	}
	// A later import brings a marker no one in the cohort has, so every
	// cohort record is now shorter than the index.
	if err := st.SaveUser(ctx, phenolink.User{ID: "late"}, []phenolink.Profile{{ID: "late", UserID: "late", IsGenotyped: true}}); err != nil {
		t.Fatal(err)
	}
	late := []phenolink.Marker{{ID: c.Key[0].ID, Chrom: phenolink.Chromosome(c.Key[0].Chrom), Pos: c.Key[0].Pos}, {ID: "rs999999999", Chrom: 1, Pos: 5}}
	info := phenolink.GenomeInfo{ProfileID: "late", Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}
	if _, err := st.SaveGenome(ctx, info, late, []phenolink.Call{0x11, 0x12}); err != nil {
		t.Fatal(err)
	}
	if ms, err := st.Markers(ctx); err != nil || len(ms) != cfg.Markers+1 {
		t.Fatalf("the index holds %d markers (%v), want %d", len(ms), err, cfg.Markers+1)
	}
	if err := st.SaveUser(ctx, phenolink.User{ID: "researcher"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, cov := range [][]string{nil, {phenolink.CovariateSex, phenolink.CovariateAge}} {
		s, err := st.CreateScan(ctx, newScan("height_mm", cov...))
		if err != nil {
			t.Fatal(err)
		}
		d := Deps{Scans: st, Genotypes: st, Phenotypes: st}
		job := phenolink.Job{ID: s.JobID, Kind: phenolink.JobScan, Payload: []byte(strconv.FormatInt(s.ID, 10))}
		msg, err := Handler(d)(ctx, job, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(msg, "Tested ") {
			t.Errorf("job message %q", msg)
		}
		enc, err := st.ScanResults(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(enc)
		if err != nil {
			t.Fatal(err)
		}
		want, sum, err := Run(ctx, mem, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || len(got) != len(want) {
			t.Fatalf("covariates %v: the store's scan stored %d results, in memory %d", cov, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("covariates %v, result %d: store %+v, in memory %+v", cov, i, got[i], want[i])
			}
		}
		done, err := st.Scan(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.Samples != sum.Samples || done.Tested != sum.Tested || !near(done.Lambda, sum.Lambda) {
			t.Errorf("covariates %v: stored summary %+v, want %+v", cov, done, sum)
		}
	}
}
