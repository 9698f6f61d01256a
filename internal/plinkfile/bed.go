package plinkfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// bedMagic opens every .bed file: two magic bytes and 0x01 for SNP-major
// order, the only order PLINK has written since version 1.0.
var bedMagic = [3]byte{0x6c, 0x1b, 0x01}

// BedReader streams the records of a SNP-major .bed file, one marker at a
// time.
type BedReader struct {
	r       *bufio.Reader
	recLen  int
	marker  int
	scratch []byte // next's record when it is longer than r's buffer
}

// NewBedReader checks the magic bytes and returns a reader of records for n
// samples.
func NewBedReader(r io.Reader, n int) (*BedReader, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var magic [3]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return nil, fmt.Errorf("plinkfile.NewBedReader: reading magic bytes: %w", err)
	}
	if magic != bedMagic {
		if bytes.Equal(magic[:2], bedMagic[:2]) {
			return nil, fmt.Errorf("plinkfile.NewBedReader: mode byte %#x: only SNP-major (0x01) .bed files are supported", magic[2])
		}
		return nil, fmt.Errorf("plinkfile.NewBedReader: magic bytes % x are not a PLINK 1 .bed file", magic)
	}
	return &BedReader{r: br, recLen: RecordLen(n)}, nil
}

// RecordLen is the length of each record this reader returns.
func (b *BedReader) RecordLen() int { return b.recLen }

// Read fills rec (of length RecordLen) with the next marker's record. It
// returns io.EOF after the last marker and io.ErrUnexpectedEOF on a cut file.
func (b *BedReader) Read(rec []byte) error {
	if len(rec) != b.recLen {
		return fmt.Errorf("plinkfile.BedReader.Read: buffer of %d bytes, records are %d", len(rec), b.recLen)
	}
	if _, err := io.ReadFull(b.r, rec); err != nil {
		if err == io.EOF {
			return io.EOF
		}
		return fmt.Errorf("plinkfile.BedReader.Read: marker %d: %w", b.marker, err)
	}
	b.marker++
	return nil
}

// next returns the next marker's record in the reader's own buffer,
// valid until the next call, sparing Read's copy; io.EOF after the last
// marker.
func (b *BedReader) next() ([]byte, error) {
	if b.recLen > b.r.Size() {
		// Longer than the buffer (over four million samples): copy.
		if b.scratch == nil {
			b.scratch = make([]byte, b.recLen)
		}
		return b.scratch, b.Read(b.scratch)
	}
	rec, err := b.r.Peek(b.recLen)
	if err != nil {
		if errors.Is(err, io.EOF) {
			if len(rec) == 0 {
				return nil, io.EOF
			}
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("plinkfile.BedReader.next: marker %d: %w", b.marker, err)
	}
	b.r.Discard(b.recLen)
	b.marker++
	return rec, nil
}

// BedWriter writes a SNP-major .bed file one marker record at a time.
type BedWriter struct {
	w      *bufio.Writer
	recLen int
}

// NewBedWriter writes the magic bytes and returns a writer of records for n
// samples.
func NewBedWriter(w io.Writer, n int) (*BedWriter, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(bedMagic[:]); err != nil {
		return nil, fmt.Errorf("plinkfile.NewBedWriter: %w", err)
	}
	return &BedWriter{w: bw, recLen: RecordLen(n)}, nil
}

// Write appends one marker's packed record.
func (b *BedWriter) Write(rec []byte) error {
	if len(rec) != b.recLen {
		return fmt.Errorf("plinkfile.BedWriter.Write: record of %d bytes, want %d", len(rec), b.recLen)
	}
	if _, err := b.w.Write(rec); err != nil {
		return fmt.Errorf("plinkfile.BedWriter.Write: %w", err)
	}
	return nil
}

// Flush writes any buffered records to the underlying writer.
func (b *BedWriter) Flush() error {
	if err := b.w.Flush(); err != nil {
		return fmt.Errorf("plinkfile.BedWriter.Flush: %w", err)
	}
	return nil
}
