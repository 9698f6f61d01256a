package storetest

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

func nan() float64 { return math.NaN() }

func testScans(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	start := time.Now()
	first, err := s.CreateScan(ctx, phenolink.Scan{PhenotypeID: "height_mm", Covariates: []string{phenolink.CovariateSex, phenolink.CovariateAge}, MinMAF: 0.01, MinCallRate: 0.95, CreatedBy: "u1"})
	if err != nil {
		t.Fatalf("CreateScan: %v", err)
	}
	second, err := s.CreateScan(ctx, phenolink.Scan{PhenotypeID: "sex", CreatedBy: "u2"})
	if err != nil {
		t.Fatalf("CreateScan: %v", err)
	}
	end := time.Now()
	if first.ID <= 0 || second.ID <= first.ID || first.JobID <= 0 || second.JobID == first.JobID || !within(first.CreatedAt, start, end) {
		t.Fatalf("CreateScan gave %+v and %+v", first, second)
	}
	// Each scan's job is queued with the scan id as its payload.
	for _, sc := range []phenolink.Scan{first, second} {
		j, err := s.Claim(ctx, []string{phenolink.JobScan}, time.Minute)
		if err != nil {
			t.Fatalf("Claim: %v", err)
		}
		if j.ID != sc.JobID || j.UserID != sc.CreatedBy || string(j.Payload) != strconv.FormatInt(sc.ID, 10) {
			t.Errorf("claimed %+v (payload %q), want the job of scan %+v", j, j.Payload, sc)
		}
	}
	got, err := s.Scan(ctx, first.ID)
	if err != nil || !sameScan(got, first) {
		t.Errorf("Scan(%d) = %+v, %v; want %+v", first.ID, got, err, first)
	}
	list, err := s.Scans(ctx)
	if err != nil || len(list) != 2 || !sameScan(list[0], second) || !sameScan(list[1], first) {
		t.Errorf("Scans = %+v, %v; want the second, then the first", list, err)
	}
	_, err = s.ScanResults(ctx, first.ID)
	wantCode(t, err, phenolink.ENOTFOUND)

	results := bytes.Repeat([]byte{0, 1, 2, 0xff}, 100_000)
	done := first
	done.Samples, done.Tested, done.Lambda, done.CompletedAt = 1234, 560_000, 1.0375, time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	if err := s.CompleteScan(ctx, done, results); err != nil {
		t.Fatalf("CompleteScan: %v", err)
	}
	if got, err := s.Scan(ctx, first.ID); err != nil || !sameScan(got, done) {
		t.Errorf("Scan(%d) after completion = %+v, %v; want %+v", first.ID, got, err, done)
	}
	if got, err := s.ScanResults(ctx, first.ID); err != nil || !bytes.Equal(got, results) {
		t.Errorf("ScanResults = %d bytes, %v; want the %d stored", len(got), err, len(results))
	}
	// A scan with nothing to test has no inflation factor.
	empty := second
	empty.Lambda = math.NaN()
	if err := s.CompleteScan(ctx, empty, nil); err != nil {
		t.Fatalf("CompleteScan without results: %v", err)
	}
	if got, err := s.Scan(ctx, second.ID); err != nil || !math.IsNaN(got.Lambda) || got.CompletedAt.IsZero() {
		t.Errorf("Scan(%d) after an empty completion = %+v, %v; want NaN lambda, completed", second.ID, got, err)
	}
	if got, err := s.ScanResults(ctx, second.ID); err != nil || len(got) != 0 {
		t.Errorf("ScanResults of an empty scan = %v, %v; want none, no error", got, err)
	}
	wantCode(t, s.CompleteScan(ctx, phenolink.Scan{ID: 999}, results), phenolink.ENOTFOUND)

	if err := s.DeleteScan(ctx, first.ID); err != nil {
		t.Fatalf("DeleteScan: %v", err)
	}
	_, err = s.Scan(ctx, first.ID)
	wantCode(t, err, phenolink.ENOTFOUND)
	_, err = s.ScanResults(ctx, first.ID)
	wantCode(t, err, phenolink.ENOTFOUND)
	if err := s.DeleteScan(ctx, first.ID); err != nil {
		t.Errorf("deleting a deleted scan: %v", err)
	}
	wantCounts(t, h, s, map[string]int{"users": 2, "profiles": 3, "jobs": 2, "scans": 1, "scan_results": 1})
}

// sameScan compares scans, their times to the microsecond and lambda
// by value.
func sameScan(a, b phenolink.Scan) bool {
	if !a.CreatedAt.Truncate(time.Microsecond).Equal(b.CreatedAt.Truncate(time.Microsecond)) ||
		!a.CompletedAt.Truncate(time.Microsecond).Equal(b.CompletedAt.Truncate(time.Microsecond)) {
		return false
	}
	a.CreatedAt, a.CompletedAt, b.CreatedAt, b.CompletedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return slices.Equal(a.Covariates, b.Covariates) && reflect.DeepEqual(withCovariates(a), withCovariates(b))
}

func withCovariates(s phenolink.Scan) phenolink.Scan { s.Covariates = nil; return s }

func testScanRefused(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	tests := []struct {
		name string
		scan phenolink.Scan
		code string
	}{
		{"invalid", phenolink.Scan{PhenotypeID: "height_mm", CreatedBy: "u1", MinMAF: 0.5}, phenolink.EINVALID},
		{"unknown covariate", phenolink.Scan{PhenotypeID: "height_mm", CreatedBy: "u1", Covariates: []string{"bmi"}}, phenolink.EINVALID},
		{"unknown phenotype", phenolink.Scan{PhenotypeID: "shoe_size", CreatedBy: "u1"}, phenolink.ENOTFOUND},
		// The job cannot be queued for a missing account, so the scan
		// row inserted before it must go too.
		{"unknown researcher", phenolink.Scan{PhenotypeID: "height_mm", CreatedBy: "nobody"}, phenolink.ENOTFOUND},
	}
	for _, tt := range tests {
		_, err := s.CreateScan(ctx, tt.scan)
		if phenolink.ErrorCode(err) != tt.code {
			t.Errorf("%s: CreateScan = %v, want code %s", tt.name, err, tt.code)
		}
	}
	wantCounts(t, h, s, map[string]int{"users": 2, "profiles": 3})
	_, err := s.Scan(ctx, 1)
	wantCode(t, err, phenolink.ENOTFOUND)
	if list, err := s.Scans(ctx); err != nil || len(list) != 0 {
		t.Errorf("Scans = %+v, %v; want none", list, err)
	}
	tooLarge := make([]byte, phenolink.MaxScanResults+1)
	wantCode(t, s.CompleteScan(ctx, phenolink.Scan{ID: 1}, tooLarge), phenolink.ETOOLARGE)
}
