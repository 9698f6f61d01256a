package plinkfile

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// maxLine is the longest line lineReader takes, as the bufio.Scanner it
// replaced took.
const maxLine = 1 << 20

// lineReader hands out a text file's lines as substrings of chunks of up
// to maxLine bytes (its buffer's size), each chunk converted to a string once: the callers
// keep fields of the lines (a .bim's marker ids) without copying each.
// A chunk stays in memory while any substring of it does. Lines end in
// "\n"; a final line may lack it.
type lineReader struct {
	r    io.Reader
	buf  []byte
	n    int    // bytes in buf not yet in text: the start of a line
	text string // whole lines not yet returned
	eof  bool
	err  error
}

// newLineReader reads lines of up to size bytes (maxLine in use).
func newLineReader(r io.Reader, size int) *lineReader {
	return &lineReader{r: r, buf: make([]byte, size)}
}

// next returns the next line without its "\n"; ok is false at the end of
// the file or on an error, which err then returns.
func (l *lineReader) next() (line string, ok bool) {
	for {
		if i := strings.IndexByte(l.text, '\n'); i >= 0 {
			line, l.text = l.text[:i], l.text[i+1:]
			return line, true
		}
		if l.err != nil {
			return "", false
		}
		if l.eof {
			if l.n == 0 {
				return "", false
			}
			line = string(l.buf[:l.n])
			l.n = 0
			return line, true
		}
		l.fill()
	}
}

// fill reads until buf holds a whole line or the file ends, then moves
// buf's whole lines into text.
func (l *lineReader) fill() {
	for !l.eof && l.err == nil {
		if l.n == len(l.buf) {
			l.err = bufio.ErrTooLong
			return
		}
		k, err := l.r.Read(l.buf[l.n:])
		found := bytes.IndexByte(l.buf[l.n:l.n+k], '\n') >= 0
		l.n += k
		if errors.Is(err, io.EOF) {
			l.eof = true
		} else if err != nil {
			l.err = err
		}
		if found {
			break
		}
	}
	last := bytes.LastIndexByte(l.buf[:l.n], '\n')
	if last < 0 {
		return
	}
	l.text = string(l.buf[:last+1])
	l.n = copy(l.buf, l.buf[last+1:l.n])
}

// Err returns the error that ended reading, nil at the end of the file.
func (l *lineReader) Err() error { return l.err }
