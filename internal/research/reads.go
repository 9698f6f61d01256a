package research

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"phenolink/internal/phenolink"
)

// maxReads bounds the store reads one page runs at once: enough to keep
// the cores and the database busy while each read waits on the other side,
// few enough to leave the pool's other connections to other requests.
const maxReads = 4

// records are the markers' calls of every stored record, in the order
// CallsAt gave them (profile id order): record i's call at marker j is
// calls[i*markers+j].
type records struct {
	ids   []string
	calls []phenolink.Call
}

// read reads every phenotype's consenting values (lists[k] those of
// phenotypes[k]) and, when there are markers, their calls in every stored
// record, running up to maxReads of the reads at once: each is a query
// that keeps a database busy while the page waits.
func (s *Service) read(ctx context.Context, phenotypes []phenolink.Phenotype, markers []phenolink.IndexedMarker) ([][]phenolink.PhenotypeValue, *records, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lists := make([][]phenolink.PhenotypeValue, len(phenotypes))
	recs := &records{}
	// The first read to fail stops the others; its error, not theirs
	// (a cancellation), is the page's.
	var first error
	var once sync.Once
	slots := make(chan struct{}, maxReads)
	var wg sync.WaitGroup
	run := func(read func() error) {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			if err := read(); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		})
	}
	if len(markers) > 0 {
		// The calls first: one read over every record, likely the longest.
		run(func() error { return s.readCalls(ctx, markers, recs) })
	}
	for k, p := range phenotypes {
		run(func() error {
			vals, err := s.Phenotypes.CohortValues(ctx, p.ID)
			if err != nil {
				return fmt.Errorf("research.Results: reading the values of %q: %w", p.ID, err)
			}
			lists[k] = vals
			return nil
		})
	}
	wg.Wait()
	if first != nil {
		return nil, nil, first
	}
	return lists, recs, nil
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
