package scantest

import (
	"context"
	"fmt"
	"math"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
)

// Config describes a synthetic cohort for Populate.
type Config struct {
	Seed    int64
	Samples int
	Markers int
	// Effects are planted on height_mm (in mm per alternate allele);
	// chronotype is 1 where height's residual is above its mean, so it
	// carries the same effects.
	Effects []synth.Effect
	// NoSexEvery leaves every k-th profile without a recorded sex, so its
	// sex is inferred from its genome; 0 records every sex.
	NoSexEvery int
	// NoBirthYearEvery leaves every k-th profile without a year of birth.
	NoBirthYearEvery int
}

// Cohort is what Populate stored.
type Cohort struct {
	Key         []synth.Marker
	Individuals []synth.Individual
	Users       []string // Users[i] owns Profiles[i]
	Profiles    []string // in id order
	Height      []float64
	BirthYear   []float64 // NaN where not recorded
}

// heightTrait is the planted quantitative trait.
func heightTrait(effects []synth.Effect) synth.Trait {
	return synth.Trait{ID: "height_mm", Mean: 1650, MaleShift: 130, SD: 60, Effects: effects}
}

// Target is a store Populate can fill: Store, or a database adapter with
// AddProfile saving a user with one profile.
type Target interface {
	phenolink.GenotypeStore
	phenolink.PhenotypeStore
	AddProfile(ctx context.Context, userID, profileID string) error
}

// Populate stores a consenting synthetic cohort: users u00000..., each with
// one profile p00000... on the full chip, height_mm, chronotype, sex and
// date_of_birth values as cfg says.
func Populate(ctx context.Context, s Target, cfg Config) (*Cohort, error) {
	key, err := synth.Markers(cfg.Seed, cfg.Markers)
	if err != nil {
		return nil, err
	}
	markers := make([]phenolink.Marker, len(key))
	for i, m := range key {
		markers[i] = phenolink.Marker{ID: m.ID, Chrom: phenolink.Chromosome(m.Chrom), Pos: m.Pos}
	}
	trait := heightTrait(cfg.Effects)
	c := &Cohort{Key: key}
	calls := make([]phenolink.Call, 0, len(key))
	for i := range cfg.Samples {
		ind := synth.NewIndividual(cfg.Seed, i, synth.FullChip())
		user, profile := fmt.Sprintf("u%05d", i), fmt.Sprintf("p%05d", i)
		if err := s.AddProfile(ctx, user, profile); err != nil {
			return nil, err
		}
		if err := s.GiveConsent(ctx, phenolink.Consent{UserID: user, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText}); err != nil {
			return nil, err
		}
		calls = ind.AppendGenome(calls[:0], key)
		info := phenolink.GenomeInfo{ProfileID: profile, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild}
		if _, err := s.SaveGenome(ctx, info, markers, calls); err != nil {
			return nil, err
		}
		height := math.Round(min(max(trait.ValueOf(ind, key, func(j int) phenolink.Call { return calls[j] }), 500), 2500))
		residual := height - trait.Mean
		if ind.Sex == synth.Male {
			residual -= trait.MaleShift
		}
		values := []phenolink.PhenotypeValue{
			{ProfileID: profile, PhenotypeID: "height_mm", Value: height, Source: phenolink.ValueSourceImport},
			{ProfileID: profile, PhenotypeID: "chronotype", Value: b2f(residual > 0), Source: phenolink.ValueSourceImport},
		}
		if cfg.NoSexEvery == 0 || i%cfg.NoSexEvery != 0 {
			values = append(values, phenolink.PhenotypeValue{ProfileID: profile, PhenotypeID: "sex", Value: b2f(ind.Sex == synth.Male), Source: phenolink.ValueSourceImport})
		}
		birth := math.NaN()
		if cfg.NoBirthYearEvery == 0 || i%cfg.NoBirthYearEvery != 0 {
			birth = float64(1940 + (i*37)%70)
			values = append(values, phenolink.PhenotypeValue{ProfileID: profile, PhenotypeID: "date_of_birth", Value: birth, Source: phenolink.ValueSourceImport})
		}
		if err := s.SavePhenotypeValues(ctx, values); err != nil {
			return nil, err
		}
		c.Individuals = append(c.Individuals, ind)
		c.Users = append(c.Users, user)
		c.Profiles = append(c.Profiles, profile)
		c.Height = append(c.Height, height)
		c.BirthYear = append(c.BirthYear, birth)
	}
	return c, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
