package research

import (
	"context"
	"fmt"
	"time"
)

// RefreshActiveFor is how long after a results page Refresh keeps the
// values current: a process whose results pages nobody opens does not
// read them, and past it keeps nothing of the cohort in memory.
const RefreshActiveFor = 10 * time.Minute

// Refresh keeps the values that pages read current while researchers use
// the pages, so that a page after a write to the cohort need not read
// them itself. At once and every interval, if a page was served in the
// last RefreshActiveFor, it reads the change counters and, when the
// cohort's has moved past the values kept (or none are kept), reads every
// catalog phenotype's values as the next page would have (only the
// changes, where the store can name them); Expect counts as a page. This
// only moves the read out of a page's way: a page that comes before it
// still reads for itself, and what a page may show is decided by the
// counters it reads, as before. It returns when ctx is done; a failed
// read is given to report and tried again at the next tick.
func (s *Service) Refresh(ctx context.Context, interval time.Duration, report func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	// The first tick comes at once: a process that expects pages from
	// its start reads the values before the first page, not a second in.
	for {
		if err := s.refresh(ctx, time.Now()); err != nil && ctx.Err() == nil {
			report(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Expect records that a results page is likely soon (a researcher has
// opened the research pages or the results form), so that Refresh reads
// the values ahead of it, as it does while pages are being served.
func (s *Service) Expect() { s.lastPage.Store(time.Now().UnixNano()) }

// refresh is one tick of Refresh, at now.
func (s *Service) refresh(ctx context.Context, now time.Time) error {
	last := s.lastPage.Load()
	if last == 0 || now.Sub(time.Unix(0, last)) > RefreshActiveFor {
		// Nobody uses the pages: keep nothing of the cohort either, so
		// that no values or calls of people who have left since stay in
		// memory long after the last page.
		s.cache.drop()
		return nil
	}
	gens, err := s.Markers.Generations(ctx)
	if err != nil {
		return fmt.Errorf("research.Refresh: reading the change counters: %w", err)
	}
	// A catalog too large to keep leaves nothing kept: refreshed stops
	// the next ticks reading it again under the same count.
	if s.refreshed.Load() == gens.Cohort+1 || s.cache.valuesCurrent(gens.Cohort) {
		return nil
	}
	if _, err := s.cachedValues(ctx, gens.Cohort); err != nil {
		return fmt.Errorf("research.Refresh: %w", err)
	}
	s.refreshed.Store(gens.Cohort + 1)
	return nil
}

// drop forgets everything kept, as a new Service has it.
func (c *pageCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.values = valuesCache{}
	c.calls = callsCache{}
}

// valuesCurrent reports whether the values kept were read no earlier than
// the cohort count gen, or are being read so.
func (c *pageCache) valuesCurrent(gen int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return gen <= c.values.gen && (c.values.have != nil || c.values.loading != nil)
}
