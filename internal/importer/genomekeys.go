package importer

import (
	"context"
	"sync"

	"phenolink/internal/ttam"
)

// GenomeKeys caches the genome key (/res/txt/snps.data) per API URL. The
// key is the same for every person and tens of megabytes long, so it is
// fetched once per process rather than once per sync. The zero value is
// ready to use.
type GenomeKeys struct {
	mu      sync.Mutex
	entries map[string]*keyEntry
	fetches int // keys fetched, for tests and logs
}

// keyEntry is one URL's key; its own lock makes concurrent syncs wait for
// one fetch instead of each starting theirs.
type keyEntry struct {
	mu  sync.Mutex
	key *ttam.GenomeKey
}

// Key returns the cached key for apiURL, fetching it with c when there is
// none or when stale is the cached key (a genome outgrew it).
func (k *GenomeKeys) Key(ctx context.Context, c *ttam.Client, apiURL string, stale *ttam.GenomeKey) (*ttam.GenomeKey, error) {
	k.mu.Lock()
	if k.entries == nil {
		k.entries = make(map[string]*keyEntry)
	}
	e, ok := k.entries[apiURL]
	if !ok {
		e = new(keyEntry)
		k.entries[apiURL] = e
	}
	k.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.key != nil && e.key != stale {
		return e.key, nil
	}
	key, err := c.GenomeKey(ctx)
	if err != nil {
		return nil, err
	}
	e.key = key
	k.mu.Lock()
	k.fetches++
	k.mu.Unlock()
	return key, nil
}

// Fetches returns how many keys were fetched so far.
func (k *GenomeKeys) Fetches() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.fetches
}
