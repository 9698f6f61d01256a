package plinkfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Reader reads a fileset named by its prefix (prefix.bed, .bim, .fam): the
// sample table whole, the markers and their genotypes one at a time, so a
// genome-wide scan holds neither the marker table nor the genotype matrix.
type Reader struct {
	Samples []Sample
	bedFile *os.File
	bimFile *os.File
	bed     *BedReader
	bim     *lineReader
	line    int
	prefix  string
}

// Open reads prefix.fam and opens prefix.bim and prefix.bed for streaming.
func Open(prefix string) (*Reader, error) {
	samples, err := readFile(prefix+".fam", ReadFam)
	if err != nil {
		return nil, fmt.Errorf("plinkfile.Open(%q): %w", prefix, err)
	}
	bimFile, err := os.Open(prefix + ".bim")
	if err != nil {
		return nil, fmt.Errorf("plinkfile.Open(%q): %w", prefix, err)
	}
	bedFile, err := os.Open(prefix + ".bed")
	if err != nil {
		bimFile.Close()
		return nil, fmt.Errorf("plinkfile.Open(%q): %w", prefix, err)
	}
	bed, err := NewBedReader(bedFile, len(samples))
	if err != nil {
		bimFile.Close()
		bedFile.Close()
		return nil, fmt.Errorf("plinkfile.Open(%q): %w", prefix, err)
	}
	return &Reader{Samples: samples, bedFile: bedFile, bimFile: bimFile, bed: bed, bim: newLineReader(bimFile, maxLine), prefix: prefix}, nil
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
// genotypes and returns its .bim row; io.EOF after the last marker. A .bed
// with more or fewer records than the .bim has lines is an error. The
// row's strings share memory with a chunk of the .bim (up to 1 MiB),
// which stays in memory while any of them does.
func (r *Reader) Next(rec []byte) (Variant, error) {
	if len(rec) != r.bed.recLen {
		return Variant{}, fmt.Errorf("plinkfile.Reader.Next: buffer of %d bytes, records are %d", len(rec), r.bed.recLen)
	}
	v, g, err := r.NextShared()
	if err != nil {
		return Variant{}, err
	}
	copy(rec, g)
	return v, nil
}

// NextShared is Next returning the genotypes in the reader's own buffer,
// valid until the next call, instead of copying them.
func (r *Reader) NextShared() (Variant, []byte, error) {
	for {
		line, ok := r.bim.next()
		if !ok {
			break
		}
		r.line++
		if len(strings.TrimSpace(line)) == 0 {
			continue
		}
		v, err := parseBim(line)
		if err != nil {
			return Variant{}, nil, fmt.Errorf("plinkfile.Reader.Next: %s.bim line %d: %w", r.prefix, r.line, err)
		}
		rec, err := r.bed.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return Variant{}, nil, fmt.Errorf("plinkfile.Reader.Next: %s.bed ends before marker %s: %w", r.prefix, v.ID, err)
		}
		return v, rec, nil
	}
	if err := r.bim.Err(); err != nil {
		return Variant{}, nil, fmt.Errorf("plinkfile.Reader.Next: %s.bim: %w", r.prefix, err)
	}
	if _, err := r.bed.next(); !errors.Is(err, io.EOF) {
		return Variant{}, nil, fmt.Errorf("plinkfile.Reader.Next: %s.bed has more records than %s.bim has markers", r.prefix, r.prefix)
	}
	return Variant{}, nil, io.EOF
}

// Close closes the .bed and .bim files.
func (r *Reader) Close() error {
	return errors.Join(r.bedFile.Close(), r.bimFile.Close())
}

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
