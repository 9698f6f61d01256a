package rawfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"phenolink/internal/phenolink"
)

// Parse reads a 23andMe raw-data file from r, which may be plain text, gzip
// or a zip holding one text file. Bad input is an EINVALID or ETOOLARGE
// *phenolink.Error whose message can be shown to the person who uploaded
// it; errors from r itself are returned wrapped.
func Parse(r io.Reader, opts Options) (*Genome, error) {
	return parseChunked(r, opts, chunkBytes)
}

// parseChunked is Parse reading the text chunk bytes at a time, so tests
// can put line ends at every place a chunk can end.
func parseChunked(r io.Reader, opts Options, chunk int) (*Genome, error) {
	if opts.MaxInputBytes <= 0 {
		opts.MaxInputBytes = DefaultMaxInputBytes
	}
	if opts.MaxTextBytes <= 0 {
		opts.MaxTextBytes = DefaultMaxTextBytes
	}
	g, err := parse(r, opts, chunk)
	if err != nil {
		return nil, fmt.Errorf("rawfile.Parse(%q): %w", opts.Name, err)
	}
	return g, nil
}

func parse(r io.Reader, opts Options, chunk int) (*Genome, error) {
	text, size, err := openText(r, opts)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(text, 64<<10)
	if err := checkStart(br, opts.Name); err != nil {
		return nil, err
	}
	p := newParser(opts.Name, size)
	if err := p.lines(br, chunk); err != nil {
		return nil, err
	}
	return p.finish()
}

// chunkBytes is how much text lines reads at once: enough that the cost of
// a read and of carrying a cut line to the next chunk is spread over
// thousands of rows, small enough to stay in the cache.
const chunkBytes = 256 << 10

// minChunkBytes is the smallest chunk lines works with: one that holds the
// longest line allowed, its CRLF and one byte more, so a line too long is
// seen before the chunk is full.
const minChunkBytes = MaxLineBytes + 3

// lines feeds each line of r, without its line end, to the parser. It reads
// a chunk of many lines at a time and reads every complete line in it
// before reading on; a line cut by the chunk's end is moved to the chunk's
// start and completed by the next read. Only one chunk is ever held.
func (p *parser) lines(r io.Reader, chunk int) error {
	buf := make([]byte, max(chunk, minChunkBytes))
	end, empty := 0, 0 // buf[:end] is text not yet read into rows
	for {
		n, rerr := r.Read(buf[end:])
		end += n
		used, err := p.block(buf[:end])
		if err != nil {
			return err
		}
		cut := end - used // the start of a line whose end has not come
		if cut > MaxLineBytes+2 {
			return longLine(p.line + 1)
		}
		switch {
		case rerr == io.EOF:
			if cut > 0 {
				return p.line1(buf[used:end])
			}
			return nil
		case rerr != nil:
			return rerr // a bound, a damaged archive or the upload itself
		case n == 0:
			if empty++; empty >= 100 {
				return io.ErrNoProgress
			}
		default:
			empty = 0
		}
		end = copy(buf, buf[used:end])
	}
}

// block reads the complete lines at the start of b and returns how many
// bytes they took. Rows in the usual form are read by plainRows; any other
// line, and a row plainRows leaves because b ends too soon after it, is
// cut at its line end and read by line1.
func (p *parser) block(b []byte) (int, error) {
	i := 0
	for {
		if p.inData {
			i += p.plainRows(b[i:])
		}
		nl := bytes.IndexByte(b[i:], '\n')
		if nl < 0 {
			return i, nil
		}
		if err := p.line1(b[i : i+nl]); err != nil {
			return i, err
		}
		i += nl + 1
	}
}

// line1 reads one line, given without its '\n' but with any '\r'.
func (p *parser) line1(line []byte) error {
	p.line++
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if len(line) > MaxLineBytes {
		return longLine(p.line)
	}
	return p.handle(line)
}

func longLine(line int) error {
	return invalidf("Line %d is longer than %d bytes, so this is not a 23andMe raw-data file (its lines are under 100 bytes). Upload the file exactly as 23andMe's download gave it.",
		line, MaxLineBytes)
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
		keys:      make([]uint32, startRows),
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
