package demo

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan"
	"phenolink/internal/sqlite"
	"phenolink/internal/synth"
	"phenolink/internal/ttamsim"
)

func openSQLite(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "phenolink.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// genomes returns every stored record's called-or-not markers by profile.
func genomes(t *testing.T, db *sqlite.DB) map[string][]phenolink.Call {
	t.Helper()
	out := map[string][]phenolink.Call{}
	if err := db.ScanGenomes(t.Context(), func(pid string, calls []phenolink.Call) error {
		out[pid] = slices.Clone(calls)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSeedStoresASyntheticCohortOnTheSimulatorsKey(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	opts := Options{Participants: 12, Seed: 3, Markers: 4000}
	if err := Seed(t.Context(), db, opts); err != nil {
		t.Fatal(err)
	}
	sim, err := ttamsim.New(ttamsim.Config{Seed: 3, Markers: 4000})
	if err != nil {
		t.Fatal(err)
	}
	index, err := db.Markers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	simKey := sim.MarkerKey()
	if len(index) != len(simKey) {
		t.Fatalf("index has %d markers, the simulator's key %d", len(index), len(simKey))
	}
	for i, m := range simKey {
		if index[i].ID != m.ID || index[i].Pos != m.Pos || uint8(index[i].Chrom) != uint8(m.Chrom) {
			t.Fatalf("index marker %d = %+v, the simulator's key has %+v", i, index[i], m)
		}
	}

	people, err := Cohort(opts, simKey)
	if err != nil {
		t.Fatal(err)
	}
	stored := genomes(t, db)
	if len(stored) != 12 {
		t.Fatalf("%d genomes stored, want 12", len(stored))
	}
	chips := map[string]int{}
	for i, p := range people {
		if want := fmt.Sprintf("demo-participant-%04d", i+1); p.User.ID != want {
			t.Errorf("participant %d has id %q, want %q", i, p.User.ID, want)
		}
		u, err := db.User(t.Context(), p.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.Name(), "Synthetic Participant ") {
			t.Errorf("user name %q does not say it is synthetic", u.Name())
		}
		if ps, err := db.Profiles(t.Context(), u.ID); err != nil || len(ps) != 1 || ps[0].ID != p.Profile.ID || !ps[0].IsGenotyped {
			t.Errorf("profiles of %s = %+v, %v", u.ID, ps, err)
		}
		if !slices.Equal(stored[p.Profile.ID], p.Individual.Genome(simKey)) {
			t.Errorf("%s: stored genome differs from synth's", p.Profile.ID)
		}
		if h := p.Phenotypes["height_mm"]; h < 1200 || h > 2200 {
			t.Errorf("%s: height %v mm", p.Profile.ID, h)
		}
		chips[p.Individual.Chip.Name]++
	}
	if chips["v5"] == 0 || chips["v4"] == 0 || chips["v3"] == 0 {
		t.Errorf("chips %v: want a mix of v3, v4 and v5", chips)
	}
}

func TestSeedTwiceAddsNothing(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	opts := Options{Participants: 5, Seed: 4, Markers: 3000}
	if err := Seed(t.Context(), db, opts); err != nil {
		t.Fatal(err)
	}
	before, err := db.Genome(t.Context(), "demo-profile-0003")
	if err != nil {
		t.Fatal(err)
	}
	valuesBefore, err := db.PhenotypeValues(t.Context(), "demo-profile-0003")
	if err != nil || len(valuesBefore) == 0 {
		t.Fatalf("values after the first seed: %v, %v", valuesBefore, err)
	}
	if err := Seed(t.Context(), db, opts); err != nil {
		t.Fatal(err)
	}
	valuesAfter, err := db.PhenotypeValues(t.Context(), "demo-profile-0003")
	if err != nil || len(valuesAfter) != len(valuesBefore) {
		t.Fatalf("values after the second seed: %v, %v", valuesAfter, err)
	}
	for i := range valuesAfter {
		if !valuesAfter[i].UpdatedAt.Equal(valuesBefore[i].UpdatedAt) {
			t.Errorf("the second seed wrote %s again", valuesAfter[i].PhenotypeID)
		}
	}
	after, err := db.Genome(t.Context(), "demo-profile-0003")
	if err != nil {
		t.Fatal(err)
	}
	if !after.ImportedAt.Equal(before.ImportedAt) {
		t.Error("the second seed stored the genome again")
	}
	if n := len(genomes(t, db)); n != 5 {
		t.Errorf("%d genomes after seeding twice, want 5", n)
	}
	// A larger cohort later adds only the new participants.
	opts.Participants = 7
	if err := Seed(t.Context(), db, opts); err != nil {
		t.Fatal(err)
	}
	again, _ := db.Genome(t.Context(), "demo-profile-0003")
	if n := len(genomes(t, db)); n != 7 || !again.ImportedAt.Equal(before.ImportedAt) {
		t.Errorf("%d genomes after growing the cohort to 7, or an old one was rewritten", n)
	}
}

func TestSeedRefusesBadOptionsWritingNothing(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	for _, o := range []Options{{Participants: -1}, {Markers: ttamsim.MaxMarkers + 1}} {
		if err := Seed(t.Context(), db, o); err == nil {
			t.Errorf("Seed(%+v) succeeded", o)
		}
	}
	if n := len(genomes(t, db)); n != 0 {
		t.Errorf("refused seeds stored %d genomes", n)
	}
}

func TestCohortPlantsHeight(t *testing.T) {
	t.Parallel()
	key, err := Key(Options{Markers: 20_000})
	if err != nil {
		t.Fatal(err)
	}
	traits, err := Traits(Options{}, key)
	if err != nil || len(traits) != 1 || len(traits[0].Effects) != 3 {
		t.Fatalf("traits %+v, %v", traits, err)
	}
	people, err := Cohort(Options{Participants: 400, Markers: 20_000}, key)
	if err != nil {
		t.Fatal(err)
	}
	// Females carrying two copies of the first planted allele should be
	// about 2 x 80 mm taller than those carrying none.
	e := traits[0].Effects[0]
	var sum [3]float64
	var n [3]int
	for _, p := range people {
		d := int(synth.Dosage(key[e.Marker], p.Individual.Call(key, e.Marker)))
		if d < 0 || p.Individual.Sex != synth.Female {
			continue
		}
		sum[d] += p.Phenotypes["height_mm"]
		n[d]++
	}
	if n[0] < 5 || n[2] < 5 {
		t.Fatalf("too few homozygous females to compare: %v", n)
	}
	if diff := sum[2]/float64(n[2]) - sum[0]/float64(n[0]); diff < 60 {
		t.Errorf("two copies add %.0f mm on average, want about 160", diff)
	}
}

// BenchmarkSeedDefault seeds the default cohort (200 participants over the
// simulator's 100,000-marker key) into a fresh SQLite file.
func BenchmarkSeedDefault(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db := openSQLite(b)
		b.StartTimer()
		if err := Seed(b.Context(), db, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeedAgain is the cost of the check at every start once seeded.
func BenchmarkSeedAgain(b *testing.B) {
	db := openSQLite(b)
	if err := Seed(b.Context(), db, Options{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Seed(b.Context(), db, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSeededScanFindsThePlantedMarkersFirst(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	opts := Options{Markers: 20_000}
	if err := Seed(t.Context(), db, opts); err != nil {
		t.Fatal(err)
	}
	started, err := SeedScan(t.Context(), db)
	if err != nil || !started {
		t.Fatalf("SeedScan = %v, %v; want a scan started", started, err)
	}
	if again, err := SeedScan(t.Context(), db); err != nil || again {
		t.Errorf("a second SeedScan = %v, %v; want nothing started", again, err)
	}
	scans, err := db.Scans(t.Context())
	if err != nil || len(scans) != 1 {
		t.Fatalf("scans %+v, %v", scans, err)
	}
	res, sum, err := scan.Run(t.Context(), scan.Deps{Scans: db, Genotypes: db, Phenotypes: db}, scans[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Samples != DefaultParticipants {
		t.Errorf("the scan used %d samples, want all %d participants", sum.Samples, DefaultParticipants)
	}
	key, err := Key(opts)
	if err != nil {
		t.Fatal(err)
	}
	traits, err := Traits(opts, key)
	if err != nil {
		t.Fatal(err)
	}
	planted := map[string]bool{}
	for _, e := range traits[0].Effects {
		planted[key[e.Marker].ID] = true
	}
	top := res.TopHits(len(planted))
	for _, r := range top {
		if !planted[r.Marker.ID] {
			t.Errorf("top hits %v include %s (p %.3g), which has no planted effect; planted: %v", ids(top), r.Marker.ID, r.P, planted)
		}
	}
}

func TestSeedGivesConsentAndStoresPhenotypes(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	opts := Options{Participants: 6, Seed: 5, Markers: 3000}
	if err := Seed(t.Context(), db, opts); err != nil {
		t.Fatal(err)
	}
	key, err := Key(opts)
	if err != nil {
		t.Fatal(err)
	}
	people, err := Cohort(opts, key)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		c, err := db.Consent(t.Context(), p.User.ID)
		if err != nil || c.Version != phenolink.ConsentVersion {
			t.Errorf("%s: consent %+v, %v", p.User.ID, c, err)
		}
		vs, err := db.PhenotypeValues(t.Context(), p.Profile.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, v := range vs {
			got[v.PhenotypeID] = v.Value
		}
		if len(got) != 3 || got["height_mm"] != p.Phenotypes["height_mm"] || got["sex"] != p.Phenotypes["sex"] || got["date_of_birth"] != p.Phenotypes["date_of_birth"] {
			t.Errorf("%s: stored %v, want %v", p.Profile.ID, got, p.Phenotypes)
		}
		if want := float64(p.Individual.Sex - 1); got["sex"] != want {
			t.Errorf("%s: sex %v for a %v individual", p.Profile.ID, got["sex"], p.Individual.Sex)
		}
	}
	// A participant who withdrew is asked again only when seeding again,
	// since the demo's people cannot sign in to consent themselves.
	if err := db.WithdrawConsent(t.Context(), people[0].User.ID); err != nil {
		t.Fatal(err)
	}
	if err := Seed(t.Context(), db, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Consent(t.Context(), people[0].User.ID); err != nil {
		t.Errorf("consent after seeding again: %v", err)
	}
}

func ids(rs []scan.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Marker.ID
	}
	return out
}
