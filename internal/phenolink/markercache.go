package phenolink

import (
	"sync"
	"time"
)

// DefaultMarkerCacheIdle is how long an unused MarkerCache keeps its index.
const DefaultMarkerCacheIdle = 5 * time.Minute

// MarkerCache holds one process's copy of the marker index. It loads
// nothing itself: a store locks it, brings the index up to date with the
// database and unlocks it. An index unused for Idle is dropped, so a web
// process that served one genotype page or import returns to its idle
// memory; the next use reloads it (some 0.1 s for a million markers).
type MarkerCache struct {
	Idle time.Duration // zero means DefaultMarkerCacheIdle

	mu    sync.Mutex
	x     *MarkerIndex
	timer *time.Timer
}

// Lock locks the cache and returns its index, nil when none is loaded.
// The caller must call Unlock with the index to keep, which may be new.
func (c *MarkerCache) Lock() *MarkerIndex {
	c.mu.Lock()
	return c.x
}

// Unlock keeps x (nil drops the index) and restarts the idle countdown.
func (c *MarkerCache) Unlock(x *MarkerIndex) {
	defer c.mu.Unlock()
	c.x = x
	idle := c.Idle
	if idle <= 0 {
		idle = DefaultMarkerCacheIdle
	}
	if c.timer == nil {
		c.timer = time.AfterFunc(idle, c.drop)
		return
	}
	c.timer.Reset(idle)
}

// drop forgets the index after it went unused.
func (c *MarkerCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.x = nil
}

// Stop drops the index and its timer, for a store being closed.
func (c *MarkerCache) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.x = nil
}
