package phenolink

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// stagedSample has ids of every kind the format tells apart, positions that
// go down as well as up, and chromosomes that come back after a gap.
func stagedSample() StagedGenome {
	return StagedGenome{
		Info: GenomeInfo{ProfileID: "p-9", Source: GenomeSourceFile, Build: GenomeBuild, Chip: "v3"},
		Markers: []Marker{
			{"rs3094315", 1, 752566},
			{"rs12562034", 1, 768448},
			{"i713426", 1, 100},         // position goes down
			{"rs0", 2, 0},               // a lone zero digit is a leading zero: literal
			{"rs012", 2, math.MaxInt32}, // leading zero: literal
			{"i", 2, 5},                 // no digits: literal
			{"rs", ChromosomeX, 5},
			{"rs1234567890123456789", ChromosomeX, 6}, // too many digits: literal
			{"rs123456789012345678", ChromosomeX, 7},  // the most digits numbered
			{"VG01S1", ChromosomeY, 2781479},
			{"rs1a", 1, 752566}, // chromosome 1 again, same position as before
			{"I5", ChromosomeMT, 16569},
			{strings.Repeat("~", MaxMarkerIDLength), 22, 1},
		},
		Calls: []Call{0x13, NoCall, NotOnChip, 0x40, 0x11, 0x24, 0x33, 0x44, 0x12, 0x10, 0x56, 0x60, 0x77},
	}
}

func TestStagedGenomeFormatRoundTrip(t *testing.T) {
	for _, g := range []StagedGenome{stagedSample(), {Info: GenomeInfo{ProfileID: "p"}, Markers: []Marker{}, Calls: []Call{}}} {
		b, err := g.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != cap(b) {
			t.Errorf("MarshalBinary used %d of %d bytes; the buffer should be sized exactly", len(b), cap(b))
		}
		var got StagedGenome
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, g) {
			t.Errorf("round trip = %+v, want %+v", got, g)
		}
	}
}

func TestStagedGenomeMarshalRefusesBadMarkers(t *testing.T) {
	for name, g := range map[string]StagedGenome{
		"calls":      {Markers: []Marker{{"rs1", 1, 1}}},
		"chromosome": {Markers: []Marker{{"rs1", 0, 1}}, Calls: []Call{0}},
		"position":   {Markers: []Marker{{"rs1", 1, math.MaxInt32 + 1}}, Calls: []Call{0}},
		"id":         {Markers: []Marker{{"rs 1", 1, 1}}, Calls: []Call{0}},
	} {
		if _, err := g.MarshalBinary(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: MarshalBinary = %v, want EINVALID", name, err)
		}
	}
}

// stagedV1 writes a payload of the first format, which is refused now.
func stagedV1() []byte {
	b := []byte("PLGENOME1\n")
	b = binary.AppendUvarint(b, 2)
	b = append(b, "{}"...)
	b = binary.AppendUvarint(b, 1)
	b = append(b, "rs1\n"...)
	b = append(b, 1, 10, 0, 0, 0, 0x13)
	return b
}

func TestStagedGenomeDamaged(t *testing.T) {
	b, err := stagedSample().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	header := len(stagedMagic) + 1 + int(b[len(stagedMagic)]) // magic, info length, info
	damaged := map[string][]byte{
		"empty":          nil,
		"first format":   stagedV1(),
		"trailing byte":  append(b[:len(b):len(b)], 0),
		"huge count":     binary.AppendUvarint(bytes.Clone(b[:header]), MaxGenomeMarkers),
		"count past end": binary.AppendUvarint(bytes.Clone(b[:header]), 3),
		"bad varint":     append(bytes.Clone(b[:header]), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
	}
	for cut := range len(b) {
		damaged[fmt.Sprintf("cut at %d", cut)] = b[:cut]
	}
	for name, d := range damaged {
		err := new(StagedGenome).UnmarshalBinary(d)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "upload the file again") {
			t.Errorf("%s: UnmarshalBinary = %v, want EINVALID asking for the file again", name, err)
		}
	}
	// A literal id that claims more bytes than are left, a chromosome that
	// is not one, and a position below zero.
	one := func(id []byte, chrom byte, pos uint64) []byte {
		p := []byte(stagedMagic)
		p = binary.AppendUvarint(p, 2)
		p = append(p, "{}"...)
		p = binary.AppendUvarint(p, 1)
		p = append(p, id...)
		p = binary.AppendUvarint(p, 1)
		p = binary.AppendUvarint(append(p, chrom), 1)
		p = binary.AppendUvarint(p, pos)
		return append(p, 0x13)
	}
	good := one(binary.AppendUvarint(nil, 1<<idTagBits|idRS), 1, zigzag(10))
	if err := new(StagedGenome).UnmarshalBinary(good); err != nil {
		t.Fatalf("hand-written payload: %v", err)
	}
	for name, d := range map[string][]byte{
		"long literal":  one(binary.AppendUvarint(nil, 1000<<idTagBits|idLiteral), 1, zigzag(10)),
		"empty literal": one(binary.AppendUvarint(nil, idLiteral), 1, zigzag(10)),
		"space in id":   one(append(binary.AppendUvarint(nil, 1<<idTagBits|idLiteral), ' '), 1, zigzag(10)),
		"unknown tag":   one(binary.AppendUvarint(nil, 1<<idTagBits|3), 1, zigzag(10)),
		"chromosome 26": one(binary.AppendUvarint(nil, 1<<idTagBits|idRS), 26, zigzag(10)),
		"chromosome 0":  one(binary.AppendUvarint(nil, 1<<idTagBits|idRS), 0, zigzag(10)),
		"negative":      one(binary.AppendUvarint(nil, 1<<idTagBits|idRS), 1, zigzag(-1)),
		"past int32":    one(binary.AppendUvarint(nil, 1<<idTagBits|idRS), 1, zigzag(math.MaxInt32+1)),
	} {
		if err := new(StagedGenome).UnmarshalBinary(d); ErrorCode(err) != EINVALID {
			t.Errorf("%s: UnmarshalBinary = %v, want EINVALID", name, err)
		}
	}
}

