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
// one snapshot, and the rest kept, with the catalog read again (its
// entries' changes change no value). It returns nil (and no error) when
// the store cannot name the changes (its log does not reach back to
// latest's count, or more than maxChangedProfiles profiles have changed)
// or the catalog no longer holds the same phenotypes.
func (s *Service) patchValues(ctx context.Context, latest *cohortValues) (*cohortValues, error) {
	ids := make([]string, len(latest.catalog))
	for k, c := range latest.catalog {
		ids[k] = c.phenotype.ID
	}
	catalog, err := s.Phenotypes.Phenotypes(ctx)
	if err != nil {
		return nil, fmt.Errorf("research.Results: reading the catalog: %w", err)
	}
	if len(catalog) != len(ids) {
		return nil, nil
	}
	for _, p := range catalog {
		if _, ok := latest.byPhenotype[p.ID]; !ok {
			return nil, nil
		}
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
	return patched.withCatalog(catalog), nil
}

// withCatalog returns all with its cohorts in the order of catalog, which
// holds the same phenotypes, and each phenotype as catalog has it.
func (all *cohortValues) withCatalog(catalog []phenolink.Phenotype) *cohortValues {
	cohorts := make([]cohort, len(catalog))
	for k, p := range catalog {
		cohorts[k] = all.byPhenotype[p.ID]
		cohorts[k].phenotype = p
	}
	return newCohortValues(all.gen, all.ids, cohorts)
}

// patched returns all with the values of every profile in ch.Profiles
// replaced by those in got (which holds theirs alone, in profile id
// order, then phenotype id order, as CohortValuesOf gives them): a
// changed profile without one leaves, the others keep their values. It
// copies what it changes; all is left as it was, for the pages reading
// it.
func (all *cohortValues) patched(ch phenolink.Changes, got []changedValue) (*cohortValues, error) {
	// The changed profiles that are in now, in order.
	var in []string
	for i, g := range got {
		switch {
		case g.place < 0 || g.place >= len(all.catalog):
			return nil, fmt.Errorf("a value of phenotype %d (counting from 0) when %d were asked for", g.place, len(all.catalog))
		case i > 0 && g.profileID == got[i-1].profileID && all.catalog[g.place].phenotype.ID <= all.catalog[got[i-1].place].phenotype.ID:
			return nil, fmt.Errorf("the changed values of %q are not in order of phenotype id (%d after %d)", g.profileID, g.place, got[i-1].place)
		case i == 0 || g.profileID != got[i-1].profileID:
			in = append(in, g.profileID)
		}
	}
	ids, oldRow, inRow, err := mergeIDs(all.ids, ch, in)
	if err != nil {
		return nil, err
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

// mergeIDs returns the ids after the changes ch: those of old (in order)
// neither changed nor gone (not in ch.Present, when there is one), and
// in, the changed ones that are still there, merged in order; and where
// each of old went (its row in ids, or -1 where it left or is replaced by
// one of in) and each of in. in out of order, or holding a profile not
// among ch.Profiles, is an error: never a value kept or dropped silently.
func mergeIDs(old []string, ch phenolink.Changes, in []string) (ids []string, oldRow, inRow []int, err error) {
	changed, present := ch.Profiles, ch.Present
	for j, id := range in {
		if j > 0 && id <= in[j-1] {
			return nil, nil, nil, fmt.Errorf("the changed profiles are not in order of profile id (%q after %q)", id, in[j-1])
		}
		if _, ok := slices.BinarySearch(changed, id); !ok {
			return nil, nil, nil, fmt.Errorf("%q is not among those changed", id)
		}
	}
	ids = make([]string, 0, len(old)+len(in))
	oldRow = make([]int, len(old))
	inRow = make([]int, len(in))
	i, j, c, k := 0, 0, 0, 0
	for i < len(old) || j < len(in) {
		if j < len(in) && (i == len(old) || in[j] <= old[i]) {
			if i < len(old) && old[i] == in[j] {
				oldRow[i] = -1
				i++
			}
			inRow[j] = len(ids)
			ids = append(ids, in[j])
			j++
			continue
		}
		for c < len(changed) && changed[c] < old[i] {
			c++
		}
		for present != nil && k < len(present) && present[k] < old[i] {
			k++
		}
		switch {
		case c < len(changed) && changed[c] == old[i]:
			oldRow[i] = -1
		case present != nil && (k == len(present) || present[k] != old[i]):
			oldRow[i] = -1 // gone
		default:
			oldRow[i] = len(ids)
			ids = append(ids, old[i])
		}
		i++
	}
	return ids, oldRow, inRow, nil
}

// maxChangedRecords bounds the records whose calls a read takes again
// instead of every record's: each costs a read of its pieces at the
// markers asked for, where a whole read costs one range per piece.
const maxChangedRecords = 100

// callsBase is what the calls cache held under an older genome count:
// markers' calls in its records, kept so that a page after a write can
// read the calls of the records written since (Service.Changes) instead
// of every record's.
type callsBase struct {
	gen   int64    // the calls are at least as new as this genome count
	ids   []string // the records' profile ids, in order
	calls map[int][]phenolink.Call
}

// patchCalls returns the calls at positions (all in base) of every
// stored record: base's, with the records written or deleted since its
// count read again, from one snapshot. It returns nil (and no error) when
// the store cannot name the changes: its log does not reach back to the
// base's count, a profile was deleted, or more than maxChangedRecords
// records have changed.
func (s *Service) patchCalls(ctx context.Context, positions []int, base *callsBase) (*callsRead, error) {
	var in []string
	var got [][]phenolink.Call
	ch, err := s.Changes.GenomeChangesSince(ctx, base.gen, positions, maxChangedRecords, func(profileID string, calls []phenolink.Call) error {
		if len(calls) != len(positions) {
			return fmt.Errorf("%d calls of record %q for %d positions", len(calls), profileID, len(positions))
		}
		in = append(in, profileID)
		got = append(got, slices.Clone(calls))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("research.Results: reading the changes to the records: %w", err)
	}
	if !ch.Complete {
		return nil, nil
	}
	ids, oldRow, inRow, err := mergeIDs(base.ids, ch, in)
	if err != nil {
		return nil, fmt.Errorf("research.Results: applying the changes to the records since count %d: %w", base.gen, err)
	}
	r := &callsRead{ids: ids, calls: make(map[int][]phenolink.Call, len(positions))}
	for j, p := range positions {
		old := base.calls[p]
		if len(old) != len(base.ids) {
			return nil, fmt.Errorf("research.Results: %d calls kept at position %d for %d records", len(old), p, len(base.ids))
		}
		col := make([]phenolink.Call, len(ids))
		for i, row := range oldRow {
			if row >= 0 {
				col[row] = old[i]
			}
		}
		for x, row := range inRow {
			col[row] = got[x][j]
		}
		r.calls[p] = col
	}
	return r, nil
}
