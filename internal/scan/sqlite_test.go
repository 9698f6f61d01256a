package scan

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan/scantest"
	"phenolink/internal/sqlite"
	"phenolink/internal/synth"
)

// sqliteStore is what scans need from the SQLite adapter.
type sqliteStore interface {
	phenolink.UserStore
	phenolink.GenotypeStore
	phenolink.PhenotypeStore
	phenolink.ScanStore
}

// sqliteTarget lets Populate fill the SQLite adapter.
type sqliteTarget struct{ sqliteStore }

func (t sqliteTarget) AddProfile(ctx context.Context, userID, profileID string) error {
	return t.SaveUser(ctx, phenolink.User{ID: userID}, []phenolink.Profile{{ID: profileID, UserID: userID, IsGenotyped: true}})
}

// TestScanJobOnSQLite runs the scan job against the SQLite adapter and
// checks that it stores what a scan of the same cohort in memory gives.
func TestScanJobOnSQLite(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "scan.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st, ok := any(db).(sqliteStore)
	if !ok {
		t.Skip("the SQLite adapter does not keep phenotypes and scans yet")
	}
	key, err := synth.Markers(17, 2000)
	if err != nil {
		t.Fatal(err)
	}
	cfg := scantest.Config{Seed: 17, Samples: 40, Markers: 2000, NoSexEvery: 3, Effects: []synth.Effect{{Marker: commonAutosomal(key), Beta: 60}}}
	if _, err := scantest.Populate(ctx, sqliteTarget{st}, cfg); err != nil {
		t.Fatal(err)
	}
	_, _, mem := newCohort(t, cfg)
	if err := st.SaveUser(ctx, phenolink.User{ID: "researcher"}, nil); err != nil {
		t.Fatal(err)
	}
	s, err := st.CreateScan(ctx, newScan("height_mm", phenolink.CovariateSex, phenolink.CovariateAge))
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{Scans: st, Genotypes: st, Phenotypes: st}
	job := phenolink.Job{ID: s.JobID, Kind: phenolink.JobScan, Payload: []byte(strconv.FormatInt(s.ID, 10))}
	if _, err := Handler(d)(ctx, job, nil); err != nil {
		t.Fatal(err)
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
	if len(got) != len(want) {
		t.Fatalf("SQLite scan stored %d results, in memory %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("result %d: SQLite %+v, in memory %+v", i, got[i], want[i])
		}
	}
	done, err := st.Scan(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Samples != sum.Samples || done.Tested != sum.Tested || !near(done.Lambda, sum.Lambda) {
		t.Errorf("stored summary %+v, want %+v", done, sum)
	}
}
