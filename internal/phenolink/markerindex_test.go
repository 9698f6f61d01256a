package phenolink

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

func TestMarkerIndexLookupAndTruncate(t *testing.T) {
	x := NewMarkerIndex()
	const n = 5000 // several rehashes
	for i := range n {
		x.Append(Marker{ID: fmt.Sprintf("rs%d", i), Chrom: Chromosome(1 + i%25), Pos: uint32(i)})
	}
	for _, i := range []int{0, 1, 777, n - 1} {
		if p, ok := x.Lookup(fmt.Sprintf("rs%d", i)); !ok || p != i {
			t.Errorf("Lookup(rs%d) = %d, %v; want %d", i, p, ok, i)
		}
	}
	if _, ok := x.Lookup("rs-missing"); ok {
		t.Error("Lookup of a missing id found it")
	}
	x.Truncate(100)
	if x.Len() != 100 {
		t.Fatalf("Len after Truncate(100) = %d", x.Len())
	}
	if _, ok := x.Lookup("rs100"); ok {
		t.Error("Lookup found a truncated marker")
	}
	if p, ok := x.Lookup("rs99"); !ok || p != 99 {
		t.Errorf("Lookup(rs99) after truncating = %d, %v", p, ok)
	}
	x.Append(Marker{ID: "rs4000", Chrom: 1, Pos: 1})
	if p, ok := x.Lookup("rs4000"); !ok || p != 100 || x.Marker(100).ID != "rs4000" {
		t.Errorf("a marker appended after truncating is at %d, %v", p, ok)
	}
}

func TestMergeGenome(t *testing.T) {
	x := NewMarkerIndex()
	info := GenomeInfo{ProfileID: "p1", Source: GenomeSourceFile, Build: GenomeBuild}
	m, err := x.MergeGenome(info, []Marker{{"rs1", 1, 10}, {"rs2", ChromosomeX, 20}}, []Call{0x13, 0x10})
	if err != nil {
		t.Fatal(err)
	}
	if m.From != 0 || x.Len() != 2 || !reflect.DeepEqual(m.Record, []Call{0x13, 0x10}) || m.Info.Called != 2 {
		t.Errorf("first merge = %+v", m)
	}
	// rs2 is known (at another position), rs3 is new, rs1 is missing.
	m, err = x.MergeGenome(info, []Marker{{"rs3", 2, 30}, {"rs2", ChromosomeX, 21}}, []Call{NoCall, 0x20})
	if err != nil {
		t.Fatal(err)
	}
	want := []Call{NotOnChip, 0x20, NoCall}
	if m.From != 2 || x.Len() != 3 || x.Marker(2) != (Marker{"rs3", 2, 30}) || !reflect.DeepEqual(m.Record, want) ||
		m.Info.Mismatches != 1 || m.Info.MarkerCount != 2 || m.Info.Called != 1 || m.Info.CallRate != 0.5 {
		t.Errorf("second merge = %+v; want rs3 added, record %v, one mismatch, 1 of 2 called", m, want)
	}
	if x.Marker(1).Pos != 20 {
		t.Error("a mismatching import moved an indexed marker")
	}
	// Failures leave the index as it was.
	for _, bad := range []struct {
		markers []Marker
		calls   []Call
	}{
		{[]Marker{{"rs9", 1, 1}, {"rs9", 1, 1}}, []Call{0x11, 0x11}},
		{[]Marker{{"rs9", 1, 1}, {"rs 10", 1, 1}}, []Call{0x11, 0x11}},
		{[]Marker{{"rs9", 1, 1}, {"rs10", 0, 1}}, []Call{0x11, 0x11}},
		{[]Marker{{"rs9", 1, 1}, {"rs10", 1, 1}}, []Call{0x11, 0x31}},
		{[]Marker{{"rs1", 1, 10}, {"rs9", 1, 1}, {"rs1", 1, 10}}, []Call{0x11, 0x11, 0x11}},
		{[]Marker{{"rs9", 1, 1}, {"rs2", ChromosomeX, 20}, {"rs10", 1, 2}, {"rs9", 1, 1}}, []Call{0x11, 0x11, 0x11, 0x11}},
	} {
		if _, err := x.MergeGenome(info, bad.markers, bad.calls); ErrorCode(err) != EINVALID {
			t.Errorf("MergeGenome(%v) = %v, want EINVALID", bad.markers, err)
		}
		if x.Len() != 3 {
			t.Fatalf("a failed merge left %d markers, want 3", x.Len())
		}
		if _, ok := x.Lookup("rs9"); ok {
			t.Fatalf("a failed merge of %v left rs9 in the index", bad.markers)
		}
	}
}

