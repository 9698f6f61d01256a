package research

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// countingStore is a memStore that counts the page's two reads and
// remembers the positions each CallsAt asked for; delay slows every read,
// so that pages asking at once overlap.
type countingStore struct {
	*memStore
	delay time.Duration

	mu        sync.Mutex
	values    int
	positions [][]int
	failCalls error // returned by CallsAt while set
}

func (s *countingStore) CohortValuesOf(ctx context.Context, ids []string, fn func(string, int, float64) error) error {
	s.mu.Lock()
	s.values++
	s.mu.Unlock()
	if err := sleep(ctx, s.delay); err != nil {
		return err
	}
	return s.memStore.CohortValuesOf(ctx, ids, fn)
}

func (s *countingStore) CallsAt(ctx context.Context, positions []int, fn func(string, []phenolink.Call) error) error {
	s.mu.Lock()
	s.positions = append(s.positions, slices.Clone(positions))
	fail := s.failCalls
	s.mu.Unlock()
	if err := sleep(ctx, s.delay); err != nil {
		return err
	}
	if fail != nil {
		return fail
	}
	return s.memStore.CallsAt(ctx, positions, fn)
}

// sleep waits for d or the end of ctx, as a slow database would.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// waitForReads waits until at least values reads of the values and
// calls CallsAt have begun since the counts were last taken, without
// taking them.
func (s *countingStore) waitForReads(t *testing.T, values, calls int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		v, c := s.values, len(s.positions)
		s.mu.Unlock()
		if v >= values && c >= calls {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d values reads and %d CallsAt began in 10 s, want %d and %d", v, c, values, calls)
		}
		time.Sleep(time.Millisecond)
	}
}

// reads returns the reads counted since the last call.
func (s *countingStore) reads() (values int, positions [][]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	values, positions = s.values, s.positions
	s.values, s.positions = 0, nil
	return values, positions
}

// cacheCohort is heightCohort with calls at four markers, rs1 to rs4.
func cacheCohort(t *testing.T) (*countingStore, *Service) {
	s := heightCohort(t)
	calls := []string{"AA", "AG", "GG"}
	for i := range s.nextID {
		for j, m := range []string{"rs2", "rs3", "rs4"} {
			s.setCall(t, fmtProfile(i+1), m, calls[(i+j)%3])
		}
	}
	cs := &countingStore{memStore: s}
	return cs, &Service{Markers: cs, Phenotypes: cs, MinGroupSize: 5}
}

// position returns the marker's index position.
func (s *countingStore) position(id string) int { return s.marker(id, 1) }

// samePages fails the test unless the reports are equal, table by table.
func samePages(t *testing.T, what string, got, want *Report) {
	t.Helper()
	if len(got.Tables) != len(want.Tables) {
		t.Fatalf("%s: %d tables, want %d", what, len(got.Tables), len(want.Tables))
	}
	for i, g := range got.Tables {
		w := want.Tables[i]
		if g.Marker.ID != w.Marker.ID || g.Phenotype.ID != w.Phenotype.ID || g.N != w.N || g.LeftOut != w.LeftOut ||
			!slices.Equal(g.Groups, w.Groups) || !sameTest(g.Test, w.Test) || g.Note != w.Note {
			t.Errorf("%s: table %+v %+v\nwant %+v %+v", what, g, g.Test, w, w.Test)
		}
	}
}

// TestCacheKeepsWhatPagesRead checks that a repeated page reads nothing
// again, that a page with a new marker reads only that marker's calls,
// and that a write reads again only what it changed, each page equal to
// the one a new Service computes.
func TestCacheKeepsWhatPagesRead(t *testing.T) {
	s, svc := cacheCohort(t)
	page := func(what string, snps ...string) {
		t.Helper()
		fresh := &Service{Markers: s.memStore, Phenotypes: s.memStore, MinGroupSize: 5}
		samePages(t, what, results(t, svc, snps, "height_mm", "chronotype"), results(t, fresh, snps, "height_mm", "chronotype"))
	}
	want := func(what string, values int, positions ...[]int) {
		t.Helper()
		gotValues, gotPositions := s.reads()
		if gotValues != values || !slices.EqualFunc(gotPositions, positions, slices.Equal) {
			t.Errorf("%s: %d values reads and CallsAt of %v; want %d and %v", what, gotValues, gotPositions, values, positions)
		}
	}
	p1, p2, p3 := s.position("rs1"), s.position("rs2"), s.position("rs3")

	page("first page", "rs1", "rs2")
	want("first page", 1, []int{p1, p2})
	page("the same page", "rs1", "rs2")
	want("the same page", 0)
	page("a new marker among kept ones", "rs2", "rs3", "rs1")
	want("a new marker among kept ones", 0, []int{p3})

	s.setCall(t, fmtProfile(2), "rs1", "GG")
	page("after a genome changed", "rs1", "rs2")
	want("after a genome changed", 0, []int{p1, p2})

	s.setValue(fmtProfile(3), "height_mm", 1900)
	page("after a value changed", "rs1", "rs2")
	want("after a value changed", 1)

	s.withdraw(false, fmtProfile(4))
	page("after a withdrawal", "rs1", "rs2", "rs3")
	want("after a withdrawal", 1, []int{p3})
}

// TestCacheBudget checks that the calls kept stay within the byte budget,
// the least recently used marker going first.
func TestCacheBudget(t *testing.T) {
	s, svc := cacheCohort(t)
	records := len(s.genomes)
	svc.CallsCacheBytes = 2 * (records + callsEntryOverhead) // two markers
	p1, p2, p3 := s.position("rs1"), s.position("rs2"), s.position("rs3")
	for _, snps := range [][]string{{"rs1"}, {"rs2"}, {"rs1"}, {"rs3"}, {"rs1"}, {"rs2"}} {
		results(t, svc, snps, "height_mm")
	}
	// rs3 pushed out rs2, the least recently used; rs1 stayed.
	if _, got := s.reads(); !slices.EqualFunc(got, [][]int{{p1}, {p2}, {p3}, {p2}}, slices.Equal) {
		t.Errorf("CallsAt read %v, want %v", got, [][]int{{p1}, {p2}, {p3}, {p2}})
	}
	svc.cache.mu.Lock()
	kept, bytes := len(svc.cache.calls.entries), svc.cache.calls.bytes
	svc.cache.mu.Unlock()
	if kept != 2 || bytes > svc.CallsCacheBytes {
		t.Errorf("%d markers kept in %d bytes; want 2 within %d", kept, bytes, svc.CallsCacheBytes)
	}

	svc = &Service{Markers: s, Phenotypes: s, MinGroupSize: 5, CallsCacheBytes: -1}
	results(t, svc, []string{"rs1"}, "height_mm")
	results(t, svc, []string{"rs1"}, "height_mm")
	if _, got := s.reads(); len(got) != 2 {
		t.Errorf("with no budget CallsAt read %v, want the marker twice", got)
	}
}

// TestCacheConcurrentPages checks that pages asking at once for what is
// not kept wait for one read rather than each reading, and get the same
// page.
func TestCacheConcurrentPages(t *testing.T) {
	s, svc := cacheCohort(t)
	s.delay = 20 * time.Millisecond
	want := results(t, &Service{Markers: s.memStore, Phenotypes: s.memStore, MinGroupSize: 5}, []string{"rs1", "rs2"})
	const pages = 8
	reports := make([]*Report, pages)
	errs := make([]error, pages)
	var wg sync.WaitGroup
	for i := range pages {
		wg.Go(func() {
			reports[i], errs[i] = svc.Results(context.Background(), []string{"rs1", "rs2"}, nil)
		})
	}
	wg.Wait()
	for i := range pages {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		samePages(t, "a concurrent page", reports[i], want)
	}
	if values, positions := s.reads(); values != 1 || len(positions) != 1 {
		t.Errorf("%d pages at once read the values %d times and the calls %v; want once each", pages, values, positions)
	}
}

// TestCacheKeepsNoFailedRead checks that a failed read fails its page and
// those waiting for it are read again, not kept.
func TestCacheKeepsNoFailedRead(t *testing.T) {
	s, svc := cacheCohort(t)
	diskGone := errors.New("disk gone")
	s.failCalls = diskGone
	if _, err := svc.Results(context.Background(), []string{"rs1"}, []string{"height_mm"}); !errors.Is(err, diskGone) {
		t.Fatalf("Results with failing calls: %v, want %v", err, diskGone)
	}
	s.mu.Lock()
	s.failCalls = nil
	s.mu.Unlock()
	s.reads()
	results(t, svc, []string{"rs1"}, "height_mm")
	if values, positions := s.reads(); values != 0 || len(positions) != 1 {
		t.Errorf("after a failed calls read: %d values reads, CallsAt %v; want the values kept and the calls read", values, positions)
	}

	// A page cancelled while its read is under way fails; a page waiting
	// for that read reads for itself.
	s, svc = cacheCohort(t)
	s.delay = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := svc.Results(ctx, []string{"rs1"}, []string{"height_mm"})
		done <- err
	}()
	// Both of its reads are under way before the next page comes.
	s.waitForReads(t, 1, 1)
	waiting := make(chan *Report)
	go func() {
		r, err := svc.Results(context.Background(), []string{"rs1"}, []string{"height_mm"})
		if err != nil {
			t.Error(err)
		}
		waiting <- r
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled page: %v, want context.Canceled", err)
	}
	if r := <-waiting; r == nil || len(r.Tables) != 1 {
		t.Errorf("the waiting page got %+v", r)
	}
	if values, positions := s.reads(); values != 2 || len(positions) != 2 {
		t.Errorf("%d values reads and CallsAt %v; want the cancelled reads and the waiting page's own", values, positions)
	}
}

