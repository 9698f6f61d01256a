package association

import (
	"context"
	"fmt"
	"iter"
	"math"
	"math/bits"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// Newton's method stops when no coefficient moves by more than
// logisticTol, and gives up after logisticMaxIter steps or once a
// coefficient passes logisticDiverged, which only separation produces.
const (
	logisticTol      = 1e-10
	logisticMaxIter  = 50
	logisticDiverged = 30
)

// logisticFit holds one worker's scratch for Newton's method on a binomial
// model: rows of predictors, trials m and successes s per row.
type logisticFit struct {
	p        int
	x, m, s  []float64
	beta     []float64
	info, l  []float64
	grad, dz []float64
	start    []float64 // optional first coefficients to start from
	mu       []float64 // Firth's fit: each row's fitted probability
	firth    bool      // refit with Firth's penalty where the plain fit diverges
}

// fitOrFirth is fit, falling back to Firth's regression when the plain
// maximum likelihood does not exist or is not reached, as PLINK 2's
// default firth-fallback does.
func (f *logisticFit) fitOrFirth(r *Result) {
	f.fit(r)
	if f.firth && (r.NotTestable == NotTestableSeparation || r.NotTestable == NotTestableNoConverge) {
		r.NotTestable = ""
		r.Firth = true
		f.fitFirth(r)
	}
}

func newLogisticFit(p int) *logisticFit {
	return &logisticFit{p: p, beta: make([]float64, p), info: make([]float64, p*p), l: make([]float64, p*p), grad: make([]float64, p), dz: make([]float64, p)}
}

func (f *logisticFit) reset() { f.x, f.m, f.s = f.x[:0], f.m[:0], f.s[:0] }

func (f *logisticFit) addRow(row []float64, m, s float64) {
	f.x = append(f.x, row...)
	f.m = append(f.m, m)
	f.s = append(f.s, s)
}

// fit maximises the likelihood and fills the last coefficient's log odds
// ratio, standard error, Wald z and p into r.
func (f *logisticFit) fit(r *Result) {
	p, rows := f.p, len(f.m)
	var trials, successes float64
	for i := range rows {
		trials += f.m[i]
		successes += f.s[i]
	}
	if trials <= float64(p) {
		r.setNotTestable(NotTestableTooFew)
		return
	}
	clear(f.beta)
	f.beta[0] = math.Log(successes / (trials - successes))
	if len(f.start) > 0 && len(f.start) < p {
		// The covariates' fit without the genotype is usually close to
		// the full model's optimum, which saves Newton steps; the optimum
		// itself does not depend on where the search starts.
		copy(f.beta, f.start)
	}
	for iter := 0; ; iter++ {
		clear(f.info)
		clear(f.grad)
		for i := range rows {
			row := f.x[i*p : (i+1)*p]
			eta := 0.0
			for j, v := range row {
				eta += v * f.beta[j]
			}
			mu := 1 / (1 + math.Exp(-eta))
			w := f.m[i] * mu * (1 - mu)
			res := f.s[i] - f.m[i]*mu
			for a, va := range row {
				f.grad[a] += va * res
				wa := w * va
				for b := 0; b <= a; b++ {
					f.info[a*p+b] += wa * row[b]
				}
			}
		}
		if !cholesky(f.info, f.l, p) {
			// Singular from the start: collinear predictors. Later: the
			// weights of separated rows vanished on the way to infinity.
			why := NotTestableCollinear
			if iter > 0 {
				why = NotTestableSeparation
			}
			r.setNotTestable(why)
			return
		}
		if iter == logisticMaxIter {
			r.setNotTestable(NotTestableNoConverge)
			return
		}
		cholSolve(f.l, f.grad, f.dz, p)
		step := 0.0
		for j := range p {
			f.beta[j] += f.dz[j]
			step = math.Max(step, math.Abs(f.dz[j]))
			if math.Abs(f.beta[j]) > logisticDiverged || math.IsNaN(f.beta[j]) {
				r.setNotTestable(NotTestableSeparation)
				return
			}
		}
		if step < logisticTol {
			break
		}
	}
	// The information matrix at the last step is within 1e-10 of the
	// one at the optimum; its inverse's last diagonal entry is 1/L_pp^2.
	lpp := f.l[p*p-1]
	r.Beta = f.beta[p-1]
	r.SE = 1 / lpp
	r.Stat = r.Beta / r.SE
	r.P = NormalP(r.Stat)
}

// cholesky factors the symmetric matrix a (lower triangle read) into l.
func cholesky(a, l []float64, p int) bool {
	for i := range p {
		for j := 0; j <= i; j++ {
			s := a[i*p+j]
			for k := range j {
				s -= l[i*p+k] * l[j*p+k]
			}
			if i == j {
				if !(s > 1e-12*a[i*p+i]) {
					return false
				}
				l[i*p+i] = math.Sqrt(s)
			} else {
				l[i*p+j] = s / l[j*p+j]
			}
		}
	}
	return true
}

// cholSolve solves LL'x = b.
func cholSolve(l, b, x []float64, p int) {
	for i := range p {
		s := b[i]
		for k := range i {
			s -= l[i*p+k] * x[k]
		}
		x[i] = s / l[i*p+i]
	}
	for i := p - 1; i >= 0; i-- {
		s := x[i]
		for k := i + 1; k < p; k++ {
			s -= l[k*p+i] * x[k]
		}
		x[i] = s / l[i*p+i]
	}
}

// LogisticScanEach fits, for every marker, the additive logistic regression of
// a binary phenotype (0 control, 1 case) on A1 dosage plus the cohort's
// covariates (plus sex on X unless opt.NoXSex), by Newton's method. Beta is
// the log odds ratio per copy of A1; Result.OddsRatio gives the ratio and
// its 95% interval. Without covariates an autosomal marker's likelihood
// depends only on case and control counts per genotype, which popcounts
// give, so the fit runs on three rows instead of N.
//
// Results go to emit in the markers' order, as with LinearScanEach.
func LogisticScanEach(ctx context.Context, markers iter.Seq2[*Marker, error], c *Cohort, opt Options, emit func(*Result) error) error {
	if err := checkBinary(c); err != nil {
		return err
	}
	d, err := newLogisticDesign(c, opt)
	if err != nil {
		return fmt.Errorf("association.LogisticScan: %w", err)
	}
	newTest := func() blockTest { return perMarker(d.newFitter()) }
	if err := scan(ctx, markers, d.pr.n, opt.Workers, newTest, emit); err != nil {
		return fmt.Errorf("association.LogisticScan: %w", err)
	}
	return nil
}

// checkBinary refuses a phenotype coded other than 0, 1 or missing.
func checkBinary(c *Cohort) error {
	for i, y := range c.Phenotype {
		if !math.IsNaN(y) && y != 0 && y != 1 {
			return phenolink.Errorf(phenolink.EINVALID, "binary phenotype of sample %d is %g: code controls 0 and cases 1", i+1, y)
		}
	}
	return nil
}

// logisticDesign is what every marker's logistic fit shares: the prepared
// cohort, its raw 0/1 phenotype, the sample masks that count a marker's
// calls (no look-up tables: the logistic fits use counts, not sums), the
// cases' mask, the X model and the covariates' null fit to start from.
type logisticDesign struct {
	opt   Options
	pr    *prepared
	raw   []float64
	tabs  *byteTables
	cases []uint64
	xm    xModel
	start []float64
}

func newLogisticDesign(c *Cohort, opt Options) (*logisticDesign, error) {
	pr, err := prepare(c)
	if err != nil {
		return nil, err
	}
	d := &logisticDesign{opt: opt, pr: pr, raw: make([]float64, pr.n), tabs: newMasks(pr, nil)}
	copy(d.raw, c.Phenotype)
	d.cases = make([]uint64, d.tabs.words)
	for i, y := range d.raw {
		if pr.valid[i] && y == 1 {
			d.cases[i/32] |= 1 << (uint(i%32) * 2)
		}
	}
	d.xm, _ = resolveXModel(c, opt.Convention.xModel(opt.NoXSex))
	d.start = nullLogistic(pr, d.raw)
	return d, nil
}

// newFitter returns a test of one marker with its own scratch space.
func (d *logisticDesign) newFitter() func(m *Marker) Result {
	ws := newLinearWorkspace(d.pr, d.tabs)
	grouped := newLogisticFit(2)
	grouped.firth = d.opt.FirthFallback
	perSample := map[int]*logisticFit{}
	return func(m *Marker) Result {
		if m.IsX() || len(d.pr.covs) > 0 {
			return logisticGeneric(d.pr, d.raw, m, d.opt.Convention, d.xm, perSample, d.start, d.opt.FirthFallback)
		}
		return logisticGrouped(d.pr, d.tabs, d.cases, m, d.opt.Convention, ws, grouped)
	}
}

// LogisticScan is LogisticScanEach collecting the results in a slice.
func LogisticScan(ctx context.Context, markers iter.Seq2[*Marker, error], c *Cohort, opt Options) ([]Result, error) {
	var res []Result
	if err := LogisticScanEach(ctx, markers, c, opt, collect(&res)); err != nil {
		return nil, err
	}
	return res, nil
}

// logisticGrouped fits an autosomal marker without covariates from its
// 3x2 table of genotype by case status.
func logisticGrouped(pr *prepared, t *byteTables, cases []uint64, m *Marker, conv Convention, ws *linearWorkspace, f *logisticFit) Result {
	loadWords(m.Genotypes[:t.recLen], ws.words, ws.pad)
	c := t.count(ws.words)
	allHom1 := pr.n - c.allHet - c.allHom2 - c.allMiss
	a1IsAllele1 := conv.countsAllele1(float64(2*allHom1+c.allHet), float64(2*c.allHom2+c.allHet))
	r := newResult(m, a1IsAllele1)
	r.Missing = c.miss
	r.N = t.nValid - c.miss
	var caseHet, caseHom2, caseMiss, caseAll int
	for w, x := range ws.words {
		lo, hi := x&lowBits, x>>1&lowBits
		cw := cases[w]
		caseHet += bits.OnesCount64(hi &^ lo & cw)
		caseHom2 += bits.OnesCount64(hi & lo & cw)
		caseMiss += bits.OnesCount64(lo &^ hi & cw)
		caseAll += bits.OnesCount64(cw)
	}
	hom1 := r.N - c.het - c.hom2
	if classes([4]int{hom1, 0, c.het, c.hom2}) < 2 {
		r.setNotTestable(NotTestableMonomorphic)
		return r
	}
	caseHom1 := caseAll - caseMiss - caseHet - caseHom2
	// Rows by copies of A1.
	d := [3]float64{2, 1, 0}
	if !a1IsAllele1 {
		d = [3]float64{0, 1, 2}
	}
	f.reset()
	f.addRow([]float64{1, d[0]}, float64(hom1), float64(caseHom1))
	f.addRow([]float64{1, d[1]}, float64(c.het), float64(caseHet))
	f.addRow([]float64{1, d[2]}, float64(c.hom2), float64(caseHom2))
	f.fitOrFirth(&r)
	return r
}

// logisticGeneric fits a marker sample by sample: with covariates, and on
// X where males are coded by xm.
func logisticGeneric(pr *prepared, y []float64, m *Marker, conv Convention, xm xModel, fits map[int]*logisticFit, start []float64, firth bool) Result {
	isX := m.IsX()
	c1, c2 := alleleCounts(m.Genotypes, pr.n, pr.male, isX)
	a1IsAllele1 := conv.countsAllele1(c1, c2)
	r := newResult(m, a1IsAllele1)
	p := len(pr.covs) + 2
	withSex := isX && xm.addSex
	if withSex {
		p++
	}
	// A worker keeps one fit per model size (autosomes, X) and reuses
	// its buffers from marker to marker.
	f := fits[p]
	if f == nil {
		f = newLogisticFit(p)
		f.start = start
		f.firth = firth
		fits[p] = f
	}
	f.reset()
	if cap(f.m) < pr.nValid {
		// Room for every valid sample at once, rather than growing by
		// appends on the fit's first marker.
		f.x, f.m, f.s = make([]float64, 0, pr.nValid*p), make([]float64, 0, pr.nValid), make([]float64, 0, pr.nValid)
	}
	row := make([]float64, p)
	var counts [4]int
	for i := range pr.n {
		if !pr.valid[i] {
			continue
		}
		g := plinkfile.Genotype(m.Genotypes, i)
		hemi := isX && pr.male[i]
		if g == plinkfile.Missing || (hemi && g == plinkfile.Het) {
			r.Missing++
			continue
		}
		counts[g]++
		d := dosage1[g]
		if !a1IsAllele1 {
			d = 2 - d
		}
		if hemi {
			d *= xm.maleScale
		}
		row[0] = 1
		for j, col := range pr.covs {
			row[j+1] = col[i]
		}
		if withSex {
			row[p-2] = 0
			if pr.male[i] {
				row[p-2] = 1
			}
		}
		row[p-1] = d
		f.addRow(row, 1, y[i])
	}
	r.N = len(f.m)
	if classes(counts) < 2 {
		r.setNotTestable(NotTestableMonomorphic)
		return r
	}
	f.fitOrFirth(&r)
	return r
}

// nullLogistic fits the intercept and covariates alone over the valid
// samples, the starting point of every marker's fit; nil when that fit
// fails, and markers then start from the intercept alone.
func nullLogistic(pr *prepared, y []float64) []float64 {
	k := len(pr.covs) + 1
	if k == 1 {
		return nil
	}
	// Fit with the last covariate as the "genotype" column: fit reports
	// only that column, but leaves every coefficient in beta.
	f := newLogisticFit(k)
	row := make([]float64, k+1)
	for i := range pr.n {
		if pr.valid[i] {
			pr.fillRow(row, i, 0)
			f.addRow(row[:k], 1, y[i])
		}
	}
	var r Result
	f.fit(&r)
	if r.NotTestable != "" {
		return nil
	}
	return f.beta
}
