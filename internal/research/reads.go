package research

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"phenolink/internal/phenolink"
)

// read reads the consenting values of the phenotypes phenotypeIDs, as
// cohorts (see cohorts), and, when there are markers, their calls in every stored
// record laid out by the cohorts' rows (see callRows): each
// from the cache where it is current for gens, and what is not read by
// two reads at once, each a query that keeps a database busy while the
// page waits.
func (s *Service) read(ctx context.Context, gens phenolink.Generations, phenotypeIDs []string, markers []phenolink.IndexedMarker) ([]cohort, []phenolink.Call, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var byMarker []markerCalls
	var callsErr error
	var wg sync.WaitGroup
	if len(markers) > 0 {
		positions := make([]int, len(markers))
		for j, mk := range markers {
			positions[j] = mk.Index
		}
		wg.Go(func() {
			if byMarker, callsErr = s.cachedCalls(ctx, gens.Genomes, positions); callsErr != nil {
				cancel()
			}
		})
	}
	cohorts, ids, err := s.cohorts(ctx, gens.Cohort, phenotypeIDs)
	if err != nil {
		cancel()
	}
	wg.Wait()
	// The first read to fail stops the other; its error, not the other's
	// (a cancellation), is the page's.
	switch {
	case err != nil && callsErr != nil && errors.Is(err, context.Canceled):
		return nil, nil, callsErr
	case err != nil:
		return nil, nil, err
	case callsErr != nil:
		return nil, nil, callsErr
	}
	return cohorts, callRows(ids, byMarker), nil
}

// cohorts returns the consenting values of the phenotypes ids (checked;
// every catalog phenotype when there are none) as readValues does, or
// ENOTFOUND naming an id not in the catalog: from every catalog
// phenotype's values and the catalog itself kept for the cohort count gen
// (the catalog's writes move it too), or read from the store when the
// catalog is too large to keep.
func (s *Service) cohorts(ctx context.Context, gen int64, ids []string) ([]cohort, []string, error) {
	all, err := s.cachedValues(ctx, gen)
	if err != nil {
		return nil, nil, err
	}
	if all != nil {
		cohorts, err := all.cohorts(ids)
		return cohorts, all.ids, err
	}
	phenotypes, err := s.phenotypes(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	return s.readValues(ctx, phenotypes)
}

// readValues reads the phenotypes' consenting values in one
// CohortValuesOf: cohorts[k] holds those of phenotypes[k], and ids every
// profile holding one, in profile id order, which a cohort's rows index.
// The values come by profile id, so a profile is numbered when its first
// value comes, without a map or a merge.
func (s *Service) readValues(ctx context.Context, phenotypes []phenolink.Phenotype) ([]cohort, []string, error) {
	pids := make([]string, len(phenotypes))
	cohorts := make([]cohort, len(phenotypes))
	for k, p := range phenotypes {
		pids[k] = p.ID
		cohorts[k].phenotype = p
	}
	var ids []string
	err := s.Phenotypes.CohortValuesOf(ctx, pids, func(profileID string, k int, value float64) error {
		if k < 0 || k >= len(cohorts) {
			return fmt.Errorf("a value of phenotype %d (counting from 0) when %d were asked for", k, len(cohorts))
		}
		n := len(ids)
		switch {
		case n > 0 && profileID < ids[n-1]:
			return fmt.Errorf("the values are not in profile id order (%q after %q)", profileID, ids[n-1])
		case n == 0 || profileID != ids[n-1]:
			ids = append(ids, profileID)
			n++
		}
		c := &cohorts[k]
		if len(c.rows) > 0 && c.rows[len(c.rows)-1] == n-1 {
			return fmt.Errorf("profile %q has two values of %q", profileID, c.phenotype.ID)
		}
		c.values = append(c.values, value)
		c.rows = append(c.rows, n-1)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("research.Results: reading the values of %d phenotypes: %w", len(pids), err)
	}
	return cohorts, ids, nil
}

// readCalls reads the calls at positions in every stored record in one
// CallsAt, each position's as a column.
func (s *Service) readCalls(ctx context.Context, positions []int) (*callsRead, error) {
	r := &callsRead{calls: make(map[int][]phenolink.Call, len(positions))}
	cols := make([][]phenolink.Call, len(positions))
	err := s.Markers.CallsAt(ctx, positions, func(profileID string, got []phenolink.Call) error {
		if n := len(r.ids); n > 0 && profileID <= r.ids[n-1] {
			return fmt.Errorf("the records are not in profile id order (%q after %q)", profileID, r.ids[n-1])
		}
		if len(got) != len(positions) {
			return fmt.Errorf("%d calls of record %q for %d positions", len(got), profileID, len(positions))
		}
		r.ids = append(r.ids, profileID)
		for j, c := range got {
			cols[j] = append(cols[j], c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("research.Results: reading calls: %w", err)
	}
	for j, p := range positions {
		r.calls[p] = slices.Clip(cols[j])
	}
	return r, nil
}

// callRows lays the markers' calls out by the rows of ids (sorted): row
// r's call at marker j at [r*len(markers)+j]; a profile without a stored
// record keeps NotOnChip, the zero Call. Markers usually share their
// records' ids, which are then matched to the rows once.
func callRows(ids []string, markers []markerCalls) []phenolink.Call {
	calls := make([]phenolink.Call, len(ids)*len(markers))
	var rows []int
	for j, m := range markers {
		if j == 0 || !sameSlice(m.ids, markers[j-1].ids) {
			rows = recordRows(m.ids, ids)
		}
		for i, r := range rows {
			if r >= 0 {
				calls[r*len(markers)+j] = m.calls[i]
			}
		}
	}
	return calls
}

// recordRows returns each record's row in ids, or -1 for a profile not
// there; records and ids are both in profile id order, so one pass over
// both matches them.
func recordRows(records, ids []string) []int {
	rows := make([]int, len(records))
	r := 0
	for i, id := range records {
		for r < len(ids) && ids[r] < id {
			r++
		}
		rows[i] = -1
		if r < len(ids) && ids[r] == id {
			rows[i] = r
		}
	}
	return rows
}

// sameSlice reports whether a and b are the same slice, not just equal.
func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
