package association

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"sync"

	"phenolink/internal/plinkfile"
)

// maxBlockSize is the most markers that travel to a worker together, and
// blockBytes the most genotype bytes: enough markers that the hand-offs
// between the reader, the workers and the writer cost nothing per marker
// (1,024 at up to 2,000 samples, where a marker takes well under a
// microsecond and blocks of 256 made a scan 5 to 10% slower), few enough
// bytes that a scan holds a few megabytes of genotypes whatever the
// cohort's size.
const (
	maxBlockSize = 1024
	blockBytes   = 512 << 10
)

// blockLen is how many markers of recLen bytes make a block.
func blockLen(recLen int) int {
	return max(1, min(maxBlockSize, blockBytes/recLen))
}

type block struct {
	seq     int
	markers []Marker
	buf     []byte
	results []Result
}

// blockTest fits a block of markers into out (one result each); each
// worker has its own, with its own scratch. Working a block at a time lets
// the linear scan keep a slice of its tables in cache across markers.
type blockTest func(ms []Marker, out []Result)

// perMarker makes a blockTest from a test of one marker.
func perMarker(test func(m *Marker) Result) blockTest {
	return func(ms []Marker, out []Result) {
		for i := range ms {
			out[i] = test(&ms[i])
		}
	}
}

// scan streams markers through workers and hands each result to emit in
// input order. Only a bounded number of blocks exist at once (a block's
// genotypes and results are reused once emitted), so neither the cohort's
// genotypes nor the scan's results need be in memory.
func scan(ctx context.Context, markers iter.Seq2[*Marker, error], n, workers int, newTest func() blockTest, emit func(*Result) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	recLen := plinkfile.RecordLen(n)
	size := blockLen(recLen)
	free := make(chan *block, 2*workers+2)
	for range cap(free) {
		free <- &block{markers: make([]Marker, 0, size), buf: make([]byte, size*recLen), results: make([]Result, size)}
	}
	work := make(chan *block, cap(free))
	done := make(chan *block, cap(free))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			test := newTest()
			for b := range work {
				test(b.markers, b.results[:len(b.markers)])
				done <- b
			}
		}()
	}
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		pending := map[int]*block{}
		next := 0
		failed := false
		for b := range done {
			pending[b.seq] = b
			for pb := pending[next]; pb != nil; pb = pending[next] {
				delete(pending, next)
				for i := range pb.markers {
					if failed {
						break
					}
					if err := emit(&pb.results[i]); err != nil {
						failed = true
						cancel(err)
					}
				}
				next++
				free <- pb
			}
		}
	}()
	err := produce(ctx, markers, n, recLen, free, work)
	close(work)
	wg.Wait()
	close(done)
	<-collected
	if err == nil {
		// Set when emit failed or the caller cancelled: the results are
		// incomplete either way.
		err = context.Cause(ctx)
	}
	if err != nil {
		return fmt.Errorf("association.scan: %w", err)
	}
	return nil
}

// produce copies markers into blocks and sends them to the workers.
func produce(ctx context.Context, markers iter.Seq2[*Marker, error], n, recLen int, free <-chan *block, work chan<- *block) error {
	var cur *block
	seq := 0
	for m, err := range markers {
		if err != nil {
			return err
		}
		if err := checkRecord(m, n); err != nil {
			return err
		}
		if cur == nil {
			select {
			case cur = <-free:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			cur.markers = cur.markers[:0]
			cur.seq = seq
			seq++
		}
		k := len(cur.markers)
		g := cur.buf[k*recLen : (k+1)*recLen]
		copy(g, m.Genotypes)
		mm := *m
		mm.Genotypes = g
		cur.markers = append(cur.markers, mm)
		if len(cur.markers) == cap(cur.markers) {
			work <- cur
			cur = nil
		}
	}
	if cur != nil {
		work <- cur
	}
	return nil
}

// collect is an emit that appends results to a slice.
func collect(out *[]Result) func(*Result) error {
	return func(r *Result) error {
		*out = append(*out, *r)
		return nil
	}
}
