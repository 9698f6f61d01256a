package research

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// failingStore is a memStore whose reads can fail or come out of order.
type failingStore struct {
	*memStore
	callsErr    error
	valuesErr   map[string]error // by phenotype id
	reverseOnes string           // phenotype whose values come in reverse order
}

func (s *failingStore) CallsAt(ctx context.Context, positions []int, fn func(string, []phenolink.Call) error) error {
	if s.callsErr != nil {
		return s.callsErr
	}
	return s.memStore.CallsAt(ctx, positions, fn)
}

func (s *failingStore) CohortValues(ctx context.Context, phenotypeID string) ([]phenolink.PhenotypeValue, error) {
	if err := s.valuesErr[phenotypeID]; err != nil {
		return nil, err
	}
	vals, err := s.memStore.CohortValues(ctx, phenotypeID)
	if phenotypeID == s.reverseOnes {
		vals = slices.Clone(vals)
		slices.Reverse(vals)
	}
	return vals, err
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
	tests := []struct {
		name  string
		store *failingStore
		is    error  // the error the page's must wrap, if any
		says  string // what its message must say
	}{
		{"calls", &failingStore{memStore: mem, callsErr: diskGone}, diskGone, "reading calls"},
		{"values", &failingStore{memStore: mem, valuesErr: map[string]error{"chronotype": diskGone}}, diskGone, `"chronotype"`},
		{"order", &failingStore{memStore: mem, reverseOnes: "height_mm"}, nil, `values of "height_mm" are not in profile id order`},
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

// TestMergeIDs checks the union of sorted profile ids, including the
// shortcut taken when one list holds the other.
func TestMergeIDs(t *testing.T) {
	vals := func(ids ...string) []phenolink.PhenotypeValue {
		var out []phenolink.PhenotypeValue
		for _, id := range ids {
			out = append(out, phenolink.PhenotypeValue{ProfileID: id})
		}
		return out
	}
	tests := []struct {
		ids  []string
		vals []phenolink.PhenotypeValue
		want []string
	}{
		{nil, nil, nil},
		{nil, vals("a", "c"), []string{"a", "c"}},
		{[]string{"a", "b", "c"}, vals("a", "c"), []string{"a", "b", "c"}},
		{[]string{"a", "b", "c"}, vals("c"), []string{"a", "b", "c"}},
		{[]string{"a", "c"}, vals("b"), []string{"a", "b", "c"}},
		{[]string{"b"}, vals("a", "b", "d"), []string{"a", "b", "d"}},
		{[]string{"a", "b"}, vals("b", "c"), []string{"a", "b", "c"}},
		{[]string{"d", "e"}, vals("a", "b"), []string{"a", "b", "d", "e"}},
	}
	for _, tt := range tests {
		if got := mergeIDs(slices.Clone(tt.ids), tt.vals); !slices.Equal(got, tt.want) {
			t.Errorf("mergeIDs(%q, %v) = %q, want %q", tt.ids, tt.vals, got, tt.want)
		}
	}
}
