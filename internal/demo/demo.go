// Package demo fills a fresh local database with a synthetic cohort, so
// that a newcomer running the app with no credentials sees researcher
// pages with something in them. Every participant is marked as synthetic
// in their name and id ("Synthetic Participant 1", "demo-participant-0001")
// and their genotypes come from package synth over the same marker key
// the built-in simulator serves, so a genome synced from the simulator
// joins the same marker index instead of adding markers nobody else has.
//
// The cohort is a pure function of Options: Cohort describes it, including
// each participant's planted trait values, and Seed stores it. Phenotypes
// and consent are not stored yet; the stores for them will take their
// values from Participant, so seeding them needs no new randomness.
package demo

import (
	"context"
	"fmt"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
	"phenolink/internal/ttamsim"
)

// Defaults.
const (
	DefaultParticipants = 200
	// FirstIndex is the synth individual index of the first participant,
	// far from the simulator's own profiles (0 to a few, and 1000 and
	// 1001), so no participant shares a genome with a simulated account.
	FirstIndex = 1_000_000
)

// Options say which cohort to seed. The zero value seeds the default.
type Options struct {
	Participants int   // default DefaultParticipants
	Seed         int64 // marker key and genotypes; default ttamsim.DefaultSeed, the simulator's
	Markers      int   // key size; default synth.DefaultMarkers, the simulator's
}

func (o Options) withDefaults() (Options, error) {
	if o.Participants == 0 {
		o.Participants = DefaultParticipants
	}
	if o.Seed == 0 {
		o.Seed = ttamsim.DefaultSeed
	}
	if o.Markers == 0 {
		o.Markers = synth.DefaultMarkers
	}
	if o.Participants < 1 || o.Participants > 100_000 {
		return o, fmt.Errorf("demo: %d participants: want 1..100000", o.Participants)
	}
	if o.Markers < 1 || o.Markers > ttamsim.MaxMarkers {
		return o, fmt.Errorf("demo: %d markers: want 1..%d", o.Markers, ttamsim.MaxMarkers)
	}
	return o, nil
}

// Participant is one synthetic person of the cohort.
type Participant struct {
	User       phenolink.User
	Profile    phenolink.Profile
	Individual synth.Individual
	// Phenotypes holds the planted traits' values by trait id, for the
	// phenotype store to take.
	Phenotypes map[string]float64
}

// Store is what Seed writes to.
type Store interface {
	phenolink.UserStore
	phenolink.GenotypeStore
}

// Key returns the marker key the cohort's genotypes are drawn over: the
// simulator's for the same seed and size.
func Key(opts Options) ([]synth.Marker, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return synth.Markers(opts.Seed, opts.Markers)
}

// Traits returns the traits planted in the cohort over key. Height is
// planted on three common markers with effects large enough that 200
// participants show them against the noise.
func Traits(opts Options, key []synth.Marker) ([]synth.Trait, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	v5, err := synth.LookupChip("v5")
	if err != nil {
		return nil, err
	}
	effects, err := synth.PickEffects(opts.Seed, key, v5, 0.25, []float64{60, -45, 35})
	if err != nil {
		return nil, fmt.Errorf("demo: planting height: %w", err)
	}
	return []synth.Trait{{ID: "height_mm", Mean: 1640, MaleShift: 130, SD: 50, Effects: effects}}, nil
}

// Cohort describes the participants opts seeds, with their trait values.
func Cohort(opts Options, key []synth.Marker) ([]Participant, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	traits, err := Traits(opts, key)
	if err != nil {
		return nil, err
	}
	chips := make(map[string]synth.Chip)
	for _, name := range []string{"v3", "v4", "v5"} {
		if chips[name], err = synth.LookupChip(name); err != nil {
			return nil, err
		}
	}
	out := make([]Participant, opts.Participants)
	for i := range out {
		n := i + 1
		ind := synth.NewIndividual(opts.Seed, FirstIndex+i, chips[chipOf(i)])
		p := Participant{
			User:       phenolink.User{ID: fmt.Sprintf("demo-participant-%04d", n), FirstName: "Synthetic", LastName: fmt.Sprintf("Participant %d", n)},
			Individual: ind,
			Phenotypes: make(map[string]float64, len(traits)),
		}
		p.Profile = phenolink.Profile{ID: fmt.Sprintf("demo-profile-%04d", n), UserID: p.User.ID,
			FirstName: p.User.FirstName, LastName: p.User.LastName, IsGenotyped: true}
		for _, t := range traits {
			p.Phenotypes[t.ID] = t.Value(ind, key)
		}
		out[i] = p
	}
	return out, nil
}

// chipOf spreads participants over chips roughly as 23andMe's customers
// are: most on v5, some on v4 and v3.
func chipOf(i int) string {
	switch i % 10 {
	case 7, 8:
		return "v4"
	case 9:
		return "v3"
	}
	return "v5"
}

// Seed stores the cohort: each participant's user, profile and genome.
// Participants whose genome is already stored are skipped, so running it
// at every start adds nothing the second time, and a seed cut off half-way
// is finished by the next one.
func Seed(ctx context.Context, s Store, opts Options) error {
	key, err := Key(opts)
	if err != nil {
		return err
	}
	people, err := Cohort(opts, key)
	if err != nil {
		return err
	}
	markers := make([]phenolink.Marker, len(key))
	for i, m := range key {
		markers[i] = phenolink.Marker{ID: m.ID, Chrom: phenolink.Chromosome(m.Chrom), Pos: m.Pos}
	}
	calls := make([]phenolink.Call, 0, len(key))
	for _, p := range people {
		_, err := s.Genome(ctx, p.Profile.ID)
		switch {
		case err == nil:
			continue
		case phenolink.ErrorCode(err) != phenolink.ENOTFOUND:
			return fmt.Errorf("demo.Seed: %w", err)
		}
		if err := s.SaveUser(ctx, p.User, []phenolink.Profile{p.Profile}); err != nil {
			return fmt.Errorf("demo.Seed(%s): %w", p.User.ID, err)
		}
		// The whole key, off-chip markers included, so the first
		// participant lays the index out in the simulator's key order.
		calls = p.Individual.AppendGenome(calls[:0], key)
		info := phenolink.GenomeInfo{ProfileID: p.Profile.ID, Source: phenolink.GenomeSourceFile,
			Build: phenolink.GenomeBuild, Chip: p.Individual.Chip.Name}
		if _, err := s.SaveGenome(ctx, info, markers, calls); err != nil {
			return fmt.Errorf("demo.Seed(%s): %w", p.User.ID, err)
		}
	}
	return nil
}
