package research

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"phenolink/internal/phenolink"
)

// records are the markers' calls of every stored record, in the order
// CallsAt gave them (profile id order): record i's call at marker j is
// calls[i*markers+j].
type records struct {
	ids   []string
	calls []phenolink.Call
}

// read reads every phenotype's consenting values, as cohorts numbering
// the profiles ids (see readValues), and, when there are markers, their
// calls in every stored record: two reads, run at once, each a query that
// keeps a database busy while the page waits.
func (s *Service) read(ctx context.Context, phenotypes []phenolink.Phenotype, markers []phenolink.IndexedMarker) ([]cohort, []string, *records, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	recs := &records{}
	var callsErr error
	var wg sync.WaitGroup
	if len(markers) > 0 {
		wg.Go(func() {
			if callsErr = s.readCalls(ctx, markers, recs); callsErr != nil {
				cancel()
			}
		})
	}
	cohorts, ids, err := s.readValues(ctx, phenotypes)
	if err != nil {
		cancel()
	}
	wg.Wait()
	// The first read to fail stops the other; its error, not the other's
	// (a cancellation), is the page's.
	switch {
	case err != nil && callsErr != nil && errors.Is(err, context.Canceled):
		return nil, nil, nil, callsErr
	case err != nil:
		return nil, nil, nil, err
	case callsErr != nil:
		return nil, nil, nil, callsErr
	}
	return cohorts, ids, recs, nil
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
		return nil, nil, fmt.Errorf("research.Results: reading the values of %q: %w", pids, err)
	}
	return cohorts, ids, nil
}

// readCalls reads the markers' calls of every stored record into recs.
func (s *Service) readCalls(ctx context.Context, markers []phenolink.IndexedMarker, recs *records) error {
	positions := make([]int, len(markers))
	for j, mk := range markers {
		positions[j] = mk.Index
	}
	err := s.Markers.CallsAt(ctx, positions, func(profileID string, got []phenolink.Call) error {
		recs.ids = append(recs.ids, profileID)
		recs.calls = append(recs.calls, got...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("research.Results: reading calls: %w", err)
	}
	return nil
}

// rows returns the calls of the profiles ids (sorted), row r's call at
// marker j at [r*markers+j]; a profile without a stored record keeps
// NotOnChip, the zero Call. Records come in profile id order, so each is
// usually the row after the last one found; a binary search finds any
// other.
func (recs *records) rows(ids []string, markers int) []phenolink.Call {
	calls := make([]phenolink.Call, len(ids)*markers)
	next := 0
	for i, id := range recs.ids {
		r := next
		if r >= len(ids) || ids[r] != id {
			var found bool
			if r, found = slices.BinarySearch(ids, id); !found {
				continue
			}
		}
		copy(calls[r*markers:(r+1)*markers], recs.calls[i*markers:(i+1)*markers])
		next = r + 1
	}
	return calls
}
