package storetest

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// genomeImport is one import: markers and their calls, index-aligned.
type genomeImport struct {
	markers []phenolink.Marker
	calls   []phenolink.Call
}

// parseImport reads lines of "id chromosome position call", call written as
// in the raw file ("__" for not on the chip).
func parseImport(t *testing.T, lines ...string) genomeImport {
	t.Helper()
	var g genomeImport
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 4 {
			t.Fatalf("import line %q: want id, chromosome, position and call", l)
		}
		chrom, err := phenolink.ParseChromosome(f[1])
		if err != nil {
			t.Fatal(err)
		}
		pos, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			t.Fatal(err)
		}
		call, err := phenolink.ParseCall(f[3])
		if err != nil {
			t.Fatal(err)
		}
		g.markers = append(g.markers, phenolink.Marker{ID: f[0], Chrom: chrom, Pos: uint32(pos)})
		g.calls = append(g.calls, call)
	}
	return g
}

// fileInfo describes an import from a raw file for the profile.
func fileInfo(profileID string) phenolink.GenomeInfo {
	return phenolink.GenomeInfo{ProfileID: profileID, Source: phenolink.GenomeSourceFile, Build: phenolink.GenomeBuild, Chip: "v5"}
}

// save stores g as the profile's record or fails the test.
func save(t *testing.T, s Store, profileID string, g genomeImport) phenolink.GenomeInfo {
	t.Helper()
	info, err := s.SaveGenome(t.Context(), fileInfo(profileID), g.markers, g.calls)
	if err != nil {
		t.Fatalf("SaveGenome(%s): %v", profileID, err)
	}
	return info
}

// storedCalls reads every record through Markers and ScanGenomes and returns
// each profile's calls by marker id, NotOnChip included.
func storedCalls(t *testing.T, s Store) map[string]map[string]phenolink.Call {
	t.Helper()
	markers, err := s.Markers(t.Context())
	if err != nil {
		t.Fatalf("Markers: %v", err)
	}
	all := map[string]map[string]phenolink.Call{}
	err = s.ScanGenomes(t.Context(), func(profileID string, calls []phenolink.Call) error {
		if len(calls) != len(markers) {
			t.Errorf("ScanGenomes gave %s %d calls for an index of %d markers", profileID, len(calls), len(markers))
		}
		byID := map[string]phenolink.Call{}
		for i, m := range markers {
			byID[m.ID] = calls[i]
		}
		all[profileID] = byID
		return nil
	})
	if err != nil {
		t.Fatalf("ScanGenomes: %v", err)
	}
	return all
}

// indexLen returns the number of markers in the shared index.
func indexLen(t *testing.T, s Store) int {
	t.Helper()
	ms, err := s.Markers(t.Context())
	if err != nil {
		t.Fatalf("Markers: %v", err)
	}
	return len(ms)
}

// wantCalls fails unless the profile's stored calls are those of g, with
// every other indexed marker NotOnChip.
func wantCalls(t *testing.T, s Store, profileID string, g genomeImport) {
	t.Helper()
	got, ok := storedCalls(t, s)[profileID]
	if !ok {
		t.Fatalf("ScanGenomes did not visit %s", profileID)
	}
	want := map[string]phenolink.Call{}
	for id := range got {
		want[id] = phenolink.NotOnChip
	}
	for i, m := range g.markers {
		want[m.ID] = g.calls[i]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored calls of %s = %v, want %v", profileID, got, want)
	}
}

// withGenomeUsers saves user u1 with profiles p1 and p2 and u2 with p3.
func withGenomeUsers(t *testing.T, s Store) {
	t.Helper()
	if err := s.SaveUser(t.Context(), user("u1"), []phenolink.Profile{profile("p1", "u1"), profile("p2", "u1")}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveUser(t.Context(), user("u2"), []phenolink.Profile{profile("p3", "u2")}); err != nil {
		t.Fatal(err)
	}
}

func testGenomeRoundTrip(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	g := parseImport(t,
		"rs1 1 100 AG",
		"rs2 1 200 --",
		"rs3 X 300 A", // haploid
		"rs4 MT 50 G",
		"i5 2 10 __", // listed, but not on the chip
		"rs6 22 5 DI",
		"rs7 Y 7 T",
	)
	start := time.Now()
	saved := save(t, s, "p1", g)
	if saved.MarkerCount != 6 || saved.Called != 5 || saved.CallRate != 5.0/6 || saved.Mismatches != 0 {
		t.Errorf("SaveGenome info = %+v; want 6 markers, 5 called, call rate 5/6, no mismatches", saved)
	}
	got, err := s.Genome(ctx, "p1")
	if err != nil {
		t.Fatalf("Genome: %v", err)
	}
	if !within(got.ImportedAt, start, time.Now()) {
		t.Errorf("ImportedAt = %v, want the time of saving", got.ImportedAt)
	}
	if got.Source != phenolink.GenomeSourceFile || got.Build != 37 || got.Chip != "v5" ||
		got.MarkerCount != 6 || got.Called != 5 || got.CallRate != 5.0/6 || !got.ImportedAt.Equal(saved.ImportedAt) {
		t.Errorf("Genome = %+v, want what SaveGenome returned: %+v", got, saved)
	}
	wantCalls(t, s, "p1", g)

	counts, err := s.ChromosomeCounts(ctx, "p1")
	if err != nil {
		t.Fatalf("ChromosomeCounts: %v", err)
	}
	wantCounts := []phenolink.ChromosomeCount{
		{Chrom: 1, Markers: 2, Called: 1},
		{Chrom: 22, Markers: 1, Called: 1},
		{Chrom: phenolink.ChromosomeX, Markers: 1, Called: 1},
		{Chrom: phenolink.ChromosomeY, Markers: 1, Called: 1},
		{Chrom: phenolink.ChromosomeMT, Markers: 1, Called: 1},
	}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("ChromosomeCounts = %+v, want %+v", counts, wantCounts)
	}

	for _, call := range []func() error{
		func() error { _, err := s.Genome(ctx, "p2"); return err },
		func() error { _, err := s.ChromosomeCounts(ctx, "p2"); return err },
		func() error { _, err := s.GenotypeCalls(ctx, "p2", phenolink.GenotypeQuery{}); return err },
	} {
		wantCode(t, call(), phenolink.ENOTFOUND)
	}
}

func testGenomeIndexGrows(t *testing.T, h Harness) {
	ctx := t.Context()
	open := h.NewDatabase(t)
	s := open(box(t, testKey))
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	withGenomeUsers(t, s)
	g1 := parseImport(t, "rs1 1 100 AA", "rs2 1 200 CC", "rs3 2 300 GG")
	g2 := parseImport(t, "rs2 1 200 CT", "rs3 2 999 GT", "rs4 3 400 AT") // rs3 moved: the index keeps 2:300
	save(t, s, "p1", g1)
	if info := save(t, s, "p2", g2); info.Mismatches != 1 {
		t.Errorf("importing a marker at another position: Mismatches = %d, want 1", info.Mismatches)
	}
	// Another process adds a marker; this one's cached index must pick
	// it up before adding its own.
	other := open(box(t, testKey))
	g3 := parseImport(t, "rs5 4 500 AC")
	if _, err := other.SaveGenome(ctx, fileInfo("p3"), g3.markers, g3.calls); err != nil {
		t.Fatal(err)
	}
	g4 := parseImport(t, "rs1 1 100 AC", "rs6 5 600 TT")
	save(t, s, "p3", g4)

	markers, err := s.Markers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := parseImport(t, "rs1 1 100 --", "rs2 1 200 --", "rs3 2 300 --", "rs4 3 400 --", "rs5 4 500 --", "rs6 5 600 --").markers
	if !reflect.DeepEqual(markers, want) {
		t.Errorf("Markers = %v, want %v", markers, want)
	}
	wantCalls(t, s, "p1", g1)
	wantCalls(t, s, "p2", g2)
	wantCalls(t, s, "p3", g4)
	if n := indexLen(t, s); n != len(want) {
		t.Errorf("markers has %d rows, want %d", n, len(want))
	}
}

func testGenomeReimport(t *testing.T, h Harness) {
	s := migrated(t, h)
	withGenomeUsers(t, s)
	first := save(t, s, "p1", parseImport(t, "rs1 1 100 AA", "rs2 1 200 CC"))
	time.Sleep(2 * time.Millisecond) // so ImportedAt visibly moves
	g := parseImport(t, "rs2 1 200 --", "rs9 9 900 AG")
	info := fileInfo("p1")
	info.Source, info.Chip = phenolink.GenomeSourceAPI, ""
	if _, err := s.SaveGenome(t.Context(), info, g.markers, g.calls); err != nil {
		t.Fatalf("SaveGenome again: %v", err)
	}
	wantCalls(t, s, "p1", g) // rs1 is not on the new chip any more
	got, err := s.Genome(t.Context(), "p1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != phenolink.GenomeSourceAPI || got.Chip != "" || got.MarkerCount != 2 || got.Called != 1 || !got.ImportedAt.After(first.ImportedAt) {
		t.Errorf("Genome after re-import = %+v; want the new import's info", got)
	}
	wantCounts(t, h, s, map[string]int{"users": 2, "profiles": 3, "genomes": 1, "genome_chunks": 1})
}

