package research

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/sqlite"
)

// TestResultsOnSQLite checks that the SQLite adapter gives the results the
// in-memory store gives for the same people, before and after some of them
// withdraw consent and other writes, on one Service that keeps what it
// read.
func TestResultsOnSQLite(t *testing.T) {
	testResultsOnStore(t, openSQLite(t))
}

// openSQLite opens a migrated SQLite database that t closes.
func openSQLite(t *testing.T) *sqlite.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "research.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestResultsOnPostgres is TestResultsOnSQLite on Postgres.
func TestResultsOnPostgres(t *testing.T) {
	testResultsOnStore(t, openPostgres(t))
}

// resultsStore is what testResultsOnStore writes and reads.
type resultsStore interface {
	pageStore
	DeleteGenome(ctx context.Context, profileID string) error
	DeleteUser(ctx context.Context, id string) error
}

func testResultsOnStore(t *testing.T, db resultsStore) {
	ctx := context.Background()
	mem := newMemStore()
	markers := []phenolink.Marker{{ID: "rs1", Chrom: 1, Pos: 100}, {ID: "rs2", Chrom: phenolink.ChromosomeX, Pos: 200}}
	for _, m := range markers {
		mem.marker(m.ID, m.Chrom)
	}
	autosomal := []string{"AA", "AG", "GG", "AG", "GG", "GG", "CC"}
	onX := []string{"A", "G", "AA", "AG", "GG", "G"}
	var values []phenolink.PhenotypeValue
	for i := range 60 {
		user, profile := fmt.Sprintf("u%03d", i), fmt.Sprintf("p%03d", i)
		if err := db.SaveUser(ctx, phenolink.User{ID: user}, []phenolink.Profile{{ID: profile, UserID: user, IsGenotyped: true}}); err != nil {
			t.Fatal(err)
		}
		if err := db.GiveConsent(ctx, phenolink.Consent{UserID: user, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText}); err != nil {
			t.Fatal(err)
		}
		calls := []string{autosomal[i%len(autosomal)], onX[i%len(onX)]}
		if i%11 == 0 {
			calls[0] = "--"
		}
		if i%13 != 5 { // a few profiles have values but no genome
			var packed []phenolink.Call
			for j, c := range calls {
				mem.setCall(t, profile, markers[j].ID, c)
				packed = append(packed, mem.genomes[profile][j])
			}
			info := phenolink.GenomeInfo{ProfileID: profile, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}
			if _, err := db.SaveGenome(ctx, info, markers, packed); err != nil {
				t.Fatal(err)
			}
		}
		height, chrono := float64(1500+7*i%300), float64(i%3%2)
		mem.setValue(profile, "height_mm", height)
		mem.setValue(profile, "chronotype", chrono)
		values = append(values,
			phenolink.PhenotypeValue{ProfileID: profile, PhenotypeID: "height_mm", Value: height, Source: phenolink.ValueSourceSurvey},
			phenolink.PhenotypeValue{ProfileID: profile, PhenotypeID: "chronotype", Value: chrono, Source: phenolink.ValueSourceSurvey})
	}
	if err := db.SavePhenotypeValues(ctx, values); err != nil {
		t.Fatal(err)
	}
	changes := &countedChanges{ChangeReader: db}
	onDB := &Service{Markers: db, Phenotypes: db, MinGroupSize: 5, Changes: changes}
	snps := []string{"rs2", "rs404", "rs1"}
	compare := func(stage string) {
		t.Helper()
		got, want := results(t, onDB, snps), results(t, mem.service(5), snps)
		if !slices.Equal(got.Unknown, want.Unknown) || len(got.Tables) != len(want.Tables) {
			t.Fatalf("%s: stored unknown %q, %d tables; in memory %q, %d", stage, got.Unknown, len(got.Tables), want.Unknown, len(want.Tables))
		}
		for i, g := range got.Tables {
			w := want.Tables[i]
			if g.Marker.ID != w.Marker.ID || g.Phenotype.ID != w.Phenotype.ID || g.N != w.N || g.LeftOut != w.LeftOut ||
				!slices.Equal(g.Groups, w.Groups) || !sameTest(g.Test, w.Test) || g.Note != w.Note {
				t.Errorf("%s: stored table %+v %+v\nin memory %+v %+v", stage, g, g.Test, w, w.Test)
			}
		}
		if len(got.Tables) != 4 || got.Tables[0].Test == nil {
			t.Errorf("%s: %d tables, first test %+v; want 4 with a test", stage, len(got.Tables), got.Tables[0].Test)
		}
	}
	compare("all consenting")
	before := results(t, onDB, snps).Tables[0].N
	for _, i := range []int{3, 4, 10, 22} {
		if err := db.WithdrawConsent(ctx, fmt.Sprintf("u%03d", i)); err != nil {
			t.Fatal(err)
		}
		mem.withdraw(false, fmt.Sprintf("p%03d", i))
	}
	compare("after withdrawals")
	if after := results(t, onDB, snps).Tables[0].N; after != before-4 {
		t.Errorf("after 4 withdrawals N = %d, want %d", after, before-4)
	}

	// The same Service, which keeps what it read, follows re-imports,
	// deleted genomes and values, and deleted accounts.
	for _, i := range []int{1, 2, 6, 7, 8} {
		profile := fmt.Sprintf("p%03d", i)
		for j, c := range []string{"AA", "A"} {
			mem.setCall(t, profile, markers[j].ID, c)
		}
		info := phenolink.GenomeInfo{ProfileID: profile, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}
		if _, err := db.SaveGenome(ctx, info, markers, mem.genomes[profile][:2]); err != nil {
			t.Fatal(err)
		}
	}
	compare("after re-imports")
	if err := db.DeleteGenome(ctx, "p012"); err != nil {
		t.Fatal(err)
	}
	delete(mem.genomes, "p012")
	mem.moved(true, false)
	compare("after a deleted genome")
	if err := db.DeletePhenotypeValue(ctx, "p014", "height_mm"); err != nil {
		t.Fatal(err)
	}
	mem.deleteValue("p014", "height_mm")
	compare("after a deleted value")
	if err := db.DeleteUser(ctx, "u015"); err != nil {
		t.Fatal(err)
	}
	mem.remove("p015")
	compare("after a deleted account")
	if n := changes.complete.Load(); n == 0 {
		t.Error("no page read the values' changes alone")
	}
	if n := changes.completeRecords.Load(); n == 0 {
		t.Error("no page read the records' changes alone")
	}
}

