package association

import (
	"fmt"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// LinearModel is LinearScan's regression set up to fit a few markers one
// at a time, as the per-SNP results page does. A scan builds look-up
// tables over the whole cohort (256 entries per four samples) that pay
// for themselves over thousands of markers; for a few markers, summing
// each record directly costs far less than building them. The sums are
// taken in the scan's order, so Fit returns exactly the Result LinearScan
// gives the same marker with the same cohort and options. A LinearModel
// reuses its scratch space from marker to marker: it is not safe for
// concurrent use.
type LinearModel struct {
	conv    Convention
	pr      *prepared
	tabs    *byteTables // masks only
	xd      *xDesign    // masks only
	ws, wsX *linearWorkspace
	sums    []float64
	scratch []float64
}

// NewLinearModel prepares c for LinearModel.Fit under opt (Workers is
// ignored), with the errors LinearScan gives for the same cohort.
func NewLinearModel(c *Cohort, opt Options) (*LinearModel, error) {
	pr, err := prepare(c)
	if err != nil {
		return nil, fmt.Errorf("association.NewLinearModel: %w", err)
	}
	xd, err := buildXDesign(c, pr, opt.Convention.xModel(opt.NoXSex), newMasks)
	if err != nil {
		return nil, fmt.Errorf("association.NewLinearModel: X chromosome: %w", err)
	}
	lm := &LinearModel{conv: opt.Convention, pr: pr, tabs: newMasks(pr, nil), xd: xd}
	lm.ws = newLinearWorkspace(pr, lm.tabs)
	lm.wsX = newLinearWorkspace(xd.pr, xd.tabs)
	lm.sums = make([]float64, lm.tabs.stats)
	lm.scratch = make([]float64, max(lm.tabs.stats, xd.tabs.stats))
	return lm, nil
}

// Fit fits m as LinearScan would. m.Genotypes must cover the cohort.
func (lm *LinearModel) Fit(m *Marker) (Result, error) {
	if err := checkRecord(m, lm.pr.n); err != nil {
		return Result{}, fmt.Errorf("association.LinearModel.Fit: %w", err)
	}
	switch {
	case !m.IsX():
		lm.tabs.directBlockSums(m.Genotypes, lm.sums, lm.scratch)
		return linearFast(lm.pr, lm.tabs, m, lm.conv, lm.ws, lm.sums), nil
	case lm.xd.exact:
		lm.xd.tabs.directSums(m.Genotypes, lm.wsX.sums, lm.scratch)
		return linearFastX(lm.xd, m, lm.conv, lm.wsX, lm.wsX.sums), nil
	}
	return linearGeneric(lm.pr, m, lm.conv, lm.xd.xm), nil
}

// LogisticModel is LogisticScan's regression set up to fit markers one at
// a time: Fit returns exactly the Result LogisticScan gives the same
// marker with the same cohort and options. It is not safe for concurrent
// use.
type LogisticModel struct {
	n   int
	fit func(m *Marker) Result
}

// NewLogisticModel prepares c for LogisticModel.Fit under opt (Workers is
// ignored), with the errors LogisticScan gives for the same cohort.
func NewLogisticModel(c *Cohort, opt Options) (*LogisticModel, error) {
	if err := checkBinary(c); err != nil {
		return nil, err
	}
	d, err := newLogisticDesign(c, opt)
	if err != nil {
		return nil, fmt.Errorf("association.NewLogisticModel: %w", err)
	}
	return &LogisticModel{n: d.pr.n, fit: d.newFitter()}, nil
}

// Fit fits m as LogisticScan would. m.Genotypes must cover the cohort.
func (lm *LogisticModel) Fit(m *Marker) (Result, error) {
	if err := checkRecord(m, lm.n); err != nil {
		return Result{}, fmt.Errorf("association.LogisticModel.Fit: %w", err)
	}
	return lm.fit(m), nil
}

// checkRecord refuses a record too short for n samples.
func checkRecord(m *Marker, n int) error {
	if recLen := plinkfile.RecordLen(n); len(m.Genotypes) < recLen {
		return phenolink.Errorf(phenolink.EINVALID, "marker %s has %d genotype bytes, %d samples need %d", m.ID, len(m.Genotypes), n, recLen)
	}
	return nil
}
