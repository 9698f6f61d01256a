package web

import (
	"context"
	"sync"
	"time"
)

// accession is a reference sequence: a chromosome's accession id and length
// in GRCh37.
type accession struct {
	ID         string
	Chromosome string
	Length     int64
}

// referenceRetryAfter is how long a failed look-up is answered from memory
// before the API is asked again, so that while the API is down each page
// does not wait on a call of its own.
const referenceRetryAfter = 30 * time.Second

// referenceCache keeps reference data the API serves without a token. It
// never changes for a genome build, so entries never expire; a failure is
// remembered for referenceRetryAfter only, so the card comes back soon
// after the API does.
type referenceCache struct {
	api *api
	now func() time.Time

	mu         sync.Mutex
	accessions map[string]accession
	failures   map[string]referenceFailure
}

// referenceFailure is a failed look-up and when it may be tried again.
type referenceFailure struct {
	err        error
	retryAfter time.Time
}

func newReferenceCache(a *api) *referenceCache {
	return &referenceCache{api: a, now: time.Now, accessions: make(map[string]accession), failures: make(map[string]referenceFailure)}
}

// accession returns the accession with id, from memory after the first
// successful call.
func (c *referenceCache) accession(ctx context.Context, id string) (accession, error) {
	c.mu.Lock()
	acc, ok := c.accessions[id]
	f, failed := c.failures[id]
	c.mu.Unlock()
	if ok {
		return acc, nil
	}
	if failed && c.now().Before(f.retryAfter) {
		return accession{}, f.err
	}
	acc, err := c.api.accession(ctx, id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			// A request that gave up says nothing about the API.
			c.failures[id] = referenceFailure{err: err, retryAfter: c.now().Add(referenceRetryAfter)}
		}
		return accession{}, err
	}
	c.accessions[id] = acc
	delete(c.failures, id)
	return acc, nil
}
