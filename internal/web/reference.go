package web

import (
	"context"
	"sync"
)

// accession is a reference sequence: a chromosome's accession id and length
// in GRCh37.
type accession struct {
	ID         string
	Chromosome string
	Length     int64
}

// referenceCache keeps reference data the API serves without a token. It
// never changes for a genome build, so entries never expire; failures are
// not cached, so the next request tries again.
type referenceCache struct {
	api *api

	mu         sync.Mutex
	accessions map[string]accession
}

func newReferenceCache(a *api) *referenceCache {
	return &referenceCache{api: a, accessions: make(map[string]accession)}
}

// accession returns the accession with id, from memory after the first call.
func (c *referenceCache) accession(ctx context.Context, id string) (accession, error) {
	c.mu.Lock()
	acc, ok := c.accessions[id]
	c.mu.Unlock()
	if ok {
		return acc, nil
	}
	acc, err := c.api.accession(ctx, id)
	if err != nil {
		return accession{}, err
	}
	c.mu.Lock()
	c.accessions[id] = acc
	c.mu.Unlock()
	return acc, nil
}
