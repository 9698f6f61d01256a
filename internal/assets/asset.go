package assets

import (
	"fmt"

	"phenolink/internal/assets/internal/pipeline"
)

// asset is one built file, ready to serve: its bytes, its gzip copy and
// the facts about it that do not depend on the request.
type asset struct {
	name        string
	hash        string
	contentType string
	url         string // "/static/<hash>/<name>", made once for every page render
	body        []byte
	gzipped     []byte // nil when gzip would not make the file smaller
}

// newAsset makes an asset from a file and its gzip copy, compressing
// data itself when gz is nil (a Debug rebuild; dist ships its copies).
func newAsset(name, hash string, data, gz []byte) (*asset, error) {
	if gz == nil {
		var err error
		if gz, err = pipeline.Gzip(data); err != nil {
			return nil, fmt.Errorf("gzip %q: %w", name, err)
		}
	}
	if len(gz) >= len(data) {
		gz = nil
	}
	return &asset{
		name:        name,
		hash:        hash,
		contentType: contentType(name),
		url:         "/static/" + hash + "/" + name,
		body:        data,
		gzipped:     gz,
	}, nil
}
