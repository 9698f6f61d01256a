package storetest

import (
	"fmt"
	"testing"

	"phenolink/internal/phenolink"
)

// RunValuesBenchmark measures what a researcher's CSV import of values
// costs the store: SavePhenotypeValues of 10,000 values (1,000 consenting
// profiles, ten phenotypes each), replacing the last import's values each
// time, in one transaction, with the change counters and logs its
// triggers write. s must be migrated and empty.
func RunValuesBenchmark(b *testing.B, s Store) {
	ctx := b.Context()
	phenotypes := []string{
		"height_mm", "weight_g", "fitbit_avg_num_steps", "fitbit_resting_heart_rate", "fitbit_sleep_duration",
		"openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism",
	}
	catalog := map[string]phenolink.Phenotype{}
	for _, p := range phenolink.DefaultPhenotypes() {
		catalog[p.ID] = p
	}
	var values []phenolink.PhenotypeValue
	for i := range 1000 {
		user, profile := fmt.Sprintf("u%04d", i), fmt.Sprintf("p%04d", i)
		if err := s.SaveUser(ctx, phenolink.User{ID: user}, []phenolink.Profile{{ID: profile, UserID: user}}); err != nil {
			b.Fatal(err)
		}
		if err := s.GiveConsent(ctx, phenolink.Consent{UserID: user, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText}); err != nil {
			b.Fatal(err)
		}
		for _, id := range phenotypes {
			p, ok := catalog[id]
			if !ok {
				b.Fatalf("phenotype %q is not in the default catalog", id)
			}
			values = append(values, phenolink.PhenotypeValue{ProfileID: profile, PhenotypeID: id, Value: p.Min, Source: phenolink.ValueSourceImport})
		}
	}
	b.Run("SaveValues10k", func(b *testing.B) {
		for b.Loop() {
			if err := s.SavePhenotypeValues(ctx, values); err != nil {
				b.Fatal(err)
			}
		}
	})
}
