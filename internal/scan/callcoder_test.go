package scan

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
	"phenolink/internal/scan/scantest"
)

// recordStore hands out fixed records, some shorter than the index, through
// ScanGenomeRecords as stored or through ScanGenomes padded.
type recordStore struct {
	phenolink.GenotypeStore
	ids     []string
	records [][]phenolink.Call
	markers int
	padded  bool // offer only ScanGenomes
}

func (s *recordStore) ScanGenomes(ctx context.Context, fn func(string, []phenolink.Call) error) error {
	buf := make([]phenolink.Call, s.markers)
	for i, id := range s.ids {
		clear(buf)
		copy(buf, s.records[i])
		if err := fn(id, buf); err != nil {
			return err
		}
	}
	return nil
}

// recordScanner adds ScanGenomeRecords to a recordStore.
type recordScanner struct{ *recordStore }

func (s recordScanner) ScanGenomeRecords(ctx context.Context, fn func(string, []phenolink.Call) error) error {
	for i, id := range s.ids {
		if err := fn(id, s.records[i]); err != nil {
			return err
		}
	}
	return nil
}

// randomRecords makes records with every kind of call: mostly two alleles
// per marker, some haploid, no-calls, calls not on the chip and calls with
// a third allele; every seventh record stops short of the index.
func randomRecords(profiles, markers int, seed uint64) *recordStore {
	r := rand.New(rand.NewPCG(seed, 9))
	type pair struct{ a, b uint8 }
	alleles := make([]pair, markers)
	for j := range alleles {
		a := uint8(1 + r.IntN(6))
		b := uint8(1 + (int(a)+r.IntN(5))%6)
		alleles[j] = pair{a, b}
	}
	s := &recordStore{markers: markers}
	for p := range profiles {
		n := markers
		if p%7 == 3 {
			n = r.IntN(markers)
		}
		rec := make([]phenolink.Call, n)
		for j := range rec {
			al := alleles[j]
			pick := func() uint8 {
				if r.IntN(3) == 0 {
					return al.b
				}
				return al.a
			}
			switch k := r.IntN(100); {
			case k < 2:
				rec[j] = phenolink.NoCall
			case k < 4:
				rec[j] = phenolink.NotOnChip
			case k < 7:
				rec[j] = phenolink.Call(pick() << 4) // haploid
			case k < 8:
				x, y := uint8(1+r.IntN(6)), pick()
				rec[j] = phenolink.Call(min(x, y)<<4 | max(x, y))
			default:
				x, y := pick(), pick()
				rec[j] = phenolink.Call(min(x, y)<<4 | max(x, y))
			}
		}
		s.ids = append(s.ids, fmt.Sprintf("p%05d", p))
		s.records = append(s.records, rec)
	}
	return s
}

// referenceCodes codes the records call by call, the slow way: a marker's
// .bim alleles are the first two seen in profile order, a haploid call
// counts as homozygous, and a call with a third allele is missing.
func referenceCodes(s *recordStore) (codes [][]uint8, alleles [][2]uint8, conflicts []uint32) {
	alleles = make([][2]uint8, s.markers)
	conflicts = make([]uint32, s.markers)
	codes = make([][]uint8, len(s.records))
	for p, rec := range s.records {
		codes[p] = make([]uint8, s.markers)
		for j := range s.markers {
			codes[p][j] = plinkfile.Missing
			if j >= len(rec) || !rec[j].IsCalled() {
				continue
			}
			a, b := rec[j].First(), rec[j].Second()
			if b == phenolink.AlleleNone {
				b = a
			}
			sa, sb := slot(&alleles[j], a), slot(&alleles[j], b)
			if sa < 0 || sb < 0 {
				conflicts[j]++
				continue
			}
			codes[p][j] = [3]uint8{plinkfile.HomAllele1, plinkfile.Het, plinkfile.HomAllele2}[sa+sb]
		}
	}
	return codes, alleles, conflicts
}

