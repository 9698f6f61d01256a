package scan

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

func sampleResults() Results {
	return Results{
		{Marker: phenolink.Marker{ID: "rs1", Chrom: 1, Pos: 752566}, A1: "G", A2: "A", N: 1999, MAF: 0.17, Beta: -0.25, SE: 0.04, Stat: -6.25, P: 4.1e-10, Log10P: 9.387},
		{Marker: phenolink.Marker{ID: "i7001234", Chrom: phenolink.ChromosomeX, Pos: 1}, A1: "D", A2: "I", N: 12, MAF: 0.5, Beta: 3, SE: 1, Stat: 3, P: 0, Log10P: 412.5},
		{Marker: phenolink.Marker{ID: "rs3", Chrom: phenolink.ChromosomeMT, Pos: math.MaxInt32}, A1: "T", A2: "C", N: 40, MAF: 0.01, Beta: math.Inf(1), SE: 0, Stat: 0, P: 1, Log10P: 0},
	}
}

func TestEncodingRoundTrip(t *testing.T) {
	for _, r := range []Results{sampleResults(), {}} {
		b, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(r) {
			t.Fatalf("decoded %d results, want %d", len(got), len(r))
		}
		for i := range r {
			if got[i] != r[i] {
				t.Errorf("result %d = %+v, want %+v", i, got[i], r[i])
			}
		}
	}
}

// reseal replaces the checksum so that a damaged body reaches the field
// checks.
func reseal(b []byte) []byte {
	body := b[:len(b)-4]
	return binary.LittleEndian.AppendUint32(bytes.Clone(body), crc32.ChecksumIEEE(body))
}

func TestDecodeRefusesDamage(t *testing.T) {
	good, err := sampleResults().Encode()
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[20] ^= 0x40
	badVersion := bytes.Clone(good)
	badVersion[4] = 9
	hugeCount := append([]byte("PLSR\x01"), binary.AppendUvarint(nil, 1<<40)...)
	hugeCount = binary.LittleEndian.AppendUint32(hugeCount, crc32.ChecksumIEEE(hugeCount))
	badChrom := bytes.Clone(good)
	badChrom[5+1+1+3] = 99 // count, id length, "rs1", then the chromosome
	longAllele := append([]byte("PLSR\x01\x01\x03rs1\x01\x01\x50"), bytes.Repeat([]byte{'A'}, 80)...)
	longAllele = append(longAllele, make([]byte, 60)...)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "not scan results"},
		{"other data", []byte("PNG\x89 not results at all"), "not scan results"},
		{"bit flip", flipped, "checksum"},
		{"cut short", good[:len(good)-10], "checksum"},
		{"cut short, resealed", reseal(append(bytes.Clone(good[:len(good)-14]), 0, 0, 0, 0)), "cut short"},
		{"trailing bytes, resealed", reseal(append(bytes.Clone(good[:len(good)-4]), 0, 0, 0, 0, 0)), "trailing"},
		{"unknown version", badVersion, "version 9"},
		{"huge count", hugeCount, "result count"},
		{"invalid chromosome", reseal(badChrom), "chromosome"},
		{"over-long allele", reseal(append(longAllele, 0, 0, 0, 0)), "over-long"},
		{"too large", make([]byte, phenolink.MaxScanResults+1), "bound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.in)
			if err == nil || !strings.Contains(phenolink.ErrorMessage(err), tt.want) || got != nil {
				t.Errorf("Decode: %d results, %v; want an error saying %q", len(got), err, tt.want)
			}
		})
	}
}

func TestTopHits(t *testing.T) {
	r := sampleResults()
	top := r.TopHits(2)
	if len(top) != 2 || top[0].Marker.ID != "i7001234" || top[1].Marker.ID != "rs1" {
		t.Errorf("TopHits(2) = %+v", top)
	}
	if len(r.TopHits(10)) != 3 || r.TopHits(0) != nil {
		t.Error("TopHits does not bound n")
	}
}

// TestTopHitsMatchesASortedScan checks the selection against sorting the
// whole scan by p, ties in index order, on results with many tied p-values.
func TestTopHitsMatchesASortedScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := make(Results, 5000)
	for i := range r {
		r[i].Marker.ID = fmt.Sprintf("rs%d", i)
		r[i].Log10P = float64(rng.IntN(300)) / 10
	}
	idx := make([]int, len(r))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return -cmpLog10P(r[a].Log10P, r[b].Log10P) })
	for _, n := range []int{1, 2, 20, 299, len(r), len(r) + 5} {
		top := r.TopHits(n)
		if len(top) != min(n, len(r)) {
			t.Fatalf("TopHits(%d) gave %d results", n, len(top))
		}
		for k, h := range top {
			if want := r[idx[k]].Marker.ID; h.Marker.ID != want {
				t.Fatalf("TopHits(%d)[%d] = %s (-log10 p %g), want %s (%g)", n, k, h.Marker.ID, h.Log10P, want, r[idx[k]].Log10P)
			}
		}
	}
}

func TestWriteCSV(t *testing.T) {
	var b strings.Builder
	if err := WriteCSV(&b, sampleResults()[:2]); err != nil {
		t.Fatal(err)
	}
	want := csvHeader +
		"1,752566,rs1,G,A,1999,0.17,-0.25,0.04,-6.25,4.1e-10,9.387\n" +
		"X,1,i7001234,D,I,12,0.5,3,1,3,0,412.5\n"
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
}
