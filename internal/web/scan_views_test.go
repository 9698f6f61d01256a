package web

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// countingScans serves ScanResults from encoded results, counting reads,
// and fails while fail is set.
type countingScans struct {
	phenolink.ScanStore
	enc   []byte
	reads atomic.Int32
	fail  atomic.Bool
	gate  chan struct{} // when set, each read waits for it to close
}

func (s *countingScans) ScanResults(ctx context.Context, id int64) ([]byte, error) {
	s.reads.Add(1)
	if s.gate != nil {
		<-s.gate
	}
	if s.fail.Load() {
		return nil, errors.New("database is down")
	}
	return s.enc, nil
}

func newCountingScans(t *testing.T) *countingScans {
	t.Helper()
	enc, err := nullResults(2000).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return &countingScans{enc: enc}
}

func completedScan(id int64) phenolink.Scan {
	return phenolink.Scan{ID: id, CompletedAt: time.Unix(1_800_000_000, 0)}
}

func TestScanViewsReadEachScanOnceForConcurrentRequests(t *testing.T) {
	st := newCountingScans(t)
	st.gate = make(chan struct{})
	views := newScanViews(st)
	var wg sync.WaitGroup
	got := make([]*scanView, 8)
	for i := range got {
		wg.Go(func() {
			v, err := views.view(t.Context(), completedScan(1))
			if err != nil {
				t.Errorf("view: %v", err)
			}
			got[i] = v
		})
	}
	// Let the requests pile up on the one read before it answers.
	time.Sleep(50 * time.Millisecond)
	close(st.gate)
	wg.Wait()
	if n := st.reads.Load(); n != 1 {
		t.Errorf("8 concurrent views read the results %d times, want 1", n)
	}
	for _, v := range got {
		if v == nil || len(v.top) != scanTopHits || len(v.manhattan) == 0 || len(v.qq) == 0 || v != got[0] {
			t.Fatalf("views differ or are incomplete: %+v", v)
		}
	}
	if got[0].top[0].Log10P != 12 {
		t.Errorf("top hit has -log10 p %g, want the planted 12", got[0].top[0].Log10P)
	}
}

func TestScanViewsRetryAFailedReadAndRefuseUnfinishedScans(t *testing.T) {
	st := newCountingScans(t)
	views := newScanViews(st)
	st.fail.Store(true)
	if _, err := views.view(t.Context(), completedScan(1)); err == nil {
		t.Fatal("view while the database fails: no error")
	}
	st.fail.Store(false)
	if _, err := views.view(t.Context(), completedScan(1)); err != nil {
		t.Fatalf("view after the database is back: %v", err)
	}
	if n := st.reads.Load(); n != 2 {
		t.Errorf("reads = %d, want the failed one and a retry", n)
	}
	_, err := views.view(t.Context(), phenolink.Scan{ID: 2})
	if phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
		t.Errorf("view of an unfinished scan = %v, want ENOTFOUND", err)
	}
	if n := st.reads.Load(); n != 2 {
		t.Errorf("an unfinished scan was read: reads = %d", n)
	}
}

func TestScanViewsKeepTheMostRecentlyUsed(t *testing.T) {
	st := newCountingScans(t)
	views := newScanViews(st)
	for id := range int64(maxScanViews) {
		if _, err := views.view(t.Context(), completedScan(id+1)); err != nil {
			t.Fatal(err)
		}
	}
	// Scan 1 used again, then one more scan: scan 2 is the one let go.
	if _, err := views.view(t.Context(), completedScan(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := views.view(t.Context(), completedScan(maxScanViews+1)); err != nil {
		t.Fatal(err)
	}
	before := st.reads.Load()
	if _, err := views.view(t.Context(), completedScan(1)); err != nil {
		t.Fatal(err)
	}
	if st.reads.Load() != before {
		t.Error("the most recently used scan was let go")
	}
	if _, err := views.view(t.Context(), completedScan(2)); err != nil {
		t.Fatal(err)
	}
	if st.reads.Load() != before+1 {
		t.Error("the least recently used scan was kept beyond the bound")
	}
	if len(views.views) != maxScanViews || len(views.order) != maxScanViews {
		t.Errorf("keeping %d views (%d in order), want %d", len(views.views), len(views.order), maxScanViews)
	}
}
