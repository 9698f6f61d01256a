package rawfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"phenolink/internal/phenolink"
)

// Parse reads a 23andMe raw-data file from r, which may be plain text, gzip
// or a zip holding one text file. Bad input is an EINVALID or ETOOLARGE
// *phenolink.Error whose message can be shown to the person who uploaded
// it; errors from r itself are returned wrapped.
func Parse(r io.Reader, opts Options) (*Genome, error) {
	if opts.MaxInputBytes <= 0 {
		opts.MaxInputBytes = DefaultMaxInputBytes
	}
	if opts.MaxTextBytes <= 0 {
		opts.MaxTextBytes = DefaultMaxTextBytes
	}
	g, err := parse(r, opts)
	if err != nil {
		return nil, fmt.Errorf("rawfile.Parse(%q): %w", opts.Name, err)
	}
	return g, nil
}

func parse(r io.Reader, opts Options) (*Genome, error) {
	text, size, err := openText(r, opts)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(text, 64<<10)
	if err := checkStart(br, opts.Name); err != nil {
		return nil, err
	}
	p := newParser(opts.Name, size)
	if err := p.lines(br); err != nil {
		return nil, err
	}
	return p.finish()
}

// lines feeds each line of br, without its line end, to the parser.
func (p *parser) lines(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) || len(line) > MaxLineBytes+2 {
			return invalidf("Line %d is longer than %d bytes, so this is not a 23andMe raw-data file (its lines are under 100 bytes). Upload the file exactly as 23andMe's download gave it.",
				p.line+1, MaxLineBytes)
		}
		if err != nil && err != io.EOF {
			return err // a bound, a damaged archive or the upload itself
		}
		if len(line) > 0 {
			p.line++
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			if len(line) > MaxLineBytes {
				return invalidf("Line %d is longer than %d bytes, so this is not a 23andMe raw-data file (its lines are under 100 bytes). Upload the file exactly as 23andMe's download gave it.",
					p.line, MaxLineBytes)
			}
			if err := p.handle(line); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// checkStart refuses binary files and saved web pages before any line is
// read, since their first "line" is often too long to get a better message.
func checkStart(br *bufio.Reader, name string) error {
	head, err := br.Peek(512)
	if err != nil && err != io.EOF {
		return err
	}
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		// A byte-order mark, added by some Windows editors: skip it.
		if _, err := br.Discard(3); err != nil {
			return err
		}
		head = head[3:]
	}
	if len(head) == 0 {
		return invalidf("The file %sis empty. Download your raw data from 23andMe again and upload that file.", named(name))
	}
	for _, c := range head {
		if c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			return invalidf("The file %sis a binary file (a picture, PDF or document, say), not 23andMe's raw-data text file. Upload the .txt or .zip file 23andMe's download gave you.", named(name))
		}
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return invalidf("The file %sis a web page (HTML) saved as text, not the raw-data file. On 23andMe's download page, use the download link itself and upload the file it gives you.", named(name))
	}
	return nil
}

// newParser returns a parser whose columns fit a text of about size bytes,
// or start small enough for a tiny file when the size is unknown.
func newParser(name string, size int64) *parser {
	// Rows average 26 bytes; a real file has at most about a million.
	startRows := int(min(max(size/bytesPerRow+16, 1<<10), maxStartRows))
	return &parser{
		name:      name,
		ids:       make([]byte, startRows*idBytesPerRow),
		idEnds:    make([]uint32, startRows),
		keys:      make([]uint64, startRows),
		chroms:    make([]phenolink.Chromosome, startRows),
		positions: make([]uint32, startRows),
		calls:     make([]phenolink.Call, startRows),
	}
}

// rowError is the message for a row that cannot be read.
func rowError(line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return phenolink.Errorf(phenolink.EINVALID, "Line %d: %s Upload the file exactly as 23andMe's download gave it.", line, msg)
}

// shown quotes a field for a message, cut short so a binary line cannot
// flood it.
func shown(b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

// Column sizing: a 23andMe row takes about 26 bytes, 10 of them the id.
const (
	bytesPerRow   = 24 // a little under the mean, so a full file fits
	idBytesPerRow = 11
	maxStartRows  = 1_200_000
)
