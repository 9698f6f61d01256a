package association

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"sync"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// Options tune a scan.
type Options struct {
	// Convention picks the PLINK rules to follow: counted allele, X coding.
	Convention Convention
	// NoXSex stops sex being added as a covariate on X markers, as PLINK's
	// no-x-sex modifier does; set it when the covariates already hold sex.
	NoXSex bool
	// Workers is the number of markers fitted at once; 0 means GOMAXPROCS.
	Workers int
}

// blockSize is how many markers travel to a worker together: enough to
// make the hand-off cost nothing per marker, few enough that the scan holds
// only a few hundred kilobytes of genotypes per worker at N = 2,000.
const blockSize = 256

type block struct {
	markers []Marker
	buf     []byte
	results []Result
}

// markerTest fits one marker; each worker has its own, with its own scratch.
type markerTest func(m *Marker) Result

// scan streams markers through workers and returns their results in input
// order. Only a bounded number of blocks of genotypes exist at once, so the
// cohort's genotypes are never all in memory.
func scan(ctx context.Context, markers iter.Seq2[*Marker, error], n, workers int, newTest func() markerTest) ([]Result, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	recLen := plinkfile.RecordLen(n)
	free := make(chan *block, 2*workers+1)
	for range cap(free) {
		free <- &block{markers: make([]Marker, 0, blockSize), buf: make([]byte, blockSize*recLen)}
	}
	work := make(chan *block)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			test := newTest()
			for b := range work {
				for i := range b.markers {
					b.results[i] = test(&b.markers[i])
				}
				free <- b
			}
		}()
	}
	var out [][]Result
	var cur *block
	flush := func() {
		if cur != nil && len(cur.markers) > 0 {
			cur.results = make([]Result, len(cur.markers))
			out = append(out, cur.results)
			work <- cur
			cur = nil
		}
	}
	err := func() error {
		for m, err := range markers {
			if err != nil {
				return err
			}
			if len(m.Genotypes) < recLen {
				return phenolink.Errorf(phenolink.EINVALID, "marker %s has %d genotype bytes, %d samples need %d", m.ID, len(m.Genotypes), n, recLen)
			}
			if cur == nil {
				if err := ctx.Err(); err != nil {
					return err
				}
				cur = <-free
				cur.markers = cur.markers[:0]
			}
			k := len(cur.markers)
			g := cur.buf[k*recLen : (k+1)*recLen]
			copy(g, m.Genotypes)
			mm := *m
			mm.Genotypes = g
			cur.markers = append(cur.markers, mm)
			if len(cur.markers) == blockSize {
				flush()
			}
		}
		flush()
		return nil
	}()
	close(work)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("association.scan: %w", err)
	}
	total := 0
	for _, r := range out {
		total += len(r)
	}
	results := make([]Result, 0, total)
	for _, r := range out {
		results = append(results, r...)
	}
	return results, nil
}

// LinearScan fits, for every marker, the additive linear regression of the
// phenotype on A1 dosage (plus the cohort's covariates, plus sex on X
// unless opt.NoXSex), over the samples with a phenotype, every covariate
// and a call at that marker. Results come in the markers' order. The
// iterator's Genotypes need stay valid only until the next step.
func LinearScan(ctx context.Context, markers iter.Seq2[*Marker, error], c *Cohort, opt Options) ([]Result, error) {
	pr, err := prepare(c)
	if err != nil {
		return nil, fmt.Errorf("association.LinearScan: %w", err)
	}
	tabs := newByteTables(pr)
	xm := opt.Convention.xModel(opt.NoXSex)
	newTest := func() markerTest {
		ws := newLinearWorkspace(pr, tabs)
		return func(m *Marker) Result {
			if m.IsX() {
				return linearGeneric(pr, m, opt.Convention, xm)
			}
			return linearFast(pr, tabs, m, opt.Convention, ws)
		}
	}
	res, err := scan(ctx, markers, pr.n, opt.Workers, newTest)
	if err != nil {
		return nil, fmt.Errorf("association.LinearScan: %w", err)
	}
	return res, nil
}

// PlinkMarkers streams a PLINK fileset's markers for a scan, one record
// buffer reused throughout.
func PlinkMarkers(r *plinkfile.Reader) iter.Seq2[*Marker, error] {
	return func(yield func(*Marker, error) bool) {
		rec := make([]byte, plinkfile.RecordLen(len(r.Samples)))
		var m Marker
		for {
			v, err := r.Next(rec)
			if err != nil {
				if errors.Is(err, io.EOF) {
					return
				}
				yield(nil, err)
				return
			}
			m = Marker{Chrom: v.Chrom, ID: v.ID, Pos: v.Pos, Allele1: v.Allele1, Allele2: v.Allele2, Genotypes: rec}
			if !yield(&m, nil) {
				return
			}
		}
	}
}
