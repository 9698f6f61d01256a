package rawfile

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

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
		// Read a byte at a time into the smallest chunk, every line is cut
		// between reads and, past the first chunk, between chunks.
		cut, cutErr := parseChunked(iotest.OneByteReader(bytes.NewReader(in)), opts, minChunkBytes)
		if fmt.Sprint(cutErr) != fmt.Sprint(err) || !reflect.DeepEqual(cut, g) {
			t.Fatalf("read in one go: %v\nread a byte at a time: %v", err, cutErr)
		}
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
		// Parse looks for a binary file's bytes only at its start, so a
		// control byte in a comment further down is read as written; the
		// genome written out again would bring it to the start.
		if strings.ContainsFunc(g.Header.BuildLine+g.Header.GeneratedAt, isControl) {
			return
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

// isControl reports the bytes checkStart takes for a binary file's.
func isControl(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }

// FuzzRow checks that the two row readers agree on every line: plainRows,
// which reads rows in a chunk with their line ends, may leave a line to
// checkedRow, the field-by-field reader, but a row it reads it must read as
// checkedRow does.
func FuzzRow(f *testing.F) {
	for _, s := range []string{"rs1\t1\t100\tAG", "i5\tMT\t0\t-", "rs1\t22\t4294967295\tDI", "rs1\t23\t1\tA",
		"rs1\t1\t4294967296\tA", "rs1\t1\t01\tA", "rs1\t1\t1\t__", "a\tX\t1\tA\t", "rs1\t1\t\tA",
		"rs2147483647\tY\t123456789\tA\r", "rs2147483648\t1\t1\tA", "i1234567890\t10\t9999999999\tCT\r",
		"rs12\t1\t1\tA\nrs13\t1\t1\tA", "rs1\t1\t1\tA\r\r", "rs01\t2\t3\tGG"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		// plainRows gets the line, its line end, and a comment line to stop at.
		chunk := append(append(append([]byte{}, line...), '\n'), bytes.Repeat([]byte{'#'}, plainRowBytes)...)
		plain := newParser("", 0)
		used := plain.plainRows(chunk)
		if used == 0 {
			return
		}
		read, ok := bytes.CutSuffix(chunk[:used], []byte{'\n'})
		rows := bytes.Split(read, []byte{'\n'})
		if !ok || plain.rows != len(rows) || plain.line != len(rows) {
			t.Fatalf("plainRows read %d bytes of %q as %d rows", used, chunk, plain.rows)
		}
		want := newParser("", 0)
		for _, row := range rows {
			row = bytes.TrimSuffix(row, []byte{'\r'})
			if err := want.checkedRow(row); err != nil {
				t.Fatalf("plainRows read %q, which checkedRow refuses: %v", row, err)
			}
		}
		plain.trim()
		want.trim()
		if !sameColumns(plain, want) {
			t.Fatalf("plainRows and checkedRow read %q differently", read)
		}
	})
}

// sameColumns reports whether two parsers hold the same rows.
func sameColumns(a, b *parser) bool {
	return bytes.Equal(a.ids, b.ids) && reflect.DeepEqual(a.idEnds, b.idEnds) && reflect.DeepEqual(a.keys, b.keys) &&
		reflect.DeepEqual(a.chroms, b.chroms) && reflect.DeepEqual(a.positions, b.positions) && reflect.DeepEqual(a.calls, b.calls)
}

// FuzzDigits8 checks the word-at-a-time digit reader against a loop.
func FuzzDigits8(f *testing.F) {
	for _, s := range []string{"12345678", "0\t", "99999999", "1234567\t", "/:/:/:/:", "\xff\xff12", "00000001"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		b = append(b, make([]byte, 8)...)[:8]
		var want uint64
		n := 0
		for n < 8 && b[n] >= '0' && b[n] <= '9' {
			want = want*10 + uint64(b[n]-'0')
			n++
		}
		if got, gotN := digits8(b); got != want || gotN != n {
			t.Fatalf("digits8(%q) = %d, %d; want %d, %d", b, got, gotN, want, n)
		}
	})
}
