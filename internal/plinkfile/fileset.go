package plinkfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// Reader reads a fileset named by its prefix (prefix.bed, .bim, .fam): the
// sample and marker tables whole, the genotypes one marker at a time.
type Reader struct {
	Samples  []Sample
	Variants []Variant
	bedFile  *os.File
	bed      *BedReader
	next     int
}

// Open reads prefix.fam and prefix.bim and opens prefix.bed for streaming.
func Open(prefix string) (*Reader, error) {
	samples, err := readFile(prefix+".fam", ReadFam)
	if err != nil {
		return nil, fmt.Errorf("plinkfile.Open(%q): %w", prefix, err)
	}
	variants, err := readFile(prefix+".bim", ReadBim)
	if err != nil {
		return nil, fmt.Errorf("plinkfile.Open(%q): %w", prefix, err)
	}
	f, err := os.Open(prefix + ".bed")
	if err != nil {
		return nil, fmt.Errorf("plinkfile.Open(%q): %w", prefix, err)
	}
	if st, err := f.Stat(); err == nil {
		want := 3 + int64(len(variants))*int64(RecordLen(len(samples)))
		if st.Size() != want {
			f.Close()
			return nil, fmt.Errorf("plinkfile.Open(%q): .bed has %d bytes, want %d for %d samples x %d markers", prefix, st.Size(), want, len(samples), len(variants))
		}
	}
	bed, err := NewBedReader(f, len(samples))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("plinkfile.Open(%q): %w", prefix, err)
	}
	return &Reader{Samples: samples, Variants: variants, bedFile: f, bed: bed}, nil
}

func readFile[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return parse(f)
}

// Next fills rec (of length RecordLen(len(Samples))) with the next marker's
// genotypes and returns its .bim row; io.EOF after the last marker.
func (r *Reader) Next(rec []byte) (Variant, error) {
	if r.next == len(r.Variants) {
		return Variant{}, io.EOF
	}
	if err := r.bed.Read(rec); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Variant{}, fmt.Errorf("plinkfile.Reader.Next: %w", err)
	}
	r.next++
	return r.Variants[r.next-1], nil
}

// Close closes the .bed file.
func (r *Reader) Close() error { return r.bedFile.Close() }

// Writer writes a fileset marker by marker: each Write appends one .bim line
// and one .bed record, so an export holds one marker in memory at a time.
type Writer struct {
	bedFile, bimFile *os.File
	bed              *BedWriter
	bim              *bufio.Writer
	line             []byte
	prefix           string
}

// Create writes prefix.fam from samples and opens prefix.bed and prefix.bim
// for Write.
func Create(prefix string, samples []Sample) (*Writer, error) {
	fam, err := os.Create(prefix + ".fam")
	if err != nil {
		return nil, fmt.Errorf("plinkfile.Create(%q): %w", prefix, err)
	}
	err = WriteFam(fam, samples)
	if cerr := fam.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("plinkfile.Create(%q): %w", prefix, err)
	}
	bedFile, err := os.Create(prefix + ".bed")
	if err != nil {
		return nil, fmt.Errorf("plinkfile.Create(%q): %w", prefix, err)
	}
	bimFile, err := os.Create(prefix + ".bim")
	if err != nil {
		bedFile.Close()
		return nil, fmt.Errorf("plinkfile.Create(%q): %w", prefix, err)
	}
	bed, err := NewBedWriter(bedFile, len(samples))
	if err != nil {
		bedFile.Close()
		bimFile.Close()
		return nil, fmt.Errorf("plinkfile.Create(%q): %w", prefix, err)
	}
	return &Writer{bedFile: bedFile, bimFile: bimFile, bed: bed, bim: bufio.NewWriterSize(bimFile, 1<<16), prefix: prefix}, nil
}

// Write appends one marker: its .bim row and its packed genotypes.
func (w *Writer) Write(v Variant, rec []byte) error {
	if err := w.bed.Write(rec); err != nil {
		return fmt.Errorf("plinkfile.Writer.Write(%q): %w", v.ID, err)
	}
	w.line = AppendBimLine(w.line[:0], v)
	if _, err := w.bim.Write(w.line); err != nil {
		return fmt.Errorf("plinkfile.Writer.Write(%q): %w", v.ID, err)
	}
	return nil
}

// Close flushes and closes the .bed and .bim files; the fileset is complete
// only when Close returns nil.
func (w *Writer) Close() error {
	errs := []error{w.bed.Flush(), w.bim.Flush(), w.bedFile.Close(), w.bimFile.Close()}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("plinkfile.Writer.Close(%q): %w", w.prefix, err)
	}
	return nil
}
