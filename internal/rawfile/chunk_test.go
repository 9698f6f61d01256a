package rawfile

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"phenolink/internal/phenolink"
)

// chunkTestFile is a file of rows of many lengths, with a blank line and
// a comment among them, a few kilobytes long so that small chunks end
// inside it many times; crlf gives it CRLF line ends.
func chunkTestFile(crlf bool) string {
	chroms := []string{"1", "22", "X", "MT", "Y", "7"}
	calls := []string{"AG", "T", "--", "DI", "C", "-", "II"}
	var rows []string
	for i := range 300 {
		id := fmt.Sprintf("rs%d", 1+i*7919%100003)
		switch i % 13 {
		case 3:
			id = fmt.Sprintf("i%d", 700000+i)
		case 8:
			id = fmt.Sprintf("VG%02d.x%d", i%100, i) // an id plainRows leaves to row
		}
		rows = append(rows, fmt.Sprintf("%s\t%s\t%d\t%s", id, chroms[i%len(chroms)], uint32(i)*2654435761>>(i%32), calls[i%len(calls)]))
		switch i {
		case 100:
			rows = append(rows, "")
		case 200:
			rows = append(rows, "# a comment among the rows")
		}
	}
	s := rawFile(header37, rows...)
	if crlf {
		s = strings.ReplaceAll(s, "\n", "\r\n")
	}
	return s
}