// FuzzStagedGenome checks that any input is either refused with EINVALID
// or decodes to a genome that encodes and decodes to itself.
func FuzzStagedGenome(f *testing.F) {
	sample, err := stagedSample().MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add(stagedV1())
	f.Add([]byte(stagedMagic))
	f.Add(sample[:len(sample)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		var g StagedGenome
		if err := g.UnmarshalBinary(data); err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("UnmarshalBinary = %v, want EINVALID", err)
			}
			return
		}
		if len(g.Markers) > len(data) {
			t.Fatalf("%d bytes decoded to %d markers", len(data), len(g.Markers))
		}
		b, err := g.MarshalBinary()
		if err != nil {
			t.Fatalf("re-encoding a decoded genome: %v", err)
		}
		var again StagedGenome
		if err := again.UnmarshalBinary(b); err != nil {
			t.Fatalf("decoding a re-encoded genome: %v", err)
		}
		if !reflect.DeepEqual(again, g) {
			t.Fatalf("round trip = %+v, want %+v", again, g)
		}
	})
}

// staged960k is shaped like a v3 file: sorted by chromosome and position,
// rs ids in no particular order, some i ids.
func staged960k() StagedGenome {
	const n = 960_000
	g := StagedGenome{Info: GenomeInfo{ProfileID: "p1", Source: GenomeSourceFile, Build: GenomeBuild},
		Markers: make([]Marker, 0, n), Calls: make([]Call, 0, n)}
	calls := []Call{0x33, 0x13, 0x11, 0x24, 0x44, 0x22, NoCall}
	x := uint64(88172645463325252)
	for i := range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		id := fmt.Sprintf("rs%d", 1+x%1_200_000_000)
		if i%20 == 0 {
			id = fmt.Sprintf("i%d", 3_000_000+i)
		}
		g.Markers = append(g.Markers, Marker{ID: id, Chrom: Chromosome(1 + i*25/n), Pos: uint32(1000 + 3000*(i%(n/25)) + int(x%1000))})
		g.Calls = append(g.Calls, calls[x%uint64(len(calls))])
	}
	return g
}

func TestStagedGenomeSize(t *testing.T) {
	g := staged960k()
	b, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if per := float64(len(b)) / float64(len(g.Markers)); per > 8 {
		t.Errorf("a v3-shaped genome takes %.1f bytes a marker, want at most 8", per)
	}
	// The ids share one string, so decoding allocates a handful of times,
	// not once a marker.
	if allocs := testing.AllocsPerRun(2, func() {
		var got StagedGenome
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
	}); allocs > 20 {
		t.Errorf("UnmarshalBinary made %.0f allocations, want at most 20", allocs)
	}
}

func BenchmarkStagedGenomeV3(b *testing.B) {
	g := staged960k()
	data, err := g.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Marshal", func(b *testing.B) {
		b.ReportMetric(float64(len(data)), "payload-bytes")
		for b.Loop() {
			if _, err := g.MarshalBinary(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Unmarshal", func(b *testing.B) {
		b.ReportMetric(float64(len(data)), "payload-bytes")
		for b.Loop() {
			var got StagedGenome
			if err := got.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
