package research

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// failingStore is a memStore whose reads can fail or come out of order.
type failingStore struct {
	*memStore
	callsErr  error
	valuesErr error
	reverse   bool // values come in reverse order
	twice     bool // every value comes twice
	badPlace  bool // values name a phenotype past those asked for
}

func (s *failingStore) CallsAt(ctx context.Context, positions []int, fn func(string, []phenolink.Call) error) error {
	if s.callsErr != nil {
		return s.callsErr
	}
	return s.memStore.CallsAt(ctx, positions, fn)
}

func (s *failingStore) CohortValuesOf(ctx context.Context, ids []string, fn func(string, int, float64) error) error {
	if s.valuesErr != nil {
		return s.valuesErr
	}
	switch {
	case s.twice:
		return s.memStore.CohortValuesOf(ctx, ids, func(profile string, k int, v float64) error {
			if err := fn(profile, k, v); err != nil {
				return err
			}
			return fn(profile, k, v)
		})
	case s.badPlace:
		return s.memStore.CohortValuesOf(ctx, ids, func(profile string, k int, v float64) error {
			return fn(profile, len(ids)+k, v)
		})
	case !s.reverse:
		return s.memStore.CohortValuesOf(ctx, ids, fn)
	}
	type value struct {
		profile string
		k       int
		v       float64
	}
	var all []value
	err := s.memStore.CohortValuesOf(ctx, ids, func(profile string, k int, v float64) error {
		all = append(all, value{profile, k, v})
		return nil
	})
	slices.Reverse(all)
	for _, v := range all {
		if err := fn(v.profile, v.k, v.v); err != nil {
			return err
		}
	}
	return err
}

// TestResultsReportReadErrors checks that a failed read, or values out of
// the promised order, fail the page with that read's error and no report,
// whichever of the reads running at once fails.
func TestResultsReportReadErrors(t *testing.T) {
	mem := newMemStore()
	mem.group(t, "rs1", "AA", "height_mm", 1600, 1610, 1620, 1630, 1640)
	mem.group(t, "rs1", "AG", "height_mm", 1650, 1660, 1670, 1680, 1690)
	for _, id := range []string{"p00001", "p00002", "p00003", "p00004", "p00005", "p00006"} {
		mem.setValue(id, "chronotype", 1)
	}
	diskGone := errors.New("disk gone")
	// The page reads every catalog phenotype's values at once, to keep
	// them for the next pages.
	catalog := len(mem.catalog)
	tests := []struct {
		name  string
		store *failingStore
		is    error  // the error the page's must wrap, if any
		says  string // what its message must say
	}{
		{"calls", &failingStore{memStore: mem, callsErr: diskGone}, diskGone, "reading calls"},
		{"values", &failingStore{memStore: mem, valuesErr: diskGone}, diskGone, fmt.Sprintf("reading the values of %d phenotypes", catalog)},
		{"order", &failingStore{memStore: mem, reverse: true}, nil, `not in profile id order`},
		{"twice", &failingStore{memStore: mem, twice: true}, nil, `two values of`},
		{"place", &failingStore{memStore: mem, badPlace: true}, nil, fmt.Sprintf("when %d were asked for", catalog)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := &Service{Markers: tt.store, Phenotypes: tt.store, MinGroupSize: 5}
			r, err := svc.Results(context.Background(), []string{"rs1"}, []string{"height_mm", "chronotype"})
			if err == nil || r != nil {
				t.Fatalf("Results = %+v, %v; want no report and an error", r, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want it to wrap %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("err = %v, want it to say %s", err, tt.says)
			}
		})
	}
	// The same store answers when nothing fails.
	ok := &Service{Markers: mem, Phenotypes: mem, MinGroupSize: 5}
	if r := results(t, ok, []string{"rs1"}, "height_mm", "chronotype"); len(r.Tables) != 2 || r.Tables[0].Test == nil {
		t.Errorf("without failures: %d tables, first test %+v; want 2 with a test", len(r.Tables), r.Tables[0].Test)
	}
}
