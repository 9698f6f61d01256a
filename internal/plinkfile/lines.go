package plinkfile

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// maxLine is the longest line lineReader takes, as the bufio.Scanner it
// replaced took.
const maxLine = 1 << 20

// lineReader hands out a text file's lines as substrings of chunks of up
// to maxLine bytes (its buffer's size), each chunk converted to a string
// once: the callers keep fields of the lines (a .bim's marker ids) without
// copying each. A chunk stays in memory while any substring of it does.
// Lines end in "\n"; a final line may lack it. A bufio.Scanner splitting at
// the last "\n" of what it holds gives the chunks.
type lineReader struct {
	sc   *bufio.Scanner
	text string // whole lines not yet returned
}

// newLineReader reads lines of up to size bytes (maxLine in use).
func newLineReader(r io.Reader, size int) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, size), size)
	sc.Split(wholeLines)
	return &lineReader{sc: sc}
}

// wholeLines is a bufio.SplitFunc whose tokens are every whole line the
// buffer holds, and at the end of the file a last line without "\n".
func wholeLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i+1], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// next returns the next line without its "\n"; ok is false at the end of
// the file or on an error, which Err then returns.
func (l *lineReader) next() (line string, ok bool) {
	if l.text == "" {
		if !l.sc.Scan() {
			return "", false
		}
		l.text = l.sc.Text()
	}
	line, l.text, _ = strings.Cut(l.text, "\n")
	return line, true
}

// Err returns the error that ended reading, nil at the end of the file.
func (l *lineReader) Err() error { return l.sc.Err() }
