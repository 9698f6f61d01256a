package rawfile

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/synth"
)

// v3Rows is the row count of a full 23andMe v3 file, the largest there is.
const v3Rows = 960_000

// v3File writes a synthetic v3-sized raw file for a male, so that X, Y and
// MT rows carry haploid calls as in a real file.
func v3File(b *testing.B) []byte {
	b.Helper()
	key, err := synth.Markers(1, v3Rows)
	if err != nil {
		b.Fatal(err)
	}
	ind := synth.NewIndividual(1, 0, synth.FullChip())
	for i := 1; ind.Sex != synth.Male; i++ {
		ind = synth.NewIndividual(1, i, synth.FullChip())
	}
	var buf bytes.Buffer
	if err := synth.WriteRawFile(&buf, key, ind.Genome(key), time.Date(2024, 12, 16, 14, 23, 45, 0, time.UTC)); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkParse compares Parse with the obvious reader (bufio.Scanner and
// strings.Split into the same columns) on a full v3 file, as text and gzip.
func BenchmarkParse(b *testing.B) {
	file := v3File(b)
	gz := gzipped(b, string(file))
	b.Run("Parse/text", func(b *testing.B) {
		b.SetBytes(int64(len(file)))
		b.ReportAllocs()
		for b.Loop() {
			g, err := Parse(bytes.NewReader(file), Options{SizeHint: int64(len(file))})
			if err != nil {
				b.Fatal(err)
			}
			if len(g.Markers) != v3Rows {
				b.Fatalf("got %d markers, want %d", len(g.Markers), v3Rows)
			}
		}
	})
	b.Run("Parse/text-no-size-hint", func(b *testing.B) {
		b.SetBytes(int64(len(file)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(bytes.NewReader(file), Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Parse/gzip", func(b *testing.B) {
		b.SetBytes(int64(len(file)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(bytes.NewReader(gz), Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Baseline/text", func(b *testing.B) {
		b.SetBytes(int64(len(file)))
		b.ReportAllocs()
		for b.Loop() {
			g, err := parseBaseline(bytes.NewReader(file))
			if err != nil {
				b.Fatal(err)
			}
			if len(g.Markers) != v3Rows {
				b.Fatalf("got %d markers, want %d", len(g.Markers), v3Rows)
			}
		}
	})
}

// parseBaseline is the straightforward parser Parse is measured against:
// same output and checks, one string per field.
func parseBaseline(r *bytes.Reader) (*Genome, error) {
	g := &Genome{}
	sc := bufio.NewScanner(r)
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") {
			if strings.Contains(line, "build 37") {
				g.Build = 37
			}
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: %d fields", n, len(f))
		}
		chrom, err := phenolink.ParseChromosome(f[1])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		pos, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		call, err := phenolink.ParseCall(f[3])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if j, ok := seen[f[0]]; ok && g.Calls[j] != call {
			return nil, fmt.Errorf("line %d: %s repeated", n, f[0])
		}
		seen[f[0]] = len(g.Markers)
		g.Markers = append(g.Markers, Marker{ID: f[0], Chrom: chrom, Pos: uint32(pos)})
		g.Calls = append(g.Calls, call)
	}
	return g, sc.Err()
}
