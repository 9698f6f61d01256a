package research

import (
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// cohortState is what a cohort read depends on: each consenting
// profile's values by phenotype place.
type cohortState map[string]map[int]float64

// valuesOfState returns what a whole read of state gives, as readValues
// numbers it, at count gen.
func valuesOfState(catalog []phenolink.Phenotype, state cohortState, gen int64) *cohortValues {
	var ids []string
	for id, vs := range state {
		if len(vs) > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	cohorts := make([]cohort, len(catalog))
	for k, p := range catalog {
		cohorts[k].phenotype = p
		for r, id := range ids {
			if v, ok := state[id][k]; ok {
				cohorts[k].rows = append(cohorts[k].rows, r)
				cohorts[k].values = append(cohorts[k].values, v)
			}
		}
	}
	return newCohortValues(gen, ids, cohorts)
}

// changesOf returns the changes naming profiles, and their values in
// state, as a store gives them.
func changesOf(catalog []phenolink.Phenotype, state cohortState, gen int64, profiles []string) (phenolink.Changes, []changedValue) {
	profiles = slices.Clone(profiles)
	slices.Sort(profiles)
	profiles = slices.Compact(profiles)
	var got []changedValue
	for _, p := range profiles {
		var places []int
		for k := range state[p] {
			places = append(places, k)
		}
		// In phenotype id order, as a store gives them.
		slices.SortFunc(places, func(a, b int) int { return strings.Compare(catalog[a].ID, catalog[b].ID) })
		for _, k := range places {
			got = append(got, changedValue{p, k, state[p][k]})
		}
	}
	return phenolink.Changes{Gen: gen, Complete: true, Profiles: profiles}, got
}

// sameValues fails the test unless got and want hold the same values.
func sameValues(t *testing.T, what string, got, want *cohortValues) {
	t.Helper()
	if got.gen != want.gen || !slices.Equal(got.ids, want.ids) || !reflect.DeepEqual(got.catalog, want.catalog) || !reflect.DeepEqual(got.byPhenotype, want.byPhenotype) {
		t.Fatalf("%s: patched values\n%+v\nwant a whole read's\n%+v", what, got, want)
	}
}

// TestPatchedEqualsWholeRead checks, over random rounds of writes, that
// values patched with the changes equal a whole read of the new state:
// values added, replaced and deleted, profiles leaving (withdrawn, named,
// or deleted, not named but absent from those present) and arriving, and
// profiles named as changed that did not.
// The values patched from are left as they were.
func TestPatchedEqualsWholeRead(t *testing.T) {
	// Out of id order, as the catalog's order (source, then label) is.
	catalog := []phenolink.Phenotype{{ID: "c"}, {ID: "a"}, {ID: "b"}}
	rng := mrand.New(mrand.NewPCG(1, 2))
	profile := func() string { return fmt.Sprintf("p%03d", rng.IntN(60)) }
	state := cohortState{}
	for range 100 {
		p, k := profile(), rng.IntN(len(catalog))
		if state[p] == nil {
			state[p] = map[int]float64{}
		}
		state[p][k] = float64(rng.IntN(1000))
	}
	values := valuesOfState(catalog, state, 1)
	for round := range 200 {
		before := valuesOfState(catalog, state, values.gen)
		var touched []string
		left := false
		for range 1 + rng.IntN(6) {
			p := profile()
			switch rng.IntN(6) {
			case 0: // deleted: not named, but those present are given
				delete(state, p)
				left = true
				continue
			case 1: // withdrawn
				delete(state, p)
			case 2: // named, not changed
			default:
				if state[p] == nil {
					state[p] = map[int]float64{}
				}
				k := rng.IntN(len(catalog))
				if _, ok := state[p][k]; ok && rng.IntN(3) == 0 {
					delete(state[p], k)
				} else {
					state[p][k] = float64(rng.IntN(1000))
				}
			}
			touched = append(touched, p)
		}
		ch, got := changesOf(catalog, state, values.gen+1, touched)
		if left {
			// Every consenting profile, some without values.
			ch.Present = []string{"p000", "p999"}
			for p := range state {
				ch.Present = append(ch.Present, p)
			}
			slices.Sort(ch.Present)
			ch.Present = slices.Compact(ch.Present)
		}
		patched, err := values.patched(ch, got)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		sameValues(t, fmt.Sprintf("round %d, touching %q", round, touched), patched, valuesOfState(catalog, state, ch.Gen))
		sameValues(t, fmt.Sprintf("round %d, the values patched from", round), values, before)
		values = patched
	}
}

// TestPatchedRefusesBadChanges checks that changes out of order, of a
// phenotype not asked for or of a profile not named as changed are an
// error, never values silently kept or dropped.
func TestPatchedRefusesBadChanges(t *testing.T) {
	catalog := []phenolink.Phenotype{{ID: "a"}, {ID: "b"}}
	values := valuesOfState(catalog, cohortState{"p1": {0: 1}, "p2": {1: 2}}, 1)
	changes := phenolink.Changes{Gen: 2, Complete: true, Profiles: []string{"p1", "p3"}}
	for _, tt := range []struct {
		name string
		got  []changedValue
		want string
	}{
		{"place out of range", []changedValue{{"p1", 2, 1}}, "phenotype 2"},
		{"negative place", []changedValue{{"p1", -1, 1}}, "phenotype -1"},
		{"profiles out of order", []changedValue{{"p3", 0, 1}, {"p1", 0, 1}}, "not in order"},
		{"a phenotype twice", []changedValue{{"p1", 0, 1}, {"p1", 0, 2}}, "not in order"},
		{"phenotypes out of id order", []changedValue{{"p1", 1, 1}, {"p1", 0, 2}}, "not in order"},
		{"a profile not changed", []changedValue{{"p2", 0, 1}}, "not among those changed"},
	} {
		_, err := values.patched(changes, tt.got)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}
