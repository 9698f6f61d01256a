// Package demo fills a fresh local database with a synthetic cohort, so
// that a newcomer running the app with no credentials sees researcher
// pages with something in them. Every participant is marked as synthetic
// in their name and id ("Synthetic Participant 1", "demo-participant-0001")
// and their genotypes come from package synth over the same marker key
// the built-in simulator serves, so a genome synced from the simulator
// joins the same marker index instead of adding markers nobody else has.
//
// The cohort is a pure function of Options: Cohort describes it, including
// each participant's planted trait values, sex and year of birth, and Seed
// stores it with each participant's consent. SeedScan then starts the
// genome-wide scan of the planted trait, so the researcher pages show the
// planted markers at the top of a real scan.
package demo

import (
	"context"
	"fmt"
	"math"
	"time"

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
	// Phenotypes holds the values Seed stores, by phenotype id: the
	// planted traits, "sex" (0 female, 1 male, as the catalog codes it)
	// and "date_of_birth" (a year), which scans use as covariates.
	Phenotypes map[string]float64
}

// Store is what Seed writes to.
type Store interface {
	phenolink.UserStore
	phenolink.GenotypeStore
	phenolink.PhenotypeStore
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
// planted on three common markers with effects large enough that a scan
// of 200 participants over the simulator's 100,000 markers puts all three
// far above the noise of that many tests.
func Traits(opts Options, key []synth.Marker) ([]synth.Trait, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	// On every chip the cohort was typed on, so that everyone is called
	// at the planted markers and they pass the scan's call-rate filter.
	var chips []synth.Chip
	for _, name := range cohortChips {
		c, err := synth.LookupChip(name)
		if err != nil {
			return nil, err
		}
		chips = append(chips, c)
	}
	effects, err := synth.PickSharedEffects(opts.Seed, key, chips, 0.25, []float64{80, -60, 50})
	if err != nil {
		return nil, fmt.Errorf("demo: planting height: %w", err)
	}
	return []synth.Trait{{ID: "height_mm", Mean: 1640, MaleShift: 130, SD: 40, Effects: effects}}, nil
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
	for _, name := range cohortChips {
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
			// The catalog keeps height in whole millimetres.
			p.Phenotypes[t.ID] = math.Round(t.Value(ind, key))
		}
		p.Phenotypes["sex"] = 0
		if ind.Sex == synth.Male {
			p.Phenotypes["sex"] = 1
		}
		p.Phenotypes["date_of_birth"] = birthYear(i)
		out[i] = p
	}
	return out, nil
}

// birthYear spreads participants over sixty years of birth, 1945 to 2004,
// without touching the genotypes' randomness: the trait does not depend
// on age, so an age covariate only costs a degree of freedom.
func birthYear(i int) float64 { return float64(1945 + (i*37)%60) }

// cohortChips are the chips chipOf hands out.
var cohortChips = []string{"v3", "v4", "v5"}

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

