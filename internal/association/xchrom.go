package association

import (
	"math"
	"math/bits"

	"phenolink/internal/plinkfile"
)

// xDesign is the regression set-up shared by X markers: the cohort with
// sex appended to the covariates when the convention adds it, and tables
// that count males' hemizygous calls as the convention says.
type xDesign struct {
	pr   *prepared
	tabs *byteTables
	xm   xModel
	// exact is false when flipping the counted allele is not a sign change
	// (males scaled, no sex term to absorb their offset): such markers take
	// the sample-by-sample path.
	exact bool
}

// newXDesign prepares c for X markers under xm, with sex added as
// resolveXModel decides.
func newXDesign(c *Cohort, xm xModel) (*xDesign, error) {
	return buildXDesign(c, nil, xm, newTables)
}

// buildXDesign is newXDesign with tables from build: newTables for a
// scan, newMasks for markers summed directly. pr, when not nil, is c
// prepared, which the design shares when it adds no sex term.
func buildXDesign(c *Cohort, pr *prepared, xm xModel, build func(*prepared, *xModel) *byteTables) (*xDesign, error) {
	xm, cx := resolveXModel(c, xm)
	if cx != c || pr == nil {
		var err error
		if pr, err = prepare(cx); err != nil {
			return nil, err
		}
	}
	return &xDesign{pr: pr, tabs: build(pr, &xm), xm: xm, exact: xm.addSex || xm.maleScale == 1}, nil
}

// resolveXModel returns the X model actually fitted and the cohort with
// sex appended to its covariates when that model adds it. Sex is added
// only when it varies and is not already among the covariates (a duplicate
// would make every X regression singular, where PLINK gives up).
func resolveXModel(c *Cohort, xm xModel) (xModel, *Cohort) {
	if !xm.addSex || c.Sex == nil || !sexVaries(c) {
		xm.addSex = false
		return xm, c
	}
	col := make([]float64, len(c.Sex))
	for i, s := range c.Sex {
		switch s {
		case plinkfile.SexMale:
			col[i] = 1
		case plinkfile.SexFemale:
			col[i] = 0
		default:
			col[i] = math.NaN() // unknown sex: out of X regressions that use sex
		}
	}
	cx := *c
	cx.Covariates = append(append([][]float64(nil), c.Covariates...), col)
	if _, err := prepare(&cx); err != nil {
		xm.addSex = false
		return xm, c
	}
	return xm, &cx
}

func sexVaries(c *Cohort) bool {
	var seen [3]bool
	for i, s := range c.Sex {
		if s >= 0 && s < 3 && !math.IsNaN(c.Phenotype[i]) {
			seen[s] = true
		}
	}
	return seen[plinkfile.SexMale] && seen[plinkfile.SexFemale]
}

// xCounts are an X marker's calls split by sex.
type xCounts struct {
	hom1, hetF, hom2F, hom2M, miss int     // among valid samples; male hets count as missing
	c1, c2                         float64 // allele counts over all samples, males once
}

func (t *byteTables) countX(words []uint64, n int) xCounts {
	var c xCounts
	var allHom1F, allHom1M, allHetF, allHom2F, allHom2M int
	for w, x := range words {
		lo, hi := x&lowBits, x>>1&lowBits
		hom1, het, hom2, miss := lowBits&^lo&^hi, hi&^lo, hi&lo, lo&^hi
		present := uint64(lowBits)
		if rest := n - 32*w; rest < 32 {
			present = lowBits & (1<<(2*uint(rest)) - 1)
		}
		m, v := t.male[w], t.valid[w]
		c.hom1 += bits.OnesCount64(hom1 & v)
		c.hetF += bits.OnesCount64(het &^ m & v)
		c.hom2F += bits.OnesCount64(hom2 &^ m & v)
		c.hom2M += bits.OnesCount64(hom2 & m & v)
		c.miss += bits.OnesCount64((miss | het&m) & v)
		allHom1F += bits.OnesCount64(hom1 &^ m & present)
		allHom1M += bits.OnesCount64(hom1 & m & present)
		allHetF += bits.OnesCount64(het &^ m & present)
		allHom2F += bits.OnesCount64(hom2 &^ m & present)
		allHom2M += bits.OnesCount64(hom2 & m & present)
	}
	c.c1 = float64(2*allHom1F + allHetF + allHom1M)
	c.c2 = float64(2*allHom2F + allHetF + allHom2M)
	return c
}

// eachMissingX is eachMissing with male heterozygous calls as missing.
func (t *byteTables) eachMissingX(words []uint64, f func(i int)) {
	for w, x := range words {
		lo, hi := x&lowBits, x>>1&lowBits
		m := (lo&^hi | hi&^lo&t.male[w]) & t.valid[w]
		for m != 0 {
			b := bits.TrailingZeros64(m)
			f(w*32 + b/2)
			m &= m - 1
		}
	}
}

// linearFastX fits an X marker from the X design's tables.
func linearFastX(xd *xDesign, m *Marker, conv Convention, ws *linearWorkspace, sums []float64) Result {
	pr, t := xd.pr, xd.tabs
	rec := m.Genotypes[:t.recLen]
	loadWords(rec, ws.words, ws.pad)
	c := t.countX(ws.words, pr.n)
	a1IsAllele1 := conv.countsAllele1(c.c1, c.c2)
	r := newResult(m, a1IsAllele1)
	r.Missing = c.miss
	r.N = t.nValid - c.miss
	s := t.maleScale
	// Monomorphic means one allele only, whatever the males' coding.
	if classes([4]int{c.hom1, 0, c.hetF, c.hom2F + c.hom2M}) < 2 {
		r.setNotTestable(NotTestableMonomorphic)
		return r
	}
	e := ws.e
	e.copyFrom(pr.base)
	if c.miss > 0 {
		t.eachMissingX(ws.words, func(i int) {
			pr.fillRow(ws.row, i, 0)
			e.add(ws.row, pr.y[i], -1)
		})
		e.n = float64(r.N)
		e.xx[0] = e.n
	}
	fillGenotype(e, sums, float64(c.hetF)+2*float64(c.hom2F)+2*s*float64(c.hom2M), float64(c.hetF)+4*float64(c.hom2F)+4*s*s*float64(c.hom2M))
	e.fit(&r)
	if r.NotTestable == "" {
		r.orient(a1IsAllele1)
	}
	return r
}

// fillGenotype writes the genotype column's sums into the normal
// equations: sg = sum of dosage, sgg = sum of squared dosage, and the table
// sums (phenotype first, then each covariate).
func fillGenotype(e *normalEquations, sums []float64, sg, sgg float64) {
	p := e.p
	g := p - 1
	e.xx[g] = sg
	e.xx[g*p] = sg
	for j := 1; j < g; j++ {
		e.xx[j*p+g] = sums[j]
		e.xx[g*p+j] = sums[j]
	}
	e.xx[g*p+g] = sgg
	e.xy[g] = sums[0]
}
