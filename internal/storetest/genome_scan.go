package storetest

import (
	"errors"
	"slices"
	"testing"

	"phenolink/internal/phenolink"
)

// RunGenomeScan holds an adapter's ScanGenomeRecords to what ScanGenomes
// reads: the same profiles in the same order with the same calls, records
// saved before the index grew ending early instead of padded, and an error
// from the callback stopping the scan and coming back.
func RunGenomeScan(t *testing.T, h Harness) {
	t.Parallel()
	s := migrated(t, h)
	rs, ok := s.(phenolink.GenomeRecordScanner)
	if !ok {
		t.Fatalf("%T does not implement phenolink.GenomeRecordScanner", s)
	}
	ctx := t.Context()
	withGenomeUsers(t, s)

	// An empty store is scanned without calling fn.
	err := rs.ScanGenomeRecords(ctx, func(profileID string, _ []phenolink.Call) error {
		t.Errorf("ScanGenomeRecords visited %s in an empty store", profileID)
		return nil
	})
	if err != nil {
		t.Fatalf("ScanGenomeRecords on an empty store: %v", err)
	}

	// p2 is saved first, on the first three markers; p1 and p3 later, when
	// the index has grown, so p2's record is the short one.
	save(t, s, "p2", parseImport(t,
		"rs1 1 100 AG",
		"rs2 1 200 --",
		"rs3 X 300 T"))
	save(t, s, "p3", parseImport(t,
		"rs1 1 100 GG",
		"rs4 2 50 CT",
		"rs5 MT 10 A"))
	save(t, s, "p1", parseImport(t,
		"rs5 MT 10 G",
		"rs3 X 300 CT",
		"rs1 1 100 AA"))

	type visit struct {
		id    string
		calls []phenolink.Call
	}
	var padded []visit
	if err := s.ScanGenomes(ctx, func(profileID string, calls []phenolink.Call) error {
		padded = append(padded, visit{profileID, slices.Clone(calls)})
		return nil
	}); err != nil {
		t.Fatalf("ScanGenomes: %v", err)
	}
	var raw []visit
	if err := rs.ScanGenomeRecords(ctx, func(profileID string, record []phenolink.Call) error {
		raw = append(raw, visit{profileID, slices.Clone(record)})
		return nil
	}); err != nil {
		t.Fatalf("ScanGenomeRecords: %v", err)
	}
	n := indexLen(t, s)
	if n != 5 {
		t.Fatalf("index holds %d markers, want 5", n)
	}
	if len(raw) != 3 || len(padded) != 3 {
		t.Fatalf("ScanGenomeRecords visited %d profiles and ScanGenomes %d, want 3 each", len(raw), len(padded))
	}
	for i, want := range []string{"p1", "p2", "p3"} {
		r, p := raw[i], padded[i]
		if r.id != want || p.id != want {
			t.Errorf("visit %d: ScanGenomeRecords %s, ScanGenomes %s, want %s", i, r.id, p.id, want)
			continue
		}
		if len(r.calls) > n {
			t.Errorf("%s: record of %d calls, longer than the index of %d", r.id, len(r.calls), n)
			continue
		}
		full := make([]phenolink.Call, n)
		copy(full, r.calls)
		if !slices.Equal(full, p.calls) {
			t.Errorf("%s: ScanGenomeRecords %v (padded), ScanGenomes %v", r.id, full, p.calls)
		}
	}
	if got := len(raw[1].calls); got != 3 {
		t.Errorf("p2 was saved on a 3-marker index; its record has %d calls, want 3", got)
	}
	if got, want := raw[1].calls[0], mustCall(t, "AG"); got != want {
		t.Errorf("p2 at rs1 = %v, want %v", got, want)
	}

	stop := errors.New("enough")
	visited := 0
	err = rs.ScanGenomeRecords(ctx, func(string, []phenolink.Call) error {
		visited++
		return stop
	})
	if !errors.Is(err, stop) {
		t.Errorf("ScanGenomeRecords with a failing callback = %v, want the callback's error", err)
	}
	if visited != 1 {
		t.Errorf("ScanGenomeRecords went on after the callback failed: %d visits", visited)
	}
}

func mustCall(t *testing.T, s string) phenolink.Call {
	t.Helper()
	c, err := phenolink.ParseCall(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