// Lines cut by a chunk's end, at every place, read as when they are not:
// a line ending on the chunk's last byte, a CRLF whose CR ends a chunk, an
// id, a position or a call cut anywhere.
func TestParseChunkEdges(t *testing.T) {
	for _, crlf := range []bool{false, true} {
		file := chunkTestFile(crlf)
		want, err := Parse(strings.NewReader(file), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if want.Summary.Rows != 300 {
			t.Fatalf("%d rows, want 300", want.Summary.Rows)
		}
		// The first read fills the chunk, so the first chunk ends after
		// chunk bytes of text; the rows start within minChunkBytes.
		var lineAtEdge, crAtEdge bool
		for chunk := minChunkBytes; chunk < minChunkBytes+60; chunk++ {
			lineAtEdge = lineAtEdge || file[chunk-1] == '\n'
			crAtEdge = crAtEdge || file[chunk-1] == '\r'
			got, err := parseChunked(strings.NewReader(file), Options{}, chunk)
			if err != nil {
				t.Fatalf("chunk %d, CRLF %v: %v", chunk, crlf, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("chunk %d, CRLF %v: genome differs from one read whole", chunk, crlf)
			}
		}
		if !lineAtEdge || (crlf && !crAtEdge) {
			t.Fatalf("CRLF %v: no chunk ended a line (%v) or split a CRLF (%v)", crlf, lineAtEdge, crAtEdge)
		}
	}
}

// Reads that stop anywhere, down to one byte at a time, give the rows the
// same as one read of the whole file.
func TestParseShortReads(t *testing.T) {
	readers := map[string]func(io.Reader) io.Reader{
		"one byte":  iotest.OneByteReader,
		"half":      iotest.HalfReader,
		"data+EOF":  iotest.DataErrReader,
		"13 bytes":  func(r io.Reader) io.Reader { return &cutReader{r: r, n: 13} },
		"999 bytes": func(r io.Reader) io.Reader { return &cutReader{r: r, n: 999} },
	}
	for _, crlf := range []bool{false, true} {
		file := chunkTestFile(crlf)
		want, err := Parse(strings.NewReader(file), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for name, wrap := range readers {
			for _, chunk := range []int{minChunkBytes, minChunkBytes + 17, chunkBytes} {
				got, err := parseChunked(wrap(strings.NewReader(file)), Options{}, chunk)
				if err != nil {
					t.Fatalf("%s, chunk %d, CRLF %v: %v", name, chunk, crlf, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, chunk %d, CRLF %v: genome differs from one read whole", name, chunk, crlf)
				}
			}
		}
	}
}

// cutReader returns at most n bytes a read.
type cutReader struct {
	r io.Reader
	n int
}

func (c *cutReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// Every refusal names the same line, with the same message, whatever the
// chunk and however the reads are cut.
func TestParseRefusesAcrossChunks(t *testing.T) {
	file := chunkTestFile(false)
	lines := strings.SplitAfter(file, "\n")
	at := func(n int, line string) string { // file with line n (from 1) replaced
		l := append([]string{}, lines...)
		l[n-1] = line
		return strings.Join(l, "")
	}
	last := len(lines) - 1 // the last line is empty: the file ends in '\n'
	inputs := map[string]string{
		"bad position":          at(70, "rs9\t1\t12a\tAA\n"),
		"bad call, CRLF":        strings.ReplaceAll(at(200, "rs9\t1\t12\tAN\n"), "\n", "\r\n"),
		"conflicting repeat":    at(250, strings.Split(lines[60], "\t")[0]+"\t1\t5\tAA\n"),
		"long line":             at(90, "rs9\t1\t12\t"+strings.Repeat("A", MaxLineBytes)+"\n"),
		"long line, CRLF":       strings.ReplaceAll(at(90, "rs9\t1\t12\t"+strings.Repeat("A", MaxLineBytes)+"\n"), "\n", "\r\n"),
		"longest line, CRLF":    strings.ReplaceAll(at(90, "rs9\t1\t12\t"+strings.Repeat("A", MaxLineBytes-9)+"\n"), "\n", "\r\n"),
		"long last line":        strings.TrimSuffix(file, "\n") + strings.Repeat("A", 3*MaxLineBytes),
		"last line without end": at(last, "rs9\t1\t12\tAN"),
		"five columns":          at(150, "rs9\t1\t12\tA\tA\n"),
	}
	for name, in := range inputs {
		_, want := Parse(strings.NewReader(in), Options{})
		if phenolink.ErrorCode(want) != phenolink.EINVALID || !strings.Contains(phenolink.ErrorMessage(want), "Line ") {
			t.Fatalf("%s: error %v, want one naming a line", name, want)
		}
		for _, chunk := range []int{minChunkBytes, minChunkBytes + 1, minChunkBytes + 29} {
			for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
				_, err := parseChunked(r, Options{}, chunk)
				if err == nil || err.Error() != want.Error() {
					t.Fatalf("%s, chunk %d: error\n%v\nwant\n%v", name, chunk, err, want)
				}
			}
		}
	}
}

// A read that fails is reported after the rows before it are read, unless
// the line it cut is already too long.
func TestParseReadError(t *testing.T) {
	broken := errors.New("connection reset")
	good := rawFile(header37, "rs1\t1\t100\tAG", "rs2\t1\t200\tCC") + "rs3\t1\t"
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"after rows", good, "connection reset"},
		{"after a bad row", rawFile(header37, "rs1\t1\t100\tAN", "rs2"), "Line " + itoa(headerLines+1) + ": genotype"},
		{"inside a long line", rawFile(header37, "rs1\t1\t100\tAG") + strings.Repeat("A", MaxLineBytes+3), "Line " + itoa(headerLines+2) + " is longer"},
		{"inside the longest line", rawFile(header37, "rs1\t1\t100\tAG") + strings.Repeat("A", MaxLineBytes+2), "connection reset"},
	}
	for _, tt := range tests {
		r := io.MultiReader(strings.NewReader(tt.in), iotest.ErrReader(broken))
		_, err := Parse(r, Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.want)
		}
		if tt.want == "connection reset" && !errors.Is(err, broken) {
			t.Errorf("%s: error %v does not wrap the read's", tt.name, err)
		}
	}
}

// A reader that returns nothing, again and again, is given up on.
func TestParseReaderWithoutProgress(t *testing.T) {
	r := io.MultiReader(strings.NewReader(rawFile(header37, "rs1\t1\t100\tAG")), emptyReader{})
	if _, err := Parse(r, Options{}); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("error %v, want %v", err, io.ErrNoProgress)
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }
