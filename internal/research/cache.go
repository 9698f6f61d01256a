package research

import (
	"container/list"
	"context"
	"fmt"
	"slices"
	"sync"

	"phenolink/internal/phenolink"
)

// DefaultCallsCacheBytes bounds the calls a Service keeps, which cost a
// byte per stored record and marker: 16 MiB holds about 1,600 markers of
// 10,000 records, or 160 of 100,000. After a write to the records, what
// was kept stays beside the new calls until the next write, as the base
// of reads of the records written since: up to twice this in all.
const DefaultCallsCacheBytes = 16 << 20

// callsEntryOverhead is what a cached marker costs besides its calls: its
// list element, map entry and slice header, roughly.
const callsEntryOverhead = 128

// pageCache keeps what pages read from the stores, so that repeated and
// overlapping pages do not read it again: every catalog phenotype's
// consenting values, and each marker's calls in every stored record, the
// least recently used markers dropped past the byte budget. Each half is
// tagged with the change count (phenolink.Generations) read before it was
// read, so it is at least as new as that count, and is dropped as soon as
// a request reads a newer count. A read another page has under way is
// waited for rather than repeated.
type pageCache struct {
	mu     sync.Mutex
	values valuesCache
	calls  callsCache
}

// valuesCache holds every catalog phenotype's consenting values.
type valuesCache struct {
	gen     int64         // the newest cohort count a request has read
	have    *cohortValues // read after gen was read; nil until then
	loading *valuesLoad   // a read started after gen was read, or nil
	// latest is the newest values any read gave, current or not: the
	// next read reads only the changes since its count, where the store
	// can say what they are (Service.Changes).
	latest *cohortValues
}

// cohortValues are the catalog and every catalog phenotype's consenting
// values, numbered as readValues numbers them.
type cohortValues struct {
	gen         int64             // the values are at least as new as this cohort count
	ids         []string          // every consenting profile with a value, in order
	catalog     []cohort          // in catalog order; rows index ids
	byPhenotype map[string]cohort // the same by phenotype id
}

// valuesLoad is a read of the values under way; got and err are set
// before done is closed.
type valuesLoad struct {
	done chan struct{}
	got  *cohortValues // nil when the catalog is too large for one read
	err  error
}

// callsCache holds markers' calls in every stored record.
type callsCache struct {
	gen     int64                 // the newest genome count a request has read
	ids     []string              // the records' profile ids, once a read since gen gave them
	haveIDs bool                  // whether one has
	entries map[int]*list.Element // by index position; values are *callsEntry
	lru     list.List             // most recently used first
	bytes   int
	loading map[int]*callsLoad // reads started after gen was read, by position
	// base is what the cache held under the count before gen (or an
	// earlier one), for reads of the records written since.
	base *callsBase
}

// callsEntry is one marker's calls: calls[i] is that of the record of
// callsCache.ids[i].
type callsEntry struct {
	position int
	calls    []phenolink.Call
}

// callsLoad is a read of some markers' calls under way; got and err are
// set before done is closed.
type callsLoad struct {
	done chan struct{}
	got  *callsRead
	err  error
}

// callsRead is what one CallsAt gave: the records' profile ids in order,
// and each position's calls, calls[p][i] that of record ids[i].
type callsRead struct {
	ids   []string
	calls map[int][]phenolink.Call
}

// markerCalls are one marker's calls and the records they are of.
type markerCalls struct {
	ids   []string
	calls []phenolink.Call
}

