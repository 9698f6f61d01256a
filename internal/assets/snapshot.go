package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"

	"phenolink/internal/assets/internal/pipeline"
)

// hashLen is how many hex digits of the SHA-256 name a version: 64 bits
// make an accidental collision between two builds practically impossible.
const hashLen = 16

// snapshot is one complete build. It is never modified after creation,
// so requests may read it while a rebuild prepares the next one.
type snapshot struct {
	byName map[string]*asset
}

// newSnapshot fingerprints compiled files. A file and its source map
// share one hash, taken over both, so the map a browser fetches next to
// a file (its sourceMappingURL is relative) always belongs to that file.
// A file's gzip copy is taken from files[name+".gz"] when present, and
// made here otherwise.
func newSnapshot(files map[string][]byte) (*snapshot, error) {
	snap := &snapshot{byName: make(map[string]*asset, len(files))}
	for _, entry := range pipeline.EntryPoints {
		body, ok := files[entry]
		if !ok {
			return nil, fmt.Errorf("no built file %q", entry)
		}
		sourceMap, ok := files[entry+".map"]
		if !ok {
			return nil, fmt.Errorf("no source map %q", entry+".map")
		}
		sum := sha256.New()
		sum.Write(body)
		sum.Write(sourceMap)
		hash := hex.EncodeToString(sum.Sum(nil))[:hashLen]
		for name, data := range map[string][]byte{entry: body, entry + ".map": sourceMap} {
			a, err := newAsset(name, hash, data, files[name+".gz"])
			if err != nil {
				return nil, err
			}
			snap.byName[name] = a
		}
	}
	return snap, nil
}

// contentType names the media type of a built file. It does not use
// mime.TypeByExtension because that depends on the host's mime.types.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".map":
		return "application/json"
	}
	return "application/octet-stream"
}
