package association

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"phenolink/internal/plinkfile"
)

// Options tune a scan.
type Options struct {
	// Convention picks the PLINK rules to follow: counted allele, X coding.
	Convention Convention
	// NoXSex stops sex being added as a covariate on X markers, as PLINK's
	// no-x-sex modifier does; set it when the covariates already hold sex.
	NoXSex bool
	// FirthFallback refits a logistic model with Firth's penalty where
	// the plain maximum likelihood diverges (separation), as PLINK 2
	// --glm does by default; without it such markers are not testable,
	// as PLINK 1.9 reports them.
	FirthFallback bool
	// Workers is the number of markers fitted at once; 0 means GOMAXPROCS.
	Workers int
}

// LinearScanEach fits, for every marker, the additive linear regression of the
// phenotype on A1 dosage (plus the cohort's covariates, plus sex on X
// unless opt.NoXSex), over the samples with a phenotype, every covariate
// and a call at that marker, and passes each result to emit in the
// markers' order; emit's *Result is valid only during the call. The
// iterator's Genotypes need stay valid only until its next step. A scan
// holds a few blocks of markers and results at a time, whatever the number
// of markers.
func LinearScanEach(ctx context.Context, markers iter.Seq2[*Marker, error], c *Cohort, opt Options, emit func(*Result) error) error {
	pr, err := prepare(c)
	if err != nil {
		return fmt.Errorf("association.LinearScan: %w", err)
	}
	tabs := newByteTables(pr)
	xd, err := newXDesign(c, opt.Convention.xModel(opt.NoXSex))
	if err != nil {
		return fmt.Errorf("association.LinearScan: X chromosome: %w", err)
	}
	newTest := func() blockTest {
		ws := newLinearWorkspace(pr, tabs)
		wsX := newLinearWorkspace(xd.pr, xd.tabs)
		sums := make([]float64, blockLen(tabs.recLen)*tabs.stats)
		return func(ms []Marker, out []Result) {
			tabs.blockSums(ms, sums)
			for i := range ms {
				m := &ms[i]
				switch {
				case !m.IsX():
					out[i] = linearFast(pr, tabs, m, opt.Convention, ws, sums[i*tabs.stats:(i+1)*tabs.stats])
				case xd.exact:
					xd.tabs.sums(m.Genotypes[:xd.tabs.recLen], wsX.sums)
					out[i] = linearFastX(xd, m, opt.Convention, wsX, wsX.sums)
				default:
					out[i] = linearGeneric(pr, m, opt.Convention, xd.xm)
				}
			}
		}
	}
	if err := scan(ctx, markers, pr.n, opt.Workers, newTest, emit); err != nil {
		return fmt.Errorf("association.LinearScan: %w", err)
	}
	return nil
}

// LinearScan is LinearScanEach collecting the results in a slice.
func LinearScan(ctx context.Context, markers iter.Seq2[*Marker, error], c *Cohort, opt Options) ([]Result, error) {
	var res []Result
	if err := LinearScanEach(ctx, markers, c, opt, collect(&res)); err != nil {
		return nil, err
	}
	return res, nil
}

// PlinkMarkers streams a PLINK fileset's markers for a scan, each record
// in the reader's buffer until the next step.
func PlinkMarkers(r *plinkfile.Reader) iter.Seq2[*Marker, error] {
	return func(yield func(*Marker, error) bool) {
		var m Marker
		for {
			v, rec, err := r.NextShared()
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