// cachedValues returns every catalog phenotype's consenting values, read
// no earlier than the cohort count gen was; nil (and no error) when the
// catalog is too large to read at once.
func (s *Service) cachedValues(ctx context.Context, gen int64) (*cohortValues, error) {
	c := &s.cache
	for {
		c.mu.Lock()
		v := &c.values
		if gen > v.gen {
			v.gen, v.have, v.loading = gen, nil, nil
		}
		if v.have != nil {
			have := v.have
			c.mu.Unlock()
			return have, nil
		}
		l := v.loading
		if l == nil {
			l = &valuesLoad{done: make(chan struct{})}
			v.loading = l
			at, latest := v.gen, v.latest
			c.mu.Unlock()
			l.got, l.err = s.loadValues(ctx, at, latest)
			c.mu.Lock()
			if v.loading == l {
				v.loading = nil
			}
			if l.got != nil && (v.latest == nil || l.got.gen > v.latest.gen) {
				v.latest = l.got
			}
			// A newer count read meanwhile may have changed what this
			// read saw: give it to this page, keep it for none.
			if l.err == nil && v.gen == at {
				v.have = l.got
			}
			c.mu.Unlock()
			close(l.done)
			return l.got, l.err
		}
		c.mu.Unlock()
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("research.Results: waiting for another page's read of the values: %w", ctx.Err())
		}
		if l.err == nil {
			return l.got, nil
		}
		// That read failed, perhaps because its own page was cancelled:
		// this page reads for itself.
	}
}

// loadValues reads every catalog phenotype's consenting values, read
// after the cohort count at was: from latest, values read before, and the
// changes since, when the store can name them (see patchValues), or else
// in one CohortValuesOf; nil when the catalog is too large for one.
func (s *Service) loadValues(ctx context.Context, at int64, latest *cohortValues) (*cohortValues, error) {
	if latest != nil && s.Changes != nil {
		// A failed read of the changes (a phenotype deleted between the
		// catalog's read and theirs, a store whose logs were taken down)
		// falls back to the whole read, which reports its own failures.
		got, err := s.patchValues(ctx, latest)
		switch {
		case err == nil && got != nil:
			return got, nil
		case ctx.Err() != nil:
			return nil, err
		}
	}
	catalog, err := s.Phenotypes.Phenotypes(ctx)
	if err != nil {
		return nil, fmt.Errorf("research.Results: reading the catalog: %w", err)
	}
	if len(catalog) > phenolink.MaxCohortPhenotypes {
		return nil, nil
	}
	cohorts, ids, err := s.readValues(ctx, catalog)
	if err != nil {
		return nil, err
	}
	return newCohortValues(at, ids, cohorts), nil
}

// newCohortValues numbers cohorts by phenotype id.
func newCohortValues(gen int64, ids []string, cohorts []cohort) *cohortValues {
	all := &cohortValues{gen: gen, ids: ids, catalog: cohorts, byPhenotype: make(map[string]cohort, len(cohorts))}
	for _, c := range cohorts {
		all.byPhenotype[c.phenotype.ID] = c
	}
	return all
}

// cohorts returns the cohorts of the phenotypes ids, sharing all's values,
// or of the whole catalog when there are none; ENOTFOUND names an id not in
// the catalog.
func (all *cohortValues) cohorts(ids []string) ([]cohort, error) {
	if len(ids) == 0 {
		return slices.Clone(all.catalog), nil
	}
	out := make([]cohort, len(ids))
	for k, id := range ids {
		c, ok := all.byPhenotype[id]
		if !ok {
			return nil, errNotInCatalog(id)
		}
		out[k] = c
	}
	return out, nil
}

// cachedCalls returns the calls in every stored record at each of
// positions, read no earlier than the genome count gen was: from the
// cache, from reads other pages have under way, and, for the rest, from
// one CallsAt.
func (s *Service) cachedCalls(ctx context.Context, gen int64, positions []int) ([]markerCalls, error) {
	out := make([]markerCalls, len(positions))
	got := make([]bool, len(positions))
	c := &s.cache
	for {
		from := map[int]*callsLoad{} // the read each missing position comes from
		var mine []int
		c.mu.Lock()
		cc := &c.calls
		if cc.entries == nil || gen > cc.gen {
			cc.reset(gen)
		}
		for j, p := range positions {
			if got[j] {
				continue
			}
			if e, ok := cc.entries[p]; ok {
				cc.lru.MoveToFront(e)
				out[j], got[j] = markerCalls{cc.ids, e.Value.(*callsEntry).calls}, true
				continue
			}
			if _, seen := from[p]; seen {
				continue
			}
			if l := cc.loading[p]; l != nil {
				from[p] = l
				continue
			}
			mine = append(mine, p)
			from[p] = nil // this page's read, made below
		}
		if len(mine) > 0 {
			l := &callsLoad{done: make(chan struct{})}
			for _, p := range mine {
				cc.loading[p], from[p] = l, l
			}
			at, base := cc.gen, cc.base
			c.mu.Unlock()
			l.got, l.err = s.loadCalls(ctx, mine, base)
			c.mu.Lock()
			for _, p := range mine {
				if cc.loading[p] == l {
					delete(cc.loading, p)
				}
			}
			if l.err == nil && cc.gen == at {
				cc.add(l.got, s.callsBudget())
			}
			c.mu.Unlock()
			close(l.done)
			if l.err != nil {
				return nil, l.err
			}
		} else {
			c.mu.Unlock()
		}
		for j, p := range positions {
			if got[j] {
				continue
			}
			l := from[p]
			select {
			case <-l.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("research.Results: waiting for another page's read of calls: %w", ctx.Err())
			}
			if l.err == nil {
				out[j], got[j] = markerCalls{l.got.ids, l.got.calls[p]}, true
			}
		}
		if !slices.Contains(got, false) {
			return out, nil
		}
		// A read this page waited for failed, perhaps because its own
		// page was cancelled: this page reads what is missing itself.
	}
}

func (s *Service) callsBudget() int {
	if s.CallsCacheBytes == 0 {
		return DefaultCallsCacheBytes
	}
	return s.CallsCacheBytes
}

// loadCalls reads the calls at positions in every stored record: from
// base and the records written since, where base holds every position
// and the store can name the changes (see patchCalls), or else in one
// CallsAt.
func (s *Service) loadCalls(ctx context.Context, positions []int, base *callsBase) (*callsRead, error) {
	if base != nil && s.Changes != nil && hasAll(base.calls, positions) {
		// As in loadValues, a failed read of the changes falls back to
		// the whole read.
		got, err := s.patchCalls(ctx, positions, base)
		switch {
		case err == nil && got != nil:
			return got, nil
		case ctx.Err() != nil:
			return nil, err
		}
	}
	return s.readCalls(ctx, positions)
}

// hasAll reports whether calls holds every position.
func hasAll(calls map[int][]phenolink.Call, positions []int) bool {
	for _, p := range positions {
		if _, ok := calls[p]; !ok {
			return false
		}
	}
	return true
}

// reset empties the cache for the genome count gen, keeping what it held
// as the base for reads of the changes since, and nothing older: calls of
// records deleted since are not kept past the next write.
func (cc *callsCache) reset(gen int64) {
	cc.base = nil
	if cc.haveIDs && len(cc.entries) > 0 {
		b := &callsBase{gen: cc.gen, ids: cc.ids, calls: make(map[int][]phenolink.Call, len(cc.entries))}
		for p, e := range cc.entries {
			b.calls[p] = e.Value.(*callsEntry).calls
		}
		cc.base = b
	}
	cc.gen, cc.ids, cc.haveIDs, cc.bytes = gen, nil, false, 0
	cc.entries = map[int]*list.Element{}
	cc.loading = map[int]*callsLoad{}
	cc.lru.Init()
}

// add keeps r's markers, dropping the least recently used past budget.
// A read whose records differ from those the cache holds saw a write that
// has moved the count: it is kept by none.
func (cc *callsCache) add(r *callsRead, budget int) {
	switch {
	case !cc.haveIDs:
		cc.ids, cc.haveIDs = r.ids, true
	case !slices.Equal(cc.ids, r.ids):
		return
	default:
		r.ids = cc.ids // one copy of the ids, and pages lay out equal ids once
	}
	for p, calls := range r.calls {
		if _, ok := cc.entries[p]; ok {
			continue
		}
		cc.entries[p] = cc.lru.PushFront(&callsEntry{position: p, calls: calls})
		cc.bytes += len(calls) + callsEntryOverhead
	}
	for cc.bytes > budget && cc.lru.Len() > 0 {
		e := cc.lru.Remove(cc.lru.Back()).(*callsEntry)
		delete(cc.entries, e.position)
		cc.bytes -= len(e.calls) + callsEntryOverhead
	}
}
