package plinkfile

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// TestLineReader reads texts through buffers smaller and larger than
// their lines, a byte or half a buffer at a time, and expects the lines
// bufio.Scanner gives, carriage returns kept for the .bim parser to drop.
func TestLineReader(t *testing.T) {
	texts := []string{
		"",
		"\n",
		"a",
		"a\n",
		"one\ntwo\n\nthree",
		"1 rs1 0 100 A G\r\n1 rs2 0 200 C T\r\n",
		strings.Repeat("12345 7\n", 50) + "last",
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
	}
	for _, text := range texts {
		var want []string
		sc := bufio.NewScanner(strings.NewReader(text))
		for sc.Scan() {
			want = append(want, sc.Text())
		}
		for name, wrap := range readers {
			for _, size := range []int{24, 1 << 10} {
				l := newLineReader(wrap(strings.NewReader(text)), size)
				var got []string
				for line, ok := l.next(); ok; line, ok = l.next() {
					got = append(got, strings.TrimSuffix(line, "\r"))
				}
				if l.Err() != nil || strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
					t.Errorf("%s, buffer %d: %q gives %q, %v; want %q", name, size, text, got, l.Err(), want)
				}
			}
		}
	}
}

func TestLineReaderErrors(t *testing.T) {
	l := newLineReader(strings.NewReader("short\n"+strings.Repeat("x", 40)+"\n"), 16)
	if line, ok := l.next(); !ok || line != "short" {
		t.Fatalf("first line %q, %v", line, ok)
	}
	if _, ok := l.next(); ok || !errors.Is(l.Err(), bufio.ErrTooLong) {
		t.Errorf("a line over the buffer: %v, want %v", l.Err(), bufio.ErrTooLong)
	}
	boom := errors.New("boom")
	l = newLineReader(iotest.ErrReader(boom), 16)
	if _, ok := l.next(); ok || !errors.Is(l.Err(), boom) {
		t.Errorf("a failing reader: %v, want %v", l.Err(), boom)
	}
}

// TestNextSharedCutRecord checks that a .bed whose last record stops
// part-way is an unexpected end, not the end of the markers.
func TestNextSharedCutRecord(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "x")
	fam := "f a 0 0 1 -9\nf b 0 0 1 -9\nf c 0 0 1 -9\nf d 0 0 1 -9\nf e 0 0 1 -9\n"
	os.WriteFile(prefix+".fam", []byte(fam), 0o644)
	os.WriteFile(prefix+".bim", []byte("1 rs1 0 1 A G\n1 rs2 0 2 A G\n"), 0o644)
	os.WriteFile(prefix+".bed", []byte{0x6c, 0x1b, 0x01, 0, 0, 0}, 0o644) // a record and a half
	r, err := Open(prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if v, rec, err := r.NextShared(); err != nil || v.ID != "rs1" || len(rec) != 2 {
		t.Fatalf("first marker: %+v, %v, %v", v, rec, err)
	}
	if _, _, err := r.NextShared(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("half a record: %v, want io.ErrUnexpectedEOF", err)
	}
}