// TestCacheLargeCatalog checks that a catalog too large to read at once
// is not kept, and the page reads its own phenotypes instead.
func TestCacheLargeCatalog(t *testing.T) {
	s, svc := cacheCohort(t)
	for i := len(s.catalog); i <= phenolink.MaxCohortPhenotypes; i++ {
		p := s.catalog[0]
		p.ID = fmt.Sprintf("extra_%d", i)
		s.catalog = append(s.catalog, p)
	}
	fresh := &Service{Markers: s.memStore, Phenotypes: s.memStore, MinGroupSize: 5}
	for range 2 {
		samePages(t, "large catalog", results(t, svc, []string{"rs1", "rs2"}, "height_mm", "chronotype"), results(t, fresh, []string{"rs1", "rs2"}, "height_mm", "chronotype"))
	}
	if values, _ := s.reads(); values != 2 {
		t.Errorf("two pages read the values %d times, want 2", values)
	}
	if _, err := svc.Results(context.Background(), []string{"rs1"}, []string{"eye_colour"}); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Errorf("an unknown phenotype: %v, want ENOTFOUND", err)
	}
}

// TestCacheReadSeesLaterWrite checks a read that saw a write committed
// after the page read the counts (so the records differ from those kept
// under the same count): the page uses it with its own records, and it is
// not kept beside markers of the other records.
func TestCacheReadSeesLaterWrite(t *testing.T) {
	s, svc := cacheCohort(t)
	results(t, svc, []string{"rs1"}, "height_mm")
	// A new record written without moving the count, as if the write
	// committed between this page's count and its read.
	rec := slices.Clone(s.genomes[fmtProfile(1)])
	s.genomes["p99999"] = rec
	s.setValue("p99999", "height_mm", 1700)
	r := results(t, svc, []string{"rs1", "rs2"}, "height_mm")
	fresh := results(t, &Service{Markers: s.memStore, Phenotypes: s.memStore, MinGroupSize: 5}, []string{"rs1", "rs2"}, "height_mm")
	if r.Tables[0].N != fresh.Tables[0].N-1 || r.Tables[1].N != fresh.Tables[1].N {
		t.Errorf("N at the kept marker %d, at the new one %d; want %d (read before the write) and %d", r.Tables[0].N, r.Tables[1].N, fresh.Tables[0].N-1, fresh.Tables[1].N)
	}
	svc.cache.mu.Lock()
	kept := len(svc.cache.calls.entries)
	svc.cache.mu.Unlock()
	if kept != 1 {
		t.Errorf("%d markers kept, want 1: the read of other records is not kept", kept)
	}
}

// TestCacheFirstRecordUnderSameCount is TestCacheReadSeesLaterWrite when
// the kept markers were read before any record was stored.
func TestCacheFirstRecordUnderSameCount(t *testing.T) {
	s := newMemStore()
	s.marker("rs1", 1)
	s.marker("rs2", 1)
	for i := range 6 {
		s.setValue(fmtProfile(i+1), "height_mm", float64(1600+i))
	}
	svc := s.service(5)
	if r := results(t, svc, []string{"rs1"}, "height_mm"); r.Tables[0].N != 0 {
		t.Fatalf("N %d with no records", r.Tables[0].N)
	}
	for i := range 6 {
		s.genomes[fmtProfile(i+1)] = []phenolink.Call{0x11, 0x11} // written without moving the count
	}
	r := results(t, svc, []string{"rs1", "rs2"}, "height_mm")
	if r.Tables[0].N != 0 || r.Tables[1].N != 6 {
		t.Errorf("N %d and %d, want 0 (read before the records) and 6", r.Tables[0].N, r.Tables[1].N)
	}
	// The kept marker still goes with the records it was read with.
	if r := results(t, svc, []string{"rs1"}, "height_mm"); r.Tables[0].N != 0 {
		t.Errorf("N %d at the kept marker, want 0", r.Tables[0].N)
	}
}