// Seed stores the cohort: each participant's user, profile, genome,
// consent to the current text and phenotype values. Participants whose
// genome is already stored keep it, so running Seed at every start adds
// no genome the second time and a seed cut off half-way is finished by
// the next one; consent missing or given to an older text is given again,
// and values are written only for participants who have none.
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
	// Values are stored in one transaction, so a consenting participant
	// with a year of birth has them all already.
	stored, err := s.CohortValues(ctx, "date_of_birth")
	if err != nil {
		return fmt.Errorf("demo.Seed: %w", err)
	}
	seeded := make(map[string]bool, len(stored))
	for _, v := range stored {
		seeded[v.ProfileID] = true
	}
	values := make([]phenolink.PhenotypeValue, 0, 3*len(people))
	for _, p := range people {
		if err := seedGenome(ctx, s, p, key, markers, &calls); err != nil {
			return fmt.Errorf("demo.Seed(%s): %w", p.User.ID, err)
		}
		c, err := s.Consent(ctx, p.User.ID)
		switch {
		case err == nil && c.Version == phenolink.ConsentVersion:
		case err == nil || phenolink.ErrorCode(err) == phenolink.ENOTFOUND:
			c = phenolink.Consent{UserID: p.User.ID, Version: phenolink.ConsentVersion, Text: phenolink.ConsentText, GivenAt: time.Now()}
			if err := s.GiveConsent(ctx, c); err != nil {
				return fmt.Errorf("demo.Seed(%s): consent: %w", p.User.ID, err)
			}
		default:
			return fmt.Errorf("demo.Seed(%s): %w", p.User.ID, err)
		}
		if seeded[p.Profile.ID] {
			continue
		}
		for id, v := range p.Phenotypes {
			values = append(values, phenolink.PhenotypeValue{ProfileID: p.Profile.ID, PhenotypeID: id, Value: v, Source: phenolink.ValueSourceImport})
		}
	}
	if len(values) == 0 {
		return nil
	}
	if err := s.SavePhenotypeValues(ctx, values); err != nil {
		return fmt.Errorf("demo.Seed: phenotype values: %w", err)
	}
	return nil
}

// seedGenome stores p's user, profile and genome unless the genome is
// already there. calls is scratch space reused across participants.
func seedGenome(ctx context.Context, s Store, p Participant, key []synth.Marker, markers []phenolink.Marker, calls *[]phenolink.Call) error {
	_, err := s.Genome(ctx, p.Profile.ID)
	switch {
	case err == nil:
		return nil
	case phenolink.ErrorCode(err) != phenolink.ENOTFOUND:
		return err
	}
	if err := s.SaveUser(ctx, p.User, []phenolink.Profile{p.Profile}); err != nil {
		return err
	}
	// The whole key, off-chip markers included, so the first participant
	// lays the index out in the simulator's key order.
	*calls = p.Individual.AppendGenome((*calls)[:0], key)
	info := phenolink.GenomeInfo{ProfileID: p.Profile.ID, Source: phenolink.GenomeSourceFile,
		Build: phenolink.GenomeBuild, Chip: p.Individual.Chip.Name}
	_, err = s.SaveGenome(ctx, info, markers, *calls)
	return err
}

// Researcher is the synthetic account that starts the demo's scan: jobs
// belong to an account, and the scan list shows who started each scan.
var Researcher = phenolink.User{ID: "demo-researcher", FirstName: "Synthetic", LastName: "Researcher"}

// ScanStore is what SeedScan writes to.
type ScanStore interface {
	phenolink.UserStore
	phenolink.PhenotypeStore
	phenolink.ScanStore
}

// SeedScan starts the genome-wide scan of the planted height, with sex as
// a covariate, unless some scan exists already; it reports whether it
// started one. The scan is started by Researcher, stored with the
// researcher role, and its job runs like any researcher's.
func SeedScan(ctx context.Context, s ScanStore) (bool, error) {
	scans, err := s.Scans(ctx)
	if err != nil {
		return false, fmt.Errorf("demo.SeedScan: %w", err)
	}
	if len(scans) > 0 {
		return false, nil
	}
	if err := s.SaveUser(ctx, Researcher, nil); err != nil {
		return false, fmt.Errorf("demo.SeedScan: %w", err)
	}
	if err := s.SetRole(ctx, Researcher.ID, phenolink.RoleResearcher, true); err != nil {
		return false, fmt.Errorf("demo.SeedScan: %w", err)
	}
	if _, err := s.CreateScan(ctx, Scan()); err != nil {
		return false, fmt.Errorf("demo.SeedScan: %w", err)
	}
	return true, nil
}

// Scan is the scan SeedScan starts.
func Scan() phenolink.Scan {
	return phenolink.Scan{PhenotypeID: "height_mm", Covariates: []string{phenolink.CovariateSex},
		MinMAF: 0.01, MinCallRate: 0.95, CreatedBy: Researcher.ID}
}
