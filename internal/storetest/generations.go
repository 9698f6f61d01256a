package storetest

import (
	"testing"

	"phenolink/internal/phenolink"
)

// generations returns the store's change counters or fails the test.
func generations(t *testing.T, s Store) phenolink.Generations {
	t.Helper()
	g, err := s.Generations(t.Context())
	if err != nil {
		t.Fatalf("Generations: %v", err)
	}
	return g
}

// testGenerations checks that every kind of write the per-SNP results page
// depends on moves its counter by the time the write returns, that other
// writes leave it alone, and that a rolled-back write moves nothing: the
// page's cache trusts what it read for as long as the counters stand.
func testGenerations(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	g := parseImport(t, "rs1 1 100 AG", "rs2 1 200 CC")
	type moves struct{ genomes, cohort bool }
	steps := []struct {
		name  string
		write func() error
		want  moves
	}{
		{"consent", func() error {
			return s.GiveConsent(ctx, phenolink.Consent{UserID: "u1", Version: phenolink.ConsentVersion, Text: phenolink.ConsentText})
		}, moves{cohort: true}},
		{"consent of another user", func() error {
			return s.GiveConsent(ctx, phenolink.Consent{UserID: "u2", Version: phenolink.ConsentVersion, Text: phenolink.ConsentText})
		}, moves{cohort: true}},
		{"values", func() error {
			return s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p1", "height_mm", 1700), value("p2", "height_mm", 1650), value("p3", "sex", 1)})
		}, moves{cohort: true}},
		{"a value replaced", func() error {
			return s.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{value("p1", "height_mm", 1710)})
		}, moves{cohort: true}},
		{"a value deleted", func() error { return s.DeletePhenotypeValue(ctx, "p3", "sex") }, moves{cohort: true}},
		{"genome", func() error { _, err := s.SaveGenome(ctx, fileInfo("p1"), g.markers, g.calls); return err }, moves{genomes: true}},
		{"genome of another profile", func() error { _, err := s.SaveGenome(ctx, fileInfo("p2"), g.markers, g.calls); return err }, moves{genomes: true}},
		{"genome re-imported", func() error { _, err := s.SaveGenome(ctx, fileInfo("p1"), g.markers, g.calls); return err }, moves{genomes: true}},
		{"genome deleted", func() error { return s.DeleteGenome(ctx, "p2") }, moves{genomes: true}},
		{"catalog", func() error {
			p := defaultCatalog(t, s)[0]
			p.Description += " (edited)"
			return s.SavePhenotype(ctx, p)
		}, moves{cohort: true}},
		{"consent withdrawn", func() error { return s.WithdrawConsent(ctx, "u2") }, moves{cohort: true}},
		{"sign-in with the same profiles", func() error {
			return s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p1", "u1"), profile("p2", "u1")})
		}, moves{}},
		{"role", func() error { return s.SetRole(ctx, "u1", phenolink.RoleResearcher, true) }, moves{}},
		// p1 has a genome and a value; its going takes both, by cascade.
		{"profile dropped", func() error { return s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p2", "u1")}) }, moves{genomes: true, cohort: true}},
	}
	for _, step := range steps {
		before := generations(t, s)
		if err := step.write(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		after := generations(t, s)
		if got := (moves{after.Genomes != before.Genomes, after.Cohort != before.Cohort}); got != step.want {
			t.Errorf("%s: counters went from %+v to %+v; want genomes moved %v, cohort moved %v", step.name, before, after, step.want.genomes, step.want.cohort)
		}
		if after.Genomes < before.Genomes || after.Cohort < before.Cohort {
			t.Errorf("%s: counters went back, from %+v to %+v", step.name, before, after)
		}
	}

	// A write that fails after deleting rows rolls back, counters and all:
	// SaveUser drops p2 (and with it its value) before finding that p3
	// belongs to u2.
	before := generations(t, s)
	err := s.SaveUser(ctx, user("u1"), []phenolink.Profile{profile("p3", "u1")})
	wantCode(t, err, phenolink.ECONFLICT)
	if after := generations(t, s); after != before {
		t.Errorf("a rolled-back write moved the counters from %+v to %+v", before, after)
	}
	if vs := valuesOf(t, s, "p2"); len(vs) != 1 {
		t.Errorf("p2 has %d values after the rolled-back write, want 1", len(vs))
	}

	// Deleting an account takes its consent, values and genomes.
	consent(t, s, "u1")
	if _, err := s.SaveGenome(ctx, fileInfo("p2"), g.markers, g.calls); err != nil {
		t.Fatal(err)
	}
	before = generations(t, s)
	if err := s.DeleteUser(ctx, "u1"); err != nil {
		t.Fatal(err)
	}
	if after := generations(t, s); after.Genomes <= before.Genomes || after.Cohort <= before.Cohort {
		t.Errorf("DeleteUser moved the counters from %+v to %+v; want both moved", before, after)
	}
}
