package association

import (
	"phenolink/internal/plinkfile"
)

// xModel says how a regression treats an X-chromosome marker.
type xModel struct {
	maleScale float64 // a male's hemizygous call counts this many copies per .bed "homozygous" pair: 1 for 0/2, 0.5 for 0/1
	addSex    bool    // add sex as a covariate on X
}

// linearGeneric fits one marker by accumulating the normal equations sample
// by sample. It is the reference the table-driven scan is tested against,
// and it handles X markers, whose male coding the tables do not carry.
func linearGeneric(pr *prepared, m *Marker, conv Convention, xm xModel) Result {
	isX := m.IsX()
	c1, c2 := alleleCounts(m.Genotypes, pr.n, pr.male, isX)
	a1IsAllele1 := conv.countsAllele1(c1, c2)
	r := newResult(m, a1IsAllele1)
	p := len(pr.covs) + 2
	withSex := isX && xm.addSex
	if withSex {
		p++
	}
	e := newNormalEquations(p)
	row := make([]float64, p)
	counts := [4]int{}
	for i := range pr.n {
		if !pr.valid[i] {
			continue
		}
		g := plinkfile.Genotype(m.Genotypes, i)
		hemi := isX && pr.male[i]
		if g == plinkfile.Missing || (hemi && g == plinkfile.Het) {
			// PLINK sets a male's heterozygous X call to missing.
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
		e.add(row, pr.y[i], 1)
	}
	r.N = int(e.n)
	if classes(counts) < 2 {
		r.setNotTestable(NotTestableMonomorphic)
		return r
	}
	e.fit(&r)
	return r
}

// dosage1 maps a .bed code to copies of the .bim's allele 1, 0 for missing.
var dosage1 = [4]float64{plinkfile.HomAllele1: 2, plinkfile.Missing: 0, plinkfile.Het: 1, plinkfile.HomAllele2: 0}

func classes(counts [4]int) int {
	k := 0
	for _, g := range []int{plinkfile.HomAllele1, plinkfile.Het, plinkfile.HomAllele2} {
		if counts[g] > 0 {
			k++
		}
	}
	return k
}

// newResult labels a result with its counted allele.
func newResult(m *Marker, a1IsAllele1 bool) Result {
	r := Result{Chrom: m.Chrom, ID: m.ID, Pos: m.Pos, A1: m.Allele2, A2: m.Allele1}
	if a1IsAllele1 {
		r.A1, r.A2 = m.Allele1, m.Allele2
	}
	return r
}

// orient turns a fit on copies of allele 2, which every fit uses, into one
// on copies of A1: with d1 = 2 - d2 only the slope's sign changes.
func (r *Result) orient(a1IsAllele1 bool) {
	if a1IsAllele1 {
		r.Beta, r.Stat = -r.Beta, -r.Stat
	}
}
