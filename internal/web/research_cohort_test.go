package web

import (
	"fmt"
	"testing"

	"phenolink/internal/phenolink"
)

// cohortMarkers are the markers of the test cohort's genomes.
var cohortMarkers = []phenolink.Marker{
	{ID: "rs100", Chrom: 1, Pos: 1000},
	{ID: "rs200", Chrom: 2, Pos: 2000},
}

// seedCohort stores n consenting participants, each with one genotyped
// profile, a genome whose rs100 call is calls[i % len(calls)] (rs200 is
// always AG), and the height heights(i).
func seedCohort(t testing.TB, st researchStore, n int, calls []string, height func(i int) float64) {
	t.Helper()
	ctx := t.Context()
	for i := range n {
		u := phenolink.User{ID: fmt.Sprintf("cohort_user_%03d", i), FirstName: "P", LastName: fmt.Sprint(i)}
		p := phenolink.Profile{ID: fmt.Sprintf("cohort_profile_%03d", i), UserID: u.ID, FirstName: "P", IsGenotyped: true}
		if err := st.SaveUser(ctx, u, []phenolink.Profile{p}); err != nil {
			t.Fatalf("SaveUser: %v", err)
		}
		if err := st.GiveConsent(ctx, phenolink.Consent{UserID: u.ID, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText}); err != nil {
			t.Fatalf("GiveConsent: %v", err)
		}
		c0, err := phenolink.ParseCall(calls[i%len(calls)])
		if err != nil {
			t.Fatal(err)
		}
		c1, _ := phenolink.ParseCall("AG")
		info := phenolink.GenomeInfo{ProfileID: p.ID, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild, MarkerCount: 2, Called: 2, CallRate: 1}
		if _, err := st.SaveGenome(ctx, info, cohortMarkers, []phenolink.Call{c0, c1}); err != nil {
			t.Fatalf("SaveGenome: %v", err)
		}
		if err := st.SavePhenotypeValues(ctx, []phenolink.PhenotypeValue{{ProfileID: p.ID, PhenotypeID: "height_mm", Value: height(i), Source: phenolink.ValueSourceImport}}); err != nil {
			t.Fatalf("SavePhenotypeValues: %v", err)
		}
	}
}
