package assets

import (
	"bytes"
	"compress/gzip"
	"fmt"
)

// asset is one built file, ready to serve: its bytes, a gzip copy made
// once at build time, and the headers that do not depend on the request.
type asset struct {
	name        string
	hash        string
	contentType string
	body        []byte
	gzipped     []byte // nil when gzip would not make the file smaller
}

// newAsset precompresses data at gzip's best level: it runs once per
// build, and every response after that is smaller for it.
func newAsset(name, hash string, data []byte) (*asset, error) {
	gz, err := gzipBytes(data)
	if err != nil {
		return nil, fmt.Errorf("gzip %q: %w", name, err)
	}
	if len(gz) >= len(data) {
		gz = nil
	}
	return &asset{name: name, hash: hash, contentType: contentType(name), body: data, gzipped: gz}, nil
}

// gzipBytes compresses data with compress/gzip at BestCompression.
func gzipBytes(data []byte) ([]byte, error) {
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

// url is the path pages link the asset at.
func (a *asset) url() string {
	return "/static/" + a.hash + "/" + a.name
}