// TestPagesDuringWritesOnSQLite runs pages on one Service while consents
// are withdrawn, genomes re-imported and values deleted, with pages served
// between every two writes, and checks that the page after the last write
// is the one a new Service computes: no page keeps what it read under an
// older count.
func TestPagesDuringWritesOnSQLite(t *testing.T) {
	testPagesDuringWrites(t, openSQLite(t))
}

// TestPagesDuringWritesOnPostgres is TestPagesDuringWritesOnSQLite on
// Postgres, whose counters move at commit.
func TestPagesDuringWritesOnPostgres(t *testing.T) {
	testPagesDuringWrites(t, openPostgres(t))
}

func testPagesDuringWrites(t *testing.T, db pageStore) {
	ctx := context.Background()
	markers := []phenolink.Marker{{ID: "rs1", Chrom: 1, Pos: 100}, {ID: "rs2", Chrom: 2, Pos: 200}}
	calls := func(i int) []phenolink.Call {
		return []phenolink.Call{[]phenolink.Call{0x11, 0x13, 0x33}[i%3], []phenolink.Call{0x22, 0x24, 0x44}[i/3%3]}
	}
	storeCohort(t, db, 40, markers, calls, func(i int) float64 { return float64(1500 + 11*i%200) })
	changes := &countedChanges{ChangeReader: db}
	svc := &Service{Markers: db, Phenotypes: db, MinGroupSize: 5, Changes: changes}
	snps := []string{"rs1", "rs2"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var pages atomic.Int64
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := svc.Results(ctx, snps, []string{"height_mm"}); err != nil {
					t.Error(err)
					return
				}
				pages.Add(1)
			}
		})
	}
	// Pages run between every two writes, not only before or after them.
	pagesUntil := func(n int64) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for pages.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("no page in 10 s (%d of %d served)", pages.Load(), n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	for i := range 30 {
		pagesUntil(pages.Load() + 3)
		user, profile := fmt.Sprintf("u%03d", i), fmt.Sprintf("p%03d", i)
		var err error
		switch i % 3 {
		case 0:
			err = db.WithdrawConsent(ctx, user)
		case 1:
			info := phenolink.GenomeInfo{ProfileID: profile, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}
			_, err = db.SaveGenome(ctx, info, markers, calls(i+1))
		case 2:
			err = db.DeletePhenotypeValue(ctx, profile, "height_mm")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	got := results(t, svc, snps, "height_mm")
	want := results(t, &Service{Markers: db, Phenotypes: db, MinGroupSize: 5}, snps, "height_mm")
	samePages(t, "after the writes", got, want)
	if n := changes.complete.Load(); n == 0 {
		t.Error("no page read the values' changes alone")
	}
	if n := changes.completeRecords.Load(); n == 0 {
		t.Error("no page read the records' changes alone")
	}
}

// countedChanges counts the reads of changes that could name them.
type countedChanges struct {
	phenolink.ChangeReader
	complete, completeRecords atomic.Int64
}

func (c *countedChanges) CohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(string, int, float64) error) (phenolink.Changes, error) {
	ch, err := c.ChangeReader.CohortChangesSince(ctx, gen, ids, max, fn)
	if err == nil && ch.Complete {
		c.complete.Add(1)
	}
	return ch, err
}

func (c *countedChanges) GenomeChangesSince(ctx context.Context, gen int64, positions []int, max int, fn func(string, []phenolink.Call) error) (phenolink.Changes, error) {
	ch, err := c.ChangeReader.GenomeChangesSince(ctx, gen, positions, max, fn)
	if err == nil && ch.Complete {
		c.completeRecords.Add(1)
	}
	return ch, err
}

// TestCatalogEditOnSQLite checks that a page after a catalog entry is
// edited shows the entry as edited while reading no value again, and
// that a page after an entry is added reads every value again, each page
// the one a new Service computes.
func TestCatalogEditOnSQLite(t *testing.T) {
	testCatalogEdit(t, openSQLite(t))
}

// TestCatalogEditOnPostgres is TestCatalogEditOnSQLite on Postgres.
func TestCatalogEditOnPostgres(t *testing.T) {
	testCatalogEdit(t, openPostgres(t))
}

func testCatalogEdit(t *testing.T, db pageStore) {
	ctx := context.Background()
	markers := []phenolink.Marker{{ID: "rs1", Chrom: 1, Pos: 100}}
	calls := func(i int) []phenolink.Call { return []phenolink.Call{[]phenolink.Call{0x11, 0x13, 0x33}[i%3]} }
	storeCohort(t, db, 30, markers, calls, func(i int) float64 { return float64(1500 + 7*i) })
	changes := &countedChanges{ChangeReader: db}
	svc := &Service{Markers: db, Phenotypes: db, MinGroupSize: 5, Changes: changes}
	snps := []string{"rs1"}
	page := func(what string) *Report {
		t.Helper()
		got := results(t, svc, snps)
		samePages(t, what, got, results(t, &Service{Markers: db, Phenotypes: db, MinGroupSize: 5}, snps))
		return got
	}
	page("before the edit")

	p, err := db.Phenotype(ctx, "height_mm")
	if err != nil {
		t.Fatal(err)
	}
	p.Label = "Height, as edited"
	if err := db.SavePhenotype(ctx, p); err != nil {
		t.Fatal(err)
	}
	got := page("after an entry was edited")
	if len(got.Tables) != 1 || got.Tables[0].Phenotype.Label != p.Label {
		t.Errorf("after an entry was edited the page shows %+v; want its label %q", got.Tables, p.Label)
	}
	if n := changes.complete.Load(); n != 1 {
		t.Errorf("the page after an edit read the values' changes %d times, want once and no whole read", n)
	}

	added := p
	added.ID, added.Label = "height_again_mm", "Height again"
	if err := db.SavePhenotype(ctx, added); err != nil {
		t.Fatal(err)
	}
	page("after an entry was added")
	if n := changes.complete.Load(); n != 1 {
		t.Errorf("the page after an entry was added read the values' changes (%d reads in all); want a whole read", n)
	}
}

// storeCohort stores n consenting profiles p000, p001, ... (of users u000,
// u001, ...), profile i with the record calls(i) of markers and the
// height height(i).
func storeCohort(t *testing.T, db pageStore, n int, markers []phenolink.Marker, calls func(int) []phenolink.Call, height func(int) float64) {
	t.Helper()
	ctx := t.Context()
	var values []phenolink.PhenotypeValue
	for i := range n {
		user, profile := fmt.Sprintf("u%03d", i), fmt.Sprintf("p%03d", i)
		if err := db.SaveUser(ctx, phenolink.User{ID: user}, []phenolink.Profile{{ID: profile, UserID: user}}); err != nil {
			t.Fatal(err)
		}
		if err := db.GiveConsent(ctx, phenolink.Consent{UserID: user, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText}); err != nil {
			t.Fatal(err)
		}
		info := phenolink.GenomeInfo{ProfileID: profile, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}
		if _, err := db.SaveGenome(ctx, info, markers, calls(i)); err != nil {
			t.Fatal(err)
		}
		values = append(values, phenolink.PhenotypeValue{ProfileID: profile, PhenotypeID: "height_mm", Value: height(i), Source: phenolink.ValueSourceSurvey})
	}
	if err := db.SavePhenotypeValues(ctx, values); err != nil {
		t.Fatal(err)
	}
}
