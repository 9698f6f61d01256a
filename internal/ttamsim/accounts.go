package ttamsim

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"phenolink/internal/synth"
)

// Account is a 23andMe account the simulator serves: one person who signs
// in, holding one or more profiles.
type Account struct {
	ID        string
	FirstName string
	LastName  string
	Email     string
	Profiles  []Profile
}

// Profile is one person on an account. A genotyped profile's calls come
// from synth over the simulator's marker key.
type Profile struct {
	ID        string
	FirstName string
	LastName  string
	Genotyped bool
	Sex       synth.Sex
	Chip      string // chip version, "" when not genotyped
	person    synth.Individual
}

// Fixed ids of the documented demo account.
const (
	DemoToken     = "demo_oauth_token"
	DemoAccountID = "demo_account_id"
	DemoProfileID = "demo_profile_id"
)

// The /1/demo/ profiles, served for any valid token.
const (
	DemoMotherID = "SP1_MOTHER_V4"
	DemoFatherID = "SP1_FATHER_V4"
)

// profileSpec describes one generated profile; its ids come from the seed.
type profileSpec struct {
	first, last string
	sex         synth.Sex
	chip        string // "" means not genotyped
}

type accountSpec struct {
	first, last string
	profiles    []profileSpec
}

// sampleAccounts lists the accounts after the demo one: a single profile, a
// parent with a child, a profile awaiting results, and an old v3 chip whose
// genome has far fewer "__".
func sampleAccounts() []accountSpec {
	return []accountSpec{
		{"Ada", "Lindqvist", []profileSpec{{"Ada", "Lindqvist", synth.Female, "v5"}}},
		{"Tomas", "Okafor", []profileSpec{
			{"Tomas", "Okafor", synth.Male, "v4"},
			{"Nia", "Okafor", synth.Female, "v5"},
		}},
		{"Priya", "Castellanos", []profileSpec{{"Priya", "Castellanos", synth.Female, ""}}},
		{"Walter", "Brandt", []profileSpec{{"Walter", "Brandt", synth.Male, "v3"}}},
	}
}

// buildAccounts makes the demo account and the sample accounts for seed.
// Each genotyped profile is a distinct synth individual.
func buildAccounts(seed int64) ([]Account, error) {
	next := 0
	profile := func(id string, s profileSpec) (Profile, error) {
		p := Profile{ID: id, FirstName: s.first, LastName: s.last, Sex: s.sex, Chip: s.chip, Genotyped: s.chip != ""}
		if p.Genotyped {
			chip, err := synth.LookupChip(s.chip)
			if err != nil {
				return p, err
			}
			p.person = synth.Individual{Seed: seed, Index: next, Sex: s.sex, Chip: chip}
			next++
		}
		return p, nil
	}
	erin, err := profile(DemoProfileID, profileSpec{"Erin", "Mendel", synth.Female, "v5"})
	if err != nil {
		return nil, err
	}
	accounts := []Account{{ID: DemoAccountID, FirstName: "Erin", LastName: "Mendel",
		Email: "erin.mendel@example.com", Profiles: []Profile{erin}}}
	for ai, a := range sampleAccounts() {
		acc := Account{ID: hexID(seed, fmt.Sprintf("account/%d", ai)), FirstName: a.first, LastName: a.last,
			Email: fmt.Sprintf("%s.%s@example.com", strings.ToLower(a.first), strings.ToLower(a.last))}
		for pi, ps := range a.profiles {
			p, err := profile(hexID(seed, fmt.Sprintf("profile/%d/%d", ai, pi)), ps)
			if err != nil {
				return nil, fmt.Errorf("ttamsim: account %d profile %d: %w", ai, pi, err)
			}
			acc.Profiles = append(acc.Profiles, p)
		}
		accounts = append(accounts, acc)
	}
	return accounts, nil
}

// demoProfiles returns the two /1/demo/ profiles.
func demoProfiles(seed int64) []Profile {
	v4, _ := synth.LookupChip("v4")
	return []Profile{
		{ID: DemoMotherID, FirstName: "Mother", LastName: "Demo", Genotyped: true, Sex: synth.Female, Chip: "v4",
			person: synth.Individual{Seed: seed, Index: 1000, Sex: synth.Female, Chip: v4}},
		{ID: DemoFatherID, FirstName: "Father", LastName: "Demo", Genotyped: true, Sex: synth.Male, Chip: "v4",
			person: synth.Individual{Seed: seed, Index: 1001, Sex: synth.Male, Chip: v4}},
	}
}

// hexID makes a 16-hex-digit id, the shape of real 23andMe ids, that is
// stable for a seed.
func hexID(seed int64, label string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%s", seed, label))
	return hex.EncodeToString(sum[:8])
}