// TestRefreshKeepsValuesCurrent checks that a refresh reads the values
// again after a write to the cohort only while pages are being served,
// that the next page then reads none and matches a new Service's, that a
// refresh finding them current reads nothing, and that once the pages go
// unused nothing is kept.
func TestRefreshKeepsValuesCurrent(t *testing.T) {
	s, svc := cacheCohort(t)
	ctx := t.Context()
	refresh := func(what string, at time.Time, values int) {
		t.Helper()
		if err := svc.refresh(ctx, at); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got, _ := s.reads(); got != values {
			t.Errorf("%s: %d values reads, want %d", what, got, values)
		}
	}
	now := time.Now()
	refresh("before any page", now, 0)
	s.setValue(fmtProfile(3), "height_mm", 1900)
	refresh("after a write, before any page", now, 0)

	results(t, svc, []string{"rs1"}, "height_mm")
	if got, _ := s.reads(); got != 1 {
		t.Fatalf("the first page read the values %d times, want 1", got)
	}
	refresh("with the values current", now, 0)

	s.setValue(fmtProfile(3), "height_mm", 1950)
	s.withdraw(false, fmtProfile(4))
	refresh("after writes, a page served", time.Now(), 1)
	refresh("again", time.Now(), 0)
	fresh := &Service{Markers: s.memStore, Phenotypes: s.memStore, MinGroupSize: 5}
	samePages(t, "the page after the refresh", results(t, svc, []string{"rs1"}, "height_mm"), results(t, fresh, []string{"rs1"}, "height_mm"))
	if got, _ := s.reads(); got != 0 {
		t.Errorf("the page after the refresh read the values %d times, want 0", got)
	}

	s.setValue(fmtProfile(3), "height_mm", 2000)
	refresh("after a write, long after the last page", time.Now().Add(RefreshActiveFor+time.Minute), 0)
	// Nothing is kept once the pages are unused: the next page reads the
	// values and calls again.
	svc.cache.mu.Lock()
	kept := svc.cache.values.have != nil || svc.cache.values.latest != nil || len(svc.cache.calls.entries) > 0 || svc.cache.calls.base != nil
	svc.cache.mu.Unlock()
	if kept {
		t.Error("values or calls kept after the pages went unused")
	}
	results(t, svc, []string{"rs1"}, "height_mm")
	if values, positions := s.reads(); values != 1 || len(positions) != 1 {
		t.Errorf("the page after the pages went unused read the values %d times and CallsAt %v; want once each", values, positions)
	}
}

// TestRefreshLoop checks that Refresh ticks on its own, reading the values
// after a write while pages are served, and returns when its context ends.
func TestRefreshLoop(t *testing.T) {
	s, svc := cacheCohort(t)
	results(t, svc, []string{"rs1"}, "height_mm")
	s.reads()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		svc.Refresh(ctx, time.Millisecond, func(err error) { t.Errorf("Refresh reported %v", err) })
	}()
	s.setValue(fmtProfile(3), "height_mm", 1900)
	deadline := time.Now().Add(5 * time.Second)
	for !svc.cache.valuesCurrent(mustGenerations(t, s).Cohort) {
		if time.Now().After(deadline) {
			t.Fatal("Refresh did not read the values again within 5 s of a write")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if got, _ := s.reads(); got != 1 {
		t.Errorf("Refresh read the values %d times after one write, want 1", got)
	}
}

// mustGenerations returns the store's change counters.
func mustGenerations(t *testing.T, s *countingStore) phenolink.Generations {
	t.Helper()
	g, err := s.Generations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestRefreshAfterExpect checks that Expect, with no page served yet,
// has the next refresh read the values, and that the first page then
// reads none.
func TestRefreshAfterExpect(t *testing.T) {
	s, svc := cacheCohort(t)
	if err := svc.refresh(t.Context(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.reads(); got != 0 {
		t.Fatalf("a refresh before any page or Expect read the values %d times, want 0", got)
	}
	svc.Expect()
	if err := svc.refresh(t.Context(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.reads(); got != 1 {
		t.Errorf("the refresh after Expect read the values %d times, want 1", got)
	}
	results(t, svc, []string{"rs1"}, "height_mm")
	if got, _ := s.reads(); got != 0 {
		t.Errorf("the first page after the refresh read the values %d times, want 0", got)
	}
}