func testGenomeFailedSave(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	g := parseImport(t, "rs1 1 100 AA", "rs2 1 200 CC")
	before := save(t, s, "p1", g)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		profileID string
		g         genomeImport
		code      string
	}{
		{"marker listed twice", ctx, "p1", parseImport(t, "rsA 1 1 AA", "rsB 1 2 AA", "rs1 1 100 AA", "rsA 1 1 AA"), phenolink.EINVALID},
		{"invalid marker at the end", ctx, "p1", genomeImport{
			markers: append(parseImport(t, "rsC 1 3 AA").markers, phenolink.Marker{ID: "rsD"}),
			calls:   []phenolink.Call{0x11, 0x11},
		}, phenolink.EINVALID},
		{"malformed call", ctx, "p1", genomeImport{parseImport(t, "rsE 1 4 AA").markers, []phenolink.Call{0x80}}, phenolink.EINVALID},
		// The profile is checked last, after new markers were written.
		{"missing profile", ctx, "nobody", parseImport(t, "rsF 1 5 AA", "rsG 1 6 AA"), phenolink.ENOTFOUND},
		{"cancelled context", cancelled, "p1", parseImport(t, "rsH 1 7 AA"), phenolink.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.SaveGenome(tt.ctx, fileInfo(tt.profileID), tt.g.markers, tt.g.calls)
			if err == nil {
				t.Fatal("SaveGenome succeeded")
			}
			if tt.code != phenolink.EINTERNAL {
				wantCode(t, err, tt.code)
			} else if !errors.Is(err, context.Canceled) {
				t.Errorf("SaveGenome with a cancelled context: %v, want context.Canceled", err)
			}
			wantCalls(t, s, "p1", g)
			if got, err := s.Genome(ctx, "p1"); err != nil || !got.ImportedAt.Equal(before.ImportedAt) {
				t.Errorf("Genome after a failed import = %+v, %v; want the previous record", got, err)
			}
			if n := indexLen(t, s); n != 2 {
				t.Errorf("a failed import left %d markers in the index, want 2", n)
			}
		})
	}
	// After the failures the index still grows densely.
	g2 := parseImport(t, "rsG 1 6 AA", "rs1 1 100 AC")
	save(t, s, "p1", g2)
	markers, err := s.Markers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := parseImport(t, "rs1 1 100 --", "rs2 1 200 --", "rsG 1 6 --").markers; !reflect.DeepEqual(markers, want) {
		t.Errorf("Markers after failed imports and a good one = %v, want %v", markers, want)
	}
	wantCalls(t, s, "p1", g2)
}

func testGenomeRefused(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	g := parseImport(t, "rs1 1 100 AA")
	build36, api := fileInfo("p1"), fileInfo("p1")
	build36.Build, api.Source = 36, "ftp"
	tests := []struct {
		name    string
		info    phenolink.GenomeInfo
		markers []phenolink.Marker
		calls   []phenolink.Call
		code    string
	}{
		{"build 36", build36, g.markers, g.calls, phenolink.EINVALID},
		{"unknown source", api, g.markers, g.calls, phenolink.EINVALID},
		{"no profile id", phenolink.GenomeInfo{Source: "file", Build: 37}, g.markers, g.calls, phenolink.EINVALID},
		{"calls and markers differ", fileInfo("p1"), g.markers, nil, phenolink.EINVALID},
		{"empty", fileInfo("p1"), nil, nil, phenolink.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.SaveGenome(ctx, tt.info, tt.markers, tt.calls)
			wantCode(t, err, tt.code)
		})
	}
	wantCounts(t, h, s, map[string]int{"users": 2, "profiles": 3})
	if n := indexLen(t, s); n != 0 {
		t.Errorf("refused imports left %d markers", n)
	}

	// An import tied to a job stores only while that job runs.
	id, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	tied := fileInfo("p1")
	tied.JobID = id
	_, err = s.SaveGenome(ctx, tied, g.markers, g.calls)
	wantCode(t, err, phenolink.ECONFLICT) // queued, not running
	if _, err := s.Claim(ctx, []string{phenolink.JobImportGenome}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveGenome(ctx, tied, g.markers, g.calls); err != nil {
		t.Errorf("SaveGenome for a running job: %v", err)
	}
}

func testDeleteGenome(t *testing.T, h Harness) {
	ctx := t.Context()
	s := migrated(t, h)
	withGenomeUsers(t, s)
	g := parseImport(t, "rs1 1 100 AA", "rs2 1 200 CC")
	for _, p := range []string{"p1", "p2"} {
		save(t, s, p, g)
		if _, err := s.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobImportGenome, UserID: "u1", ProfileID: p, Payload: []byte("staged")}); err != nil {
			t.Fatal(err)
		}
	}
	wantCounts(t, h, s, map[string]int{"users": 2, "profiles": 3, "genomes": 2, "genome_chunks": 2, "jobs": 2})
	for range 2 { // deleting a missing record is not an error
		if err := s.DeleteGenome(ctx, "p1"); err != nil {
			t.Fatalf("DeleteGenome: %v", err)
		}
	}
	wantCounts(t, h, s, map[string]int{"users": 2, "profiles": 3, "genomes": 1, "genome_chunks": 1, "jobs": 1})
	_, err := s.Genome(ctx, "p1")
	wantCode(t, err, phenolink.ENOTFOUND)
	_, err = s.LatestJob(ctx, "p1", phenolink.JobImportGenome)
	wantCode(t, err, phenolink.ENOTFOUND)
	wantCalls(t, s, "p2", g)
	if n := indexLen(t, s); n != 2 {
		t.Errorf("the shared index has %d markers after a deletion, want 2", n)
	}
}
