package web

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan"
)

// maxScanViews bounds how many scans' views a process keeps: each is a
// few tens of kilobytes (two PNGs and the top hits), so the bound is about
// how many scans researchers look at, not about memory.
const maxScanViews = 16

// scanView is what a finished scan's page shows: its top hits and both
// plots, drawn once. A scan's results never change once it is complete,
// so a view stays right for as long as the scan exists; the handlers load
// the scan row on every request, so a deleted scan is never shown.
type scanView struct {
	ready     chan struct{} // closed once the fields below are set
	err       error
	top       []scan.Result
	manhattan []byte
	qq        []byte
}

// scanKey names a scan's results: the completion time keeps a view from
// outliving results that were ever written again under the same id.
type scanKey struct {
	id        int64
	completed int64
}

// scanViews computes each finished scan's view once, from one read and
// decode of its results, for however many requests arrive meanwhile: the
// page and its two images come together from every browser that opens it,
// and each used to read, decode and sort all the results itself (about a
// second for 600,000 markers).
type scanViews struct {
	scans phenolink.ScanStore

	mu    sync.Mutex
	views map[scanKey]*scanView
	order []scanKey // least recently used first
}

func newScanViews(scans phenolink.ScanStore) *scanViews {
	return &scanViews{scans: scans, views: map[scanKey]*scanView{}}
}

// view returns s's view, computing it if no request has; s must be
// complete.
func (c *scanViews) view(ctx context.Context, s phenolink.Scan) (*scanView, error) {
	if s.CompletedAt.IsZero() {
		return nil, phenolink.Errorf(phenolink.ENOTFOUND, "Scan %d has no results yet.", s.ID)
	}
	key := scanKey{s.ID, s.CompletedAt.UnixNano()}
	c.mu.Lock()
	v, ok := c.views[key]
	if ok {
		c.touch(key)
	} else {
		v = &scanView{ready: make(chan struct{})}
		c.views[key] = v
		c.order = append(c.order, key)
		if len(c.order) > maxScanViews {
			delete(c.views, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	if !ok {
		// Computed apart from this request's cancellation: others may be
		// waiting for it.
		go c.compute(context.WithoutCancel(ctx), key, v)
	}
	select {
	case <-v.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if v.err != nil {
		return nil, v.err
	}
	return v, nil
}

// touch moves key to the most recently used end; c.mu is held.
func (c *scanViews) touch(key scanKey) {
	c.forget(key)
	c.order = append(c.order, key)
}

// forget takes key out of the use order; c.mu is held.
func (c *scanViews) forget(key scanKey) {
	if i := slices.Index(c.order, key); i >= 0 {
		c.order = slices.Delete(c.order, i, i+1)
	}
}

// compute fills v and closes v.ready. A failed view is forgotten, so the
// next request tries again.
func (c *scanViews) compute(ctx context.Context, key scanKey, v *scanView) {
	defer close(v.ready)
	v.err = c.draw(ctx, key.id, v)
	if v.err != nil {
		c.mu.Lock()
		if c.views[key] == v {
			delete(c.views, key)
			c.forget(key)
		}
		c.mu.Unlock()
	}
}

// draw reads scan id's results once and draws both plots side by side.
func (c *scanViews) draw(ctx context.Context, id int64, v *scanView) error {
	results, err := scanResults(ctx, c.scans, id)
	if err != nil {
		return err
	}
	v.top = results.TopHits(scanTopHits)
	var manhattan, qq bytes.Buffer
	var qqErr error
	var wg sync.WaitGroup
	wg.Go(func() { qqErr = scan.QQPNG(&qq, results, qqSide, qqSide) })
	err = scan.ManhattanPNG(&manhattan, results, manhattanWidth, manhattanHeight)
	wg.Wait()
	if err != nil {
		return fmt.Errorf("drawing scan %d's Manhattan plot: %w", id, err)
	}
	if qqErr != nil {
		return fmt.Errorf("drawing scan %d's QQ plot: %w", id, qqErr)
	}
	v.manhattan, v.qq = manhattan.Bytes(), qq.Bytes()
	return nil
}
