package rawfile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"phenolink/internal/phenolink"
)

// Magic bytes that tell the container apart; the file name is never trusted.
var (
	magicGzip     = []byte{0x1f, 0x8b}
	magicZip      = []byte("PK\x03\x04")
	magicEmptyZip = []byte("PK\x05\x06")
)

// boundedReader fails with an ETOOLARGE error once more than max bytes
// have been read, so neither an upload nor a decompression bomb can grow
// past its bound.
type boundedReader struct {
	r    io.Reader
	left int64
	what string // "upload" or "decompressed text", for the message
	max  int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Probe one byte so that a file of exactly max bytes still passes.
		var one [1]byte
		if n, err := b.r.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, phenolink.Errorf(phenolink.ETOOLARGE,
			"The %s is larger than %d MB; a 23andMe raw-data file is about 25 MB. Upload the file exactly as 23andMe's download gave it.",
			b.what, b.max>>20)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// openText returns the decompressed text of the upload in, bounded by opts,
// and a guess at the text's size (0 when there is none) to size the columns.
func openText(in io.Reader, opts Options) (io.Reader, int64, error) {
	br := bufio.NewReaderSize(&boundedReader{r: in, left: opts.MaxInputBytes, what: "upload", max: opts.MaxInputBytes}, 64<<10)
	head, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return nil, 0, err
	}
	var text io.Reader
	size := opts.SizeHint
	switch {
	case len(head) == 0:
		return nil, 0, invalidf("The file %sis empty. Download your raw data from 23andMe again and upload that file.", named(opts.Name))
	case bytes.HasPrefix(head, magicGzip):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, 0, gzipError(err, opts.Name)
		}
		text = &gzipReader{zr: zr, name: opts.Name}
		size *= gzipRatio
	case bytes.HasPrefix(head, magicZip), bytes.HasPrefix(head, magicEmptyZip):
		text, size, err = openZip(br, opts.Name)
		if err != nil {
			return nil, 0, err
		}
	default:
		text = br
	}
	return &boundedReader{r: text, left: opts.MaxTextBytes, what: "decompressed text", max: opts.MaxTextBytes}, size, nil
}

// gzipRatio is about how much a 23andMe raw file shrinks under gzip.
const gzipRatio = 4

// gzipReader turns gzip's errors into messages for the person uploading.
type gzipReader struct {
	zr   *gzip.Reader
	name string
}

func (g *gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err, g.name)
	}
	return n, err
}

func gzipError(err error, name string) error {
	var tooLarge *phenolink.Error
	if errors.As(err, &tooLarge) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return invalidf("The gzip file %sis cut short: the upload stopped before its end. Download it again and upload the whole file.", named(name))
	}
	return invalidf("The gzip file %sis damaged (%v). Download it again and upload the whole file.", named(name), err)
}

// openZip reads the whole zip into memory, within the upload bound, because
// archive/zip needs its central directory at the end; streaming the local
// headers instead would miss entries written with data descriptors and
// could not tell a zip of several files until its end. The bytes never
// touch the disk.
func openZip(r io.Reader, name string) (io.Reader, int64, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, 0, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, 0, invalidf("The zip file %sis cut short or damaged (%v). Download it again and upload the whole file.", named(name), err)
	}
	var files []*zip.File
	for _, f := range zr.File {
		if !ignoredZipEntry(f.Name) {
			files = append(files, f)
		}
	}
	switch len(files) {
	case 0:
		return nil, 0, invalidf("The zip file %sholds no file. Download your raw data from 23andMe again and upload that file.", named(name))
	case 1:
	default:
		names := make([]string, 0, 3)
		for _, f := range files[:min(3, len(files))] {
			names = append(names, fmt.Sprintf("%q", f.Name))
		}
		return nil, 0, invalidf("The zip file %sholds %d files (%s); it must hold only the 23andMe raw-data text file. Upload that file alone.",
			named(name), len(files), strings.Join(names, ", "))
	}
	f := files[0]
	if f.Flags&0x1 != 0 {
		return nil, 0, invalidf("The zip file %sis password-protected. Unzip it and upload the text file inside.", named(name))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, 0, invalidf("The zip file %scannot be read (%v). Unzip it and upload the text file inside.", named(name), err)
	}
	return &zipEntryReader{rc: rc, name: name}, int64(min(f.UncompressedSize64, 1<<40)), nil
}

// ignoredZipEntry reports entries that archivers add next to the file:
// folders and the resource forks and folder settings macOS zips carry.
func ignoredZipEntry(name string) bool {
	return strings.HasSuffix(name, "/") || strings.HasPrefix(name, "__MACOSX/") || path.Base(name) == ".DS_Store"
}

// zipEntryReader turns a damaged entry's errors into messages.
type zipEntryReader struct {
	rc   io.ReadCloser
	name string
}

func (z *zipEntryReader) Read(p []byte) (int, error) {
	n, err := z.rc.Read(p)
	if err != nil && err != io.EOF {
		var pe *phenolink.Error
		if !errors.As(err, &pe) {
			err = invalidf("The zip file %sis damaged (%v). Download it again and upload the whole file.", named(z.name), err)
		}
	}
	return n, err
}

// named renders an upload's name for a message, with the space that
// follows it, or nothing when the name is unknown.
func named(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf("%q ", name)
}

func invalidf(format string, args ...any) error {
	return phenolink.Errorf(phenolink.EINVALID, format, args...)
}
