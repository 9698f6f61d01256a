package association

// linearWorkspace is one worker's scratch space, reused across markers.
type linearWorkspace struct {
	words []uint64
	pad   []byte
	sums  []float64
	row   []float64
	e     *normalEquations
}

func newLinearWorkspace(pr *prepared, t *byteTables) *linearWorkspace {
	p := len(pr.covs) + 2
	return &linearWorkspace{
		words: make([]uint64, t.words),
		pad:   make([]byte, 8*t.words),
		sums:  make([]float64, t.stats),
		row:   make([]float64, p),
		e:     newNormalEquations(p),
	}
}

// linearFast fits an autosomal marker from the byte tables: the
// intercept and covariate cross-products come precomputed over all valid
// samples, corrected for this marker's missing calls sample by sample, and
// the genotype's own sums come from popcounts and table look-ups.
func linearFast(pr *prepared, t *byteTables, m *Marker, conv Convention, ws *linearWorkspace, sums []float64) Result {
	rec := m.Genotypes[:t.recLen]
	loadWords(rec, ws.words, ws.pad)
	c := t.count(ws.words)
	allHom1 := pr.n - c.allHet - c.allHom2 - c.allMiss
	a1IsAllele1 := conv.countsAllele1(float64(2*allHom1+c.allHet), float64(2*c.allHom2+c.allHet))
	r := newResult(m, a1IsAllele1)
	r.Missing = c.miss
	r.N = t.nValid - c.miss
	hom1 := r.N - c.het - c.hom2
	if classes([4]int{hom1, 0, c.het, c.hom2}) < 2 {
		r.setNotTestable(NotTestableMonomorphic)
		return r
	}
	e := ws.e
	e.copyFrom(pr.base)
	if c.miss > 0 {
		if len(pr.covs) == 0 {
			// Intercept only: a missing sample takes away its count, y
			// and y^2, which is all of its row.
			sy, syy := t.missingSums(ws.words)
			e.xy[0] -= sy
			e.yy -= syy
		} else {
			t.eachMissing(ws.words, func(i int) {
				pr.fillRow(ws.row, i, 0)
				e.add(ws.row, pr.y[i], -1)
			})
		}
		// Subtracting the missing samples' rows leaves the intercept's
		// count exact; rounding cannot creep into an integer this small.
		e.n = float64(r.N)
		e.xx[0] = e.n
	}
	fillGenotype(e, sums, float64(c.het+2*c.hom2), float64(c.het+4*c.hom2))
	e.fit(&r)
	if r.NotTestable == "" {
		r.orient(a1IsAllele1)
	}
	return r
}
