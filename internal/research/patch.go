package research

import (
	"context"
	"fmt"
	"slices"

	"phenolink/internal/phenolink"
)

// maxChangedProfiles bounds the profiles whose values a read takes again
// instead of reading every value: past some thousands, reading the
// changed profiles' values row by row costs what reading the cohort does.
const maxChangedProfiles = 1000

// changedValue is one value CohortChangesSince gave.
type changedValue struct {
	profileID string
	place     int // the phenotype's place in the catalog read
	value     float64
}

// patchValues returns latest with the changes since its count applied:
// the values of every profile a write has touched since, read again, from
// one snapshot, and the rest kept. It returns nil (and no error) when the
// store cannot name the changes: its log does not reach back to latest's
// count, the catalog has changed, or more than maxChangedProfiles
// profiles have.
func (s *Service) patchValues(ctx context.Context, latest *cohortValues) (*cohortValues, error) {
	ids := make([]string, len(latest.catalog))
	for k, c := range latest.catalog {
		ids[k] = c.phenotype.ID
	}
	var got []changedValue
	ch, err := s.Changes.CohortChangesSince(ctx, latest.gen, ids, maxChangedProfiles, func(profileID string, k int, value float64) error {
		got = append(got, changedValue{profileID, k, value})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("research.Results: reading the changes to the values: %w", err)
	}
	if !ch.Complete {
		return nil, nil
	}
	patched, err := latest.patched(ch, got)
	if err != nil {
		return nil, fmt.Errorf("research.Results: applying the changes to the values since count %d: %w", latest.gen, err)
	}
	return patched, nil
}

// patched returns all with the values of every profile in ch.Profiles
// replaced by those in got (which holds theirs alone, in profile id
// order, then phenotype id order, as CohortValuesOf gives them): a changed profile without one leaves, the others
// keep their values. It copies what it changes; all is left as it was,
// for the pages reading it.
func (all *cohortValues) patched(ch phenolink.CohortChanges, got []changedValue) (*cohortValues, error) {
	// The changed profiles that are in now, in order.
	var in []string
	for i, g := range got {
		switch {
		case g.place < 0 || g.place >= len(all.catalog):
			return nil, fmt.Errorf("a value of phenotype %d (counting from 0) when %d were asked for", g.place, len(all.catalog))
		case i > 0 && (g.profileID < got[i-1].profileID || g.profileID == got[i-1].profileID && all.catalog[g.place].phenotype.ID <= all.catalog[got[i-1].place].phenotype.ID):
			return nil, fmt.Errorf("the changed values are not in order of profile id, then phenotype id (%q %d after %q %d)", g.profileID, g.place, got[i-1].profileID, got[i-1].place)
		case i == 0 || g.profileID != got[i-1].profileID:
			if _, ok := slices.BinarySearch(ch.Profiles, g.profileID); !ok {
				return nil, fmt.Errorf("a value of profile %q, which is not among those changed", g.profileID)
			}
			in = append(in, g.profileID)
		}
	}
	// Renumber: the kept profiles and those in merge into ids, and
	// oldRow[r] is the new row of all.ids[r], or -1 where it goes.
	ids := make([]string, 0, len(all.ids)+len(in))
	oldRow := make([]int, len(all.ids))
	inRow := make([]int, len(in))
	i, j, c := 0, 0, 0
	for i < len(all.ids) || j < len(in) {
		if j < len(in) && (i == len(all.ids) || in[j] <= all.ids[i]) {
			if i < len(all.ids) && all.ids[i] == in[j] {
				oldRow[i] = -1
				i++
			}
			inRow[j] = len(ids)
			ids = append(ids, in[j])
			j++
			continue
		}
		for c < len(ch.Profiles) && ch.Profiles[c] < all.ids[i] {
			c++
		}
		if c < len(ch.Profiles) && ch.Profiles[c] == all.ids[i] {
			oldRow[i] = -1
		} else {
			oldRow[i] = len(ids)
			ids = append(ids, all.ids[i])
		}
		i++
	}
	// The new values by phenotype, in row order.
	type rowValue struct {
		row   int
		value float64
	}
	added := make([][]rowValue, len(all.catalog))
	for i, j := 0, -1; i < len(got); i++ {
		if j < 0 || got[i].profileID != in[j] {
			j++
		}
		g := got[i]
		added[g.place] = append(added[g.place], rowValue{inRow[j], g.value})
	}
	cohorts := make([]cohort, len(all.catalog))
	for k, old := range all.catalog {
		add := added[k]
		rows := make([]int, 0, len(old.rows)+len(add))
		values := make([]float64, 0, len(old.rows)+len(add))
		a := 0
		for x, r := range old.rows {
			nr := oldRow[r]
			if nr < 0 {
				continue
			}
			for ; a < len(add) && add[a].row < nr; a++ {
				rows, values = append(rows, add[a].row), append(values, add[a].value)
			}
			rows, values = append(rows, nr), append(values, old.values[x])
		}
		for ; a < len(add); a++ {
			rows, values = append(rows, add[a].row), append(values, add[a].value)
		}
		cohorts[k] = cohort{phenotype: old.phenotype, values: slices.Clip(values), rows: slices.Clip(rows)}
	}
	return newCohortValues(ch.Gen, ids, cohorts), nil
}
