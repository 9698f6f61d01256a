package pipeline

import (
	"bytes"
	"compress/gzip"
)

// Gzip compresses data at compress/gzip's best level. Files are
// compressed once, when built, so the slower level costs nothing per
// request and makes every response smaller.
func Gzip(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