// TestReadMatrixCodesEveryCall checks the word-at-a-time coding against
// the call-by-call reference: over more than one group, over markers split
// among goroutines, with an index that is not a whole number of words and
// records shorter than the index, read as stored and padded.
func TestReadMatrixCodesEveryCall(t *testing.T) {
	for _, size := range [][2]int{{groupSize + 9, 1003}, {13, parallelMarkers + 13}} {
		profiles, markers := size[0], size[1]
		s := randomRecords(profiles, markers, uint64(markers))
		want, wantAlleles, wantConflicts := referenceCodes(s)
		for _, padded := range []bool{false, true} {
			t.Run(fmt.Sprintf("%dx%d/padded=%v", profiles, markers, padded), func(t *testing.T) {
				var gs phenolink.GenotypeStore = recordScanner{s}
				if padded {
					gs = s
				}
				g, err := readMatrix(t.Context(), gs, make([]phenolink.Marker, markers), func(string) bool { return true }, profiles, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(g.ids, s.ids) {
					t.Fatalf("read %d samples, want %d in profile order", len(g.ids), len(s.ids))
				}
				if !slices.Equal(g.alleles, wantAlleles) || !slices.Equal(g.conflicts, wantConflicts) {
					t.Fatal("alleles or conflict counts differ from the call-by-call reference")
				}
				for j := range markers {
					rec := g.record(j)
					for p := range profiles {
						if got := plinkfile.Genotype(rec, p); got != want[p][j] {
							t.Fatalf("profile %d marker %d (call %v): code %d, want %d", p, j, callAt(s.records[p], j), got, want[p][j])
						}
					}
					if pad := rec[len(rec)-1] >> (2 * (profiles % 4)); profiles%4 != 0 && pad != 0 {
						t.Fatalf("marker %d: padding bits %b are not zero", j, pad)
					}
				}
			})
		}
	}
}

func callAt(rec []phenolink.Call, j int) phenolink.Call {
	if j < len(rec) {
		return rec[j]
	}
	return phenolink.NotOnChip
}

// TestCodeWords checks the word-wide comparisons on the edge values of a
// byte, in each byte of the word, for a marker whose alleles are A and T.
func TestCodeWords(t *testing.T) {
	for _, tt := range []struct {
		call phenolink.Call
		code byte
	}{
		{0x11, plinkfile.HomAllele1},
		{0x14, plinkfile.Het},
		{0x44, plinkfile.HomAllele2},
		{phenolink.NotOnChip, plinkfile.Missing},
		{phenolink.NoCall, plinkfile.Missing},
		{0x10, plinkfile.HomAllele1}, // haploid A
		{0x40, plinkfile.HomAllele2}, // haploid T
		{0x20, plinkfile.Missing},    // haploid C, a third allele
		{0x12, plinkfile.Missing},    // a third allele
		{0x24, plinkfile.Missing},
	} {
		for at := range 8 {
			alleles, conflicts := make([][2]uint8, 8), make([]uint32, 8)
			c := newCallCoder(8, alleles, conflicts)
			calls := make([]byte, 8)
			for j := range calls {
				c.slowCode(j, 0x14) // alleles A, T
				calls[j] = byte(phenolink.NoCall)
			}
			calls[at] = byte(tt.call)
			// The quad's first profile left HomAllele2 in bits 0 and 1.
			row := bytes.Repeat([]byte{plinkfile.HomAllele2}, 8)
			c.codeWords(calls, row, 2, ^uint64(0), 0, 8)
			for j, b := range row {
				want := byte(plinkfile.Missing)
				if j == at {
					want = tt.code
				}
				if b != plinkfile.HomAllele2|want<<2 {
					t.Errorf("call %v in byte %d: byte %d of the row is %08b, want %08b", tt.call, at, j, b, plinkfile.HomAllele2|want<<2)
				}
			}
			if n := conflicts[at]; (tt.code == plinkfile.Missing && tt.call.IsCalled()) != (n == 1) {
				t.Errorf("call %v: %d conflicts counted", tt.call, n)
			}
		}
	}
}

// BenchmarkReadMatrix codes and transposes 512 synthetic genomes of
// 100,000 markers from the in-memory store.
func BenchmarkReadMatrix(b *testing.B) {
	const profiles, markers = 512, 100_000
	st, _, _ := newCohort(b, scantest.Config{Seed: 1, Samples: profiles, Markers: markers})
	ms, err := st.Markers(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(profiles * markers)
	for b.Loop() {
		if _, err := readMatrix(b.Context(), st, ms, func(string) bool { return true }, profiles, nil); err != nil {
			b.Fatal(err)
		}
	}
}