func TestMarkerBlocksRoundTrip(t *testing.T) {
	var ms []Marker
	for i := range MarkerBlockSize + 10 {
		ms = append(ms, Marker{ID: fmt.Sprintf("i%d", i), Chrom: Chromosome(1 + i%25), Pos: uint32(i * 3)})
	}
	from := NewMarkerIndex()
	for _, m := range ms {
		from.Append(m)
	}
	var blocks []MarkerBlock
	for p := 0; p < from.Len(); p += MarkerBlockSize {
		blocks = append(blocks, from.Block(p))
	}
	if len(blocks) != 2 || blocks[1].First != MarkerBlockSize || blocks[1].Len() != 10 {
		t.Fatalf("Block made %d blocks", len(blocks))
	}
	if b := from.Block(from.Len()); b.Len() != 0 || len(b.IDs) != 0 {
		t.Errorf("Block at the index's end has %d markers", b.Len())
	}
	x := NewMarkerIndex()
	var got []Marker
	for _, b := range blocks {
		if err := x.AppendBlock(b); err != nil {
			t.Fatal(err)
		}
		var err error
		if got, err = BlockMarkers(got, b); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(got, ms) {
		t.Error("BlockMarkers did not give back the markers")
	}
	if p, ok := x.Lookup(fmt.Sprintf("i%d", MarkerBlockSize+3)); !ok || p != MarkerBlockSize+3 || x.Marker(p) != ms[p] {
		t.Errorf("Lookup after AppendBlock = %d, %v", p, ok)
	}
	if err := x.AppendBlock(blocks[0]); err == nil {
		t.Error("AppendBlock accepted a block that does not start at the index's end")
	}
}

func TestJobValidateAndBackoff(t *testing.T) {
	ok := Job{Kind: JobImportGenome, UserID: "u1"}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v", ok, err)
	}
	big := ok
	big.Payload = make([]byte, MaxJobPayload+1)
	if err := big.Validate(); ErrorCode(err) != ETOOLARGE {
		t.Errorf("Validate with a %d-byte payload = %v, want ETOOLARGE", len(big.Payload), err)
	}
	for _, attempts := range []struct {
		n    int
		want time.Duration
	}{{1, 10 * time.Second}, {2, 40 * time.Second}, {3, 160 * time.Second}, {20, 30 * time.Minute}} {
		if got := JobBackoff(attempts.n); got != attempts.want {
			t.Errorf("JobBackoff(%d) = %v, want %v", attempts.n, got, attempts.want)
		}
	}
}

func TestStagedGenomeRoundTrip(t *testing.T) {
	g := StagedGenome{
		Info:    GenomeInfo{ProfileID: "p1", Source: GenomeSourceFile, Build: GenomeBuild, Chip: "v5"},
		Markers: []Marker{{"rs1", 1, 10}, {"i2", ChromosomeMT, 4294967}, {"rs3", ChromosomeX, 0}},
		Calls:   []Call{0x13, NoCall, 0x40},
	}
	b, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got StagedGenome
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, g) {
		t.Errorf("round trip = %+v, want %+v", got, g)
	}
	for _, damaged := range [][]byte{nil, b[:len(b)-1], append([]byte("X"), b...), append(b[:len(b):len(b)], 0)} {
		if err := new(StagedGenome).UnmarshalBinary(damaged); ErrorCode(err) != EINVALID {
			t.Errorf("UnmarshalBinary of %d damaged bytes = %v, want EINVALID", len(damaged), err)
		}
	}
}

func BenchmarkStagedGenome960k(b *testing.B) {
	g := StagedGenome{Info: GenomeInfo{ProfileID: "p1", Source: GenomeSourceFile, Build: GenomeBuild}}
	for i := range 960_000 {
		g.Markers = append(g.Markers, Marker{ID: fmt.Sprintf("rs%d", 1000+7*i), Chrom: Chromosome(1 + i/40_000), Pos: uint32(100 * i)})
		g.Calls = append(g.Calls, 0x13)
	}
	data, err := g.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := g.MarshalBinary(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var got StagedGenome
			if err := got.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
