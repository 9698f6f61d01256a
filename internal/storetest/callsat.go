package storetest

import (
	"reflect"
	"slices"
	"testing"

	"phenolink/internal/phenolink"
)

// callsAt collects CallsAt into each profile's calls.
func callsAt(t *testing.T, s Store, positions []int) (map[string][]phenolink.Call, []string) {
	t.Helper()
	got := map[string][]phenolink.Call{}
	var order []string
	err := s.CallsAt(t.Context(), positions, func(profileID string, calls []phenolink.Call) error {
		if len(calls) != len(positions) {
			t.Errorf("CallsAt gave %s %d calls for %d positions", profileID, len(calls), len(positions))
		}
		got[profileID] = slices.Clone(calls)
		order = append(order, profileID)
		return nil
	})
	if err != nil {
		t.Fatalf("CallsAt(%v): %v", positions, err)
	}
	return got, order
}

func testCallsAt(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	// p3's record is the shortest: the markers p1 and p2 add come after it.
	save(t, s, "p3", parseImport(t, "rs1 1 100 AA", "rs2 1 200 AG"))
	save(t, s, "p1", parseImport(t, "rs1 1 100 GG", "rs2 1 200 --", "rs3 2 50 CT", "i4 X 10 A"))
	save(t, s, "p2", parseImport(t, "rs3 2 50 TT", "rs5 3 70 CC"))
	n := indexLen(t, s)
	if n != 5 {
		t.Fatalf("the index has %d markers, want 5", n)
	}

	found, err := s.FindMarkers(ctx, []string{"i4", "rs404", "rs1", "rs5"})
	if err != nil {
		t.Fatal(err)
	}
	want := []phenolink.IndexedMarker{
		{Marker: phenolink.Marker{ID: "i4", Chrom: phenolink.ChromosomeX, Pos: 10}, Index: 3},
		{Marker: phenolink.Marker{ID: "rs1", Chrom: 1, Pos: 100}, Index: 0},
		{Marker: phenolink.Marker{ID: "rs5", Chrom: 3, Pos: 70}, Index: 4},
	}
	if !reflect.DeepEqual(found, want) {
		t.Errorf("FindMarkers = %+v, want %+v", found, want)
	}
	if none, err := s.FindMarkers(ctx, []string{"rs404"}); err != nil || len(none) != 0 {
		t.Errorf("FindMarkers of an unknown id = %+v, %v; want none", none, err)
	}

	// Every position, some twice and out of order, and one past the index.
	got := wantCallsAtAsScanned(t, s, []int{4, 0, 1, 2, 3, 1, n + 3}, "p1", "p2", "p3")
	// The same through the genotype page, and the one written call past
	// p3's record end.
	page, err := s.GenotypeCalls(ctx, "p1", phenolink.GenotypeQuery{ID: "rs3"})
	if err != nil || len(page.Rows) != 1 || got["p1"][3] != page.Rows[0].Call {
		t.Errorf("CallsAt gave p1 %v at rs3; GenotypeCalls %+v, %v", got["p1"][3], page.Rows, err)
	}
	if got["p3"][0] != phenolink.NotOnChip || got["p3"][4] != phenolink.NotOnChip || got["p3"][6] != phenolink.NotOnChip {
		t.Errorf("CallsAt past p3's record = %v, want NotOnChip", got["p3"])
	}

	if none, _ := callsAt(t, s, nil); len(none) != 3 {
		t.Errorf("CallsAt of no positions visited %d records, want 3", len(none))
	}
	wantCode(t, s.CallsAt(ctx, []int{0, -1}, func(string, []phenolink.Call) error { return nil }), phenolink.EINVALID)
}

// wantCallsAtAsScanned fails the test unless CallsAt at positions gives
// every stored record, in order, with the calls ScanGenomes gives at them
// (NotOnChip past a record's end), and visits exactly profiles; it returns
// what CallsAt gave.
func wantCallsAtAsScanned(t *testing.T, s Store, positions []int, profiles ...string) map[string][]phenolink.Call {
	t.Helper()
	got, order := callsAt(t, s, positions)
	var scanned []string
	err := s.ScanGenomes(t.Context(), func(profileID string, calls []phenolink.Call) error {
		scanned = append(scanned, profileID)
		want := make([]phenolink.Call, len(positions))
		for i, p := range positions {
			if p < len(calls) {
				want[i] = calls[p]
			}
		}
		if !slices.Equal(got[profileID], want) {
			t.Errorf("CallsAt(%v) of %s = %v; ScanGenomes gives %v", positions, profileID, got[profileID], want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, scanned) || !slices.Equal(order, profiles) {
		t.Errorf("CallsAt visited %v, ScanGenomes %v; want %v", order, scanned, profiles)
	}
	return got
}

// testCallsAtLongRecords reads records of thousands of markers, which a
// store may keep in pieces for CallsAt, at and around every power-of-two
// boundary a piece could end at, through re-imports that change and
// shorten a record and a deletion.
func testCallsAtLongRecords(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	long := synthGenome("rs", 3000, 1)
	part := func(n int, seed uint64) genomeImport {
		g := synthGenome("rs", 3000, seed)
		return genomeImport{markers: g.markers[:n], calls: g.calls[:n]}
	}
	save(t, s, "p1", long)
	save(t, s, "p2", part(2049, 2))
	save(t, s, "p3", part(700, 3))
	var positions []int
	for _, edge := range []int{128, 256, 512, 1024, 2048} {
		positions = append(positions, edge-1, edge, edge+1)
	}
	positions = append(positions, 0, 699, 700, 2999, 3000, 4100)
	wantCallsAtAsScanned(t, s, positions, "p1", "p2", "p3")
	for _, p := range positions[:5] {
		wantCallsAtAsScanned(t, s, []int{p}, "p1", "p2", "p3")
	}

	// New calls, and a record shorter than before: nothing of the old
	// one may show, past the new end least of all.
	save(t, s, "p1", part(600, 4))
	wantCallsAtAsScanned(t, s, positions, "p1", "p2", "p3")
	got, _ := callsAt(t, s, []int{599, 600, 2999})
	if got["p1"][1] != phenolink.NotOnChip || got["p1"][2] != phenolink.NotOnChip {
		t.Errorf("CallsAt past p1's shortened record = %v, want NotOnChip", got["p1"][1:])
	}
	save(t, s, "p3", long)
	wantCallsAtAsScanned(t, s, positions, "p1", "p2", "p3")

	if err := s.DeleteGenome(ctx, "p2"); err != nil {
		t.Fatal(err)
	}
	wantCallsAtAsScanned(t, s, positions, "p1", "p3")
}
