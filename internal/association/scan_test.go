package association

import (
	"context"
	"errors"
	"iter"
	"math"
	"testing"

	"phenolink/internal/phenolink"
)

func TestScanRejectsBadInput(t *testing.T) {
	rec := []byte{0}
	tests := []struct {
		name    string
		cohort  Cohort
		markers []Marker
		binary  bool
	}{
		{"sex length", Cohort{Phenotype: []float64{1, 2}, Sex: []int{1}}, nil, false},
		{"covariate length", Cohort{Phenotype: []float64{1, 2}, Covariates: [][]float64{{1}}}, nil, false},
		{"no phenotype", Cohort{Phenotype: []float64{math.NaN(), math.NaN()}}, nil, false},
		{"constant covariate", Cohort{Phenotype: []float64{1, 2, 3}, Covariates: [][]float64{{5, 5, 5}}}, nil, false},
		{"short record", Cohort{Phenotype: []float64{1, 2, 3, 4, 5}}, []Marker{{ID: "rs1", Genotypes: rec}}, false},
		{"binary coded 1/2", Cohort{Phenotype: []float64{1, 2}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.binary {
				_, err = LogisticScan(context.Background(), sliceMarkers(tt.markers), &tt.cohort, Options{})
			} else {
				_, err = LinearScan(context.Background(), sliceMarkers(tt.markers), &tt.cohort, Options{})
			}
			if phenolink.ErrorCode(err) != phenolink.EINVALID {
				t.Errorf("err = %v, want an EINVALID error", err)
			}
		})
	}
}

func TestScanStopsOnErrors(t *testing.T) {
	f := loadFixture(t, "testdata/plink")
	c := f.cohort(t, "qt", false)
	readErr := errors.New("disk gone")
	failing := func(yield func(*Marker, error) bool) {
		for i := range 1000 {
			if !yield(&f.markers[i], nil) {
				return
			}
		}
		yield(nil, readErr)
	}
	if _, err := LinearScan(context.Background(), iter.Seq2[*Marker, error](failing), c, Options{}); !errors.Is(err, readErr) {
		t.Errorf("reader error: got %v, want %v", err, readErr)
	}
	stop := errors.New("enough")
	emitted := 0
	err := LinearScanEach(context.Background(), sliceMarkers(f.markers), c, Options{}, func(*Result) error {
		emitted++
		if emitted == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || emitted != 10 {
		t.Errorf("emit error: got %v after %d results, want %v after 10", err, emitted, stop)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LinearScan(ctx, sliceMarkers(f.markers), c, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}

// TestScanKeepsOrder runs more markers than fit in the scan's blocks on
// several workers and checks that results come back in input order.
func TestScanKeepsOrder(t *testing.T) {
	f := loadFixture(t, "testdata/plink")
	res, err := LinearScan(context.Background(), sliceMarkers(f.markers), f.cohort(t, "qt", false), Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(f.markers) {
		t.Fatalf("%d results for %d markers", len(res), len(f.markers))
	}
	for i, r := range res {
		if r.ID != f.markers[i].ID {
			t.Fatalf("result %d is %s, want %s", i, r.ID, f.markers[i].ID)
		}
	}
}

// TestSexCovariateNotDuplicated checks that when the covariates already
// hold sex, X markers are fitted with it once instead of failing.
func TestSexCovariateNotDuplicated(t *testing.T) {
	f := loadFixture(t, "testdata/plink")
	c := f.cohort(t, "qt", true) // covariates: sex, age
	auto, err := LinearScan(context.Background(), sliceMarkers(f.markers), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	explicit, err := LinearScan(context.Background(), sliceMarkers(f.markers), c, Options{NoXSex: true})
	if err != nil {
		t.Fatal(err)
	}
	tested := 0
	for i := range auto {
		a, e := auto[i], explicit[i]
		if a.NotTestable != e.NotTestable || !near(a.Beta, e.Beta) || !near(a.SE, e.SE) {
			t.Fatalf("%s: sex added automatically %+v, by the caller %+v", a.ID, a, e)
		}
		if f.markers[i].IsX() && a.NotTestable == "" {
			tested++
		}
	}
	if tested == 0 {
		t.Error("no X marker was tested")
	}
}
