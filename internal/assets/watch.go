package assets

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// watch polls the sources every interval and rebuilds when their content
// changes. Polling hashes the files rather than comparing mtimes, so
// edits within one mtime tick and editors that restore mtimes are still
// seen; the source tree is a few kilobytes, so this costs microseconds.
// last is the digest of the sources the current build was made from.
func (b *Bundle) watch(last [sha256.Size]byte, interval time.Duration) {
	defer close(b.done)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	// unreadable is set while the sources cannot be read, so a deleted
	// directory is logged once rather than every interval.
	unreadable := false
	for {
		select {
		case <-b.stop:
			return
		case <-ticker.C:
		}
		digest, err := sourcesDigest(b.sources)
		if err != nil {
			if !unreadable {
				b.log.Error("assets: reading sources; still serving the previous build", "err", err)
			}
			unreadable = true
			continue
		}
		unreadable = false
		if digest == last {
			continue
		}
		last = digest
		if err := b.rebuild(); err != nil {
			b.log.Error("assets: rebuild failed; still serving the previous build", "err", err)
		}
	}
}

// sourcesDigest hashes the names and contents of every file in fsys.
func sourcesDigest(fsys fs.FS) ([sha256.Size]byte, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		// Each file's own hash goes in after its name, so bytes moving
		// from one file to the next still change the digest.
		fileHash := sha256.New()
		if _, err := io.Copy(fileHash, f); err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%x\x00", name, fileHash.Sum(nil))
		return nil
	})
	var sum [sha256.Size]byte
	if err != nil {
		return sum, fmt.Errorf("digest sources: %w", err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}
