package rawfile

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// fuzzSeeds are the edge cases of the format: accepted files in every
// container and line ending, and each kind of input Parse refuses.
func fuzzSeeds(t testing.TB) [][]byte {
	good := rawFile(header37,
		"rs4477212\t1\t82154\tAA", "rs3094315\t1\t752566\tGA", "i3000001\t1\t800000\tDI",
		"rs12345\t2\t1000\t--", "rs99\tX\t2700157\tT", "i701050\tMT\t16518\tG", "rs2032652\tY\t14869076\tD",
		"rs4477212\t1\t82154\tAA")
	row := func(r string) string { return rawFile(header37, "rs1\t1\t100\tAG", r) }
	gz := gzipped(t, good)
	zp := zipped(t, "genome.txt", good)
	return [][]byte{
		[]byte(good),
		[]byte(strings.ReplaceAll(good, "\n", "\r\n")),
		append([]byte("\xef\xbb\xbf"), good...),
		gz,
		gz[:len(gz)-10],
		zp,
		zp[:len(zp)-30],
		zipped(t, "a.txt", good, "b.txt", good),
		zipped(t, "__MACOSX/._a.txt", "x", "a.txt", good),
		nil,
		[]byte("\x89PNG\r\n\x1a\n\x00\x00"),
		[]byte("<!DOCTYPE html><html></html>\n"),
		[]byte("#AncestryDNA raw data download\nrsid\tchromosome\tposition\tallele1\tallele2\nrs1\t1\t100\tA\tG\n"),
		[]byte("RSID,CHROMOSOME,POSITION,RESULT\n\"rs1\",\"1\",\"100\",\"AA\"\n"),
		[]byte("##fileformat=MyHeritage\nRSID,CHROMOSOME,POSITION,RESULT\n"),
		[]byte(strings.Replace(good, "build 37", "build 36", 1)),
		[]byte("# rsid\tchromosome\tposition\tgenotype\nrs1\t1\t100\tAG\n"),
		[]byte(row("rs1\t1\t100\tAA")),
		[]byte(row("rs2\t23\t200\tAA")),
		[]byte(row("rs2\t1\t2x\tAA")),
		[]byte(row("rs2\t1\t200\tAN")),
		[]byte(row("rs2\t1\t200\t" + strings.Repeat("A", 1100))),
		[]byte(row("odd.id-1:x\t1\t200\tAA")),
		[]byte(row("rs01\t1\t200\tAA")),
	}
}

// FuzzParse checks that no input panics, that refusals carry a code a user
// can act on, that memory stays within the bounds, and that an accepted
// genome written out again parses to the same genome.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	opts := Options{MaxInputBytes: 1 << 20, MaxTextBytes: 4 << 20}
	f.Fuzz(func(t *testing.T, in []byte) {
		g, err := Parse(bytes.NewReader(in), opts)
		if err != nil {
			if code := phenolink.ErrorCode(err); code != phenolink.EINVALID && code != phenolink.ETOOLARGE {
				t.Fatalf("error code %q, want invalid or too_large: %v", code, err)
			}
			if phenolink.ErrorMessage(err) == "" {
				t.Fatal("empty message")
			}
			return
		}
		// The shortest row, "a\t1\t0\tA\n", is 8 bytes of text.
		if len(g.Markers) != len(g.Calls) || len(g.Markers) > int(opts.MaxTextBytes/8) {
			t.Fatalf("%d markers, %d calls from at most %d bytes of text", len(g.Markers), len(g.Calls), opts.MaxTextBytes)
		}
		if g.Summary.Rows-g.Summary.Duplicates != len(g.Markers) || g.Build != 37 {
			t.Fatalf("summary %+v, build %d for %d markers", g.Summary, g.Build, len(g.Markers))
		}
		again, err := Parse(bytes.NewReader(writeGenome(g)), opts)
		if err != nil {
			t.Fatalf("written genome refused: %v", err)
		}
		if !reflect.DeepEqual(again.Markers, g.Markers) || !reflect.DeepEqual(again.Calls, g.Calls) ||
			again.Header.GeneratedAt != g.Header.GeneratedAt || again.Summary.Duplicates != 0 {
			t.Fatalf("written genome parses differently:\nfirst  %+v %v %+v\nsecond %+v %v %+v",
				g.Markers, g.Calls, g.Header, again.Markers, again.Calls, again.Header)
		}
	})
}

// FuzzRow checks that the fast row reader and the field-by-field one agree
// on every line: both refuse it, or both add the same row.
func FuzzRow(f *testing.F) {
	for _, s := range []string{"rs1\t1\t100\tAG", "i5\tMT\t0\t-", "rs1\t22\t4294967295\tDI", "rs1\t23\t1\tA",
		"rs1\t1\t4294967296\tA", "rs1\t1\t01\tA", "rs1\t1\t1\t__", "a\tX\t1\tA\t", "rs1\t1\t\tA"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		fast, checked := newParser("", 0), newParser("", 0)
		errFast, errChecked := fast.row(line), checked.checkedRow(line)
		if (errFast == nil) != (errChecked == nil) {
			t.Fatalf("row: %v, checkedRow: %v", errFast, errChecked)
		}
		if !reflect.DeepEqual(fast.ids, checked.ids) || !reflect.DeepEqual(fast.chroms, checked.chroms) ||
			!reflect.DeepEqual(fast.positions, checked.positions) || !reflect.DeepEqual(fast.calls, checked.calls) {
			t.Fatalf("row and checkedRow read %q differently", line)
		}
	})
}
