package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"phenolink/internal/phenolink"
)

// FullGenomeMarkers is the size of a full v3 raw-data file, the largest
// import the benchmarks measure.
const FullGenomeMarkers = 960_000

// synthGenome makes n markers with ids prefix+number spread over the
// chromosomes in order, and random calls: mostly two alleles, a few
// no-calls, haploid calls on X, Y and MT. The numbers are synthetic; only
// their shape and size matter to the store.
func synthGenome(prefix string, n int, seed uint64) genomeImport {
	r := rand.New(rand.NewPCG(seed, 1))
	g := genomeImport{markers: make([]phenolink.Marker, n), calls: make([]phenolink.Call, n)}
	for i := range n {
		chrom := phenolink.Chromosome(1 + i*int(phenolink.ChromosomeMT)/n)
		g.markers[i] = phenolink.Marker{ID: prefix + fmt.Sprint(1000+i*7), Chrom: chrom, Pos: uint32(10_000 + 250*i)}
		a, b := uint8(1+r.IntN(4)), uint8(1+r.IntN(4))
		switch {
		case r.IntN(100) == 0:
			g.calls[i] = phenolink.NoCall
		case chrom >= phenolink.ChromosomeX:
			g.calls[i] = phenolink.Call(a << 4)
		default:
			g.calls[i] = phenolink.Call(min(a, b)<<4 | max(a, b))
		}
	}
	return g
}

// RunGenomeBenchmarks measures SaveGenome with a full 960,000-marker genome:
// a first import into an empty index, a re-import in a process that has not
// loaded the index yet, and a re-import in one that has. newDatabase
// creates an empty database and returns a function that opens stores on it
// (each a separate process, as far as caches go).
func RunGenomeBenchmarks(b *testing.B, newDatabase func() func() Store) {
	ctx := b.Context()
	g := synthGenome("rs", FullGenomeMarkers, 42)
	// prepare opens a migrated store on a new database with a profile.
	prepare := func() (Store, func() Store) {
		open := newDatabase()
		s := open()
		if err := s.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		if err := s.SaveUser(ctx, user("bench"), []phenolink.Profile{profile("bench-p1", "bench")}); err != nil {
			b.Fatal(err)
		}
		return s, open
	}
	b.Run("SaveGenome960kEmptyIndex", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			s, _ := prepare()
			b.StartTimer()
			if _, err := s.SaveGenome(ctx, fileInfo("bench-p1"), g.markers, g.calls); err != nil {
				b.Fatal(err)
			}
		}
	})
	s, open := prepare()
	if _, err := s.SaveGenome(ctx, fileInfo("bench-p1"), g.markers, g.calls); err != nil {
		b.Fatal(err)
	}
	b.Run("SaveGenome960kReimportColdIndex", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			fresh := open()
			b.StartTimer()
			if _, err := fresh.SaveGenome(ctx, fileInfo("bench-p1"), g.markers, g.calls); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SaveGenome960kReimport", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.SaveGenome(ctx, fileInfo("bench-p1"), g.markers, g.calls); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GenotypeCallsPrefix", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.GenotypeCalls(ctx, "bench-p1", phenolink.GenotypeQuery{ID: "rs12", Prefix: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GenotypeCallsRegion", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.GenotypeCalls(ctx, "bench-p1", phenolink.GenotypeQuery{Chrom: 7, Start: 60_000_000, Limit: 100}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// RunScanBenchmark stores profiles records of markers each and measures
// ScanGenomes reading every one into memory. Filling the database takes
// far longer than the scan. s must be migrated and empty.
func RunScanBenchmark(b *testing.B, s Store, profiles, markers int) {
	ctx := b.Context()
	fillScanBenchmark(b, s, profiles, markers)
	all := make([]phenolink.Call, profiles*markers)
	b.SetBytes(int64(len(all)))
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := s.ScanGenomes(ctx, func(_ string, calls []phenolink.Call) error {
			copy(all[n*markers:(n+1)*markers], calls)
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != profiles {
			b.Fatalf("ScanGenomes visited %d profiles, want %d", n, profiles)
		}
	}
}

// RunCallsAtBenchmark stores profiles records of markers each and measures
// CallsAt reading 1 and 10 markers of every record, as the per-SNP results
// page does, with the markers spread over the whole record. s must be
// migrated and empty. A store that its own upkeep changes after a bulk
// load (Postgres's vacuum) passes settle, which does that upkeep: the
// reads are then measured before it (state=fresh) and after
// (state=settled).
func RunCallsAtBenchmark(b *testing.B, s Store, profiles, markers int, settle func(testing.TB)) {
	fillScanBenchmark(b, s, profiles, markers)
	if settle == nil {
		runCallsAt(b, s, profiles, markers)
		return
	}
	b.Run("state=fresh", func(b *testing.B) { runCallsAt(b, s, profiles, markers) })
	settle(b)
	b.Run("state=settled", func(b *testing.B) { runCallsAt(b, s, profiles, markers) })
}

// runCallsAt measures CallsAt of 1 and 10 markers over records of
// markers, each of the profiles records read.
func runCallsAt(b *testing.B, s Store, profiles, markers int) {
	for _, k := range []int{1, 10} {
		positions := make([]int, k)
		for i := range positions {
			positions[i] = (2*i + 1) * markers / (2 * k) // mid-record for one marker
		}
		b.Run(fmt.Sprintf("positions=%d", k), func(b *testing.B) {
			for b.Loop() {
				n := 0
				err := s.CallsAt(b.Context(), positions, func(_ string, calls []phenolink.Call) error {
					if calls[0] == phenolink.NotOnChip {
						return fmt.Errorf("record %d reads NotOnChip at %d", n, positions[0])
					}
					n++
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				if n != profiles {
					b.Fatalf("CallsAt visited %d profiles, want %d", n, profiles)
				}
			}
		})
	}
}

// fillScanBenchmark stores profiles records of markers each, all on one
// account, each a little different.
func fillScanBenchmark(tb testing.TB, s Store, profiles, markers int) {
	ctx := tb.Context()
	g := synthGenome("rs", markers, 7)
	ps := make([]phenolink.Profile, profiles)
	for i := range ps {
		ps[i] = profile(fmt.Sprintf("scan-p%05d", i), "scan")
	}
	if err := s.SaveUser(ctx, user("scan"), ps); err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, p := range ps {
		// Vary the calls a little so records differ as real ones do.
		for range 1000 {
			a, c := uint8(1+r.IntN(4)), uint8(1+r.IntN(4))
			g.calls[r.IntN(markers)] = phenolink.Call(min(a, c)<<4 | max(a, c))
		}
		if _, err := s.SaveGenome(ctx, fileInfo(p.ID), g.markers, g.calls); err != nil {
			tb.Fatal(err)
		}
	}
}
