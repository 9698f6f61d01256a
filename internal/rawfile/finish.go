package rawfile

import (
	"sort"

	"phenolink/internal/phenolink"
)

// finish turns the columns into a Genome: it checks the file had rows,
// gives each marker its id and drops repeated rows.
func (p *parser) finish() (*Genome, error) {
	if len(p.markers) == 0 {
		if p.build == 0 {
			return nil, invalidf("The file %shas no genotype rows and no line naming the genome build, so it is not a 23andMe raw-data file. Download your raw data from 23andMe again and upload that file.", named(p.name))
		}
		return nil, invalidf("The file %shas a header but no genotype rows; it was probably cut short. Download your raw data from 23andMe again and upload the whole file.", named(p.name))
	}
	all := string(p.ids) // one allocation; every id is a substring of it
	start := uint32(0)
	for i, end := range p.idEnds {
		p.markers[i].ID = all[start:end]
		start = end
	}
	g := &Genome{Build: p.build, Header: p.header, Markers: p.markers, Calls: p.calls}
	g.Summary.Rows = len(p.markers)
	if err := p.dropRepeats(g); err != nil {
		return nil, err
	}
	for _, c := range g.Calls {
		switch {
		case c == phenolink.NoCall:
			g.Summary.NoCalls++
		case c.IsHaploid():
			g.Summary.Haploid++
		}
		if c.IsCalled() && (isIndel(c.First()) || isIndel(c.Second())) {
			g.Summary.Indels++
		}
	}
	return g, nil
}

// dropRepeats keeps the first of identical rows and refuses a marker id
// that comes back with another chromosome, position or call, since either
// call could be the wrong one.
func (p *parser) dropRepeats(g *Genome) error {
	seen := make(map[string]int32, len(g.Markers))
	keep := -1 // index of the first dropped row, -1 while none is dropped
	for i := range g.Markers {
		m := g.Markers[i]
		j, dup := seen[m.ID]
		if !dup {
			seen[m.ID] = int32(i)
			continue
		}
		first := g.Markers[j]
		if first.Chrom != m.Chrom || first.Pos != m.Pos || g.Calls[j] != g.Calls[i] {
			return rowError(p.lineOf(i), "marker %s appears again, now at chromosome %s position %d with genotype %s, but an earlier row (line %d) has it at chromosome %s position %d with genotype %s. The file is damaged or was edited.",
				m.ID, m.Chrom, m.Pos, g.Calls[i], p.lineOf(int(j)), first.Chrom, first.Pos, g.Calls[j])
		}
		if keep < 0 {
			keep = i
		}
		g.Summary.Duplicates++
	}
	if keep < 0 {
		return nil
	}
	// Compact in place, keeping each id's first row.
	for i := keep; i < len(g.Markers); i++ {
		if int(seen[g.Markers[i].ID]) != i {
			continue
		}
		g.Markers[keep], g.Calls[keep] = g.Markers[i], g.Calls[i]
		keep++
	}
	g.Markers, g.Calls = g.Markers[:keep], g.Calls[:keep]
	return nil
}

// lineOf returns the line number of data row i, counting the blank and
// comment lines that sat between rows.
func (p *parser) lineOf(i int) int {
	skipped := sort.Search(len(p.gaps), func(k int) bool { return p.gaps[k] > i })
	return p.firstData + i + skipped
}

func isIndel(allele uint8) bool {
	return allele == phenolink.AlleleDeleted || allele == phenolink.AlleleInsert
}
