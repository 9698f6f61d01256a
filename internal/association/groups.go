package association

import (
	"math"
	"slices"

	"phenolink/internal/plinkfile"
)

// GenotypeGroup summarises the phenotype of the people sharing one
// genotype at a marker, for the per-SNP results page.
type GenotypeGroup struct {
	Genotype string  // e.g. "AG": the two alleles, allele 1 first
	Copies   int     // copies of the marker's Allele1 (0, 1 or 2)
	N        int     // people with this genotype and a phenotype
	Mean     float64 // NaN when N is 0
	SD       float64 // sample standard deviation (n-1); NaN when N < 2
	Median   float64 // NaN when N is 0
}

// GenotypeGroups returns the three genotype groups of m (two copies of
// Allele1, one, none) with the phenotype's n, mean, sd and median over the
// people with a call and a phenotype. Hiding groups smaller than the
// disclosure threshold is the caller's job.
func GenotypeGroups(m *Marker, phenotype []float64) [3]GenotypeGroup {
	var vals [3][]float64
	for i, y := range phenotype {
		if math.IsNaN(y) {
			continue
		}
		switch plinkfile.Genotype(m.Genotypes, i) {
		case plinkfile.HomAllele1:
			vals[0] = append(vals[0], y)
		case plinkfile.Het:
			vals[1] = append(vals[1], y)
		case plinkfile.HomAllele2:
			vals[2] = append(vals[2], y)
		}
	}
	labels := [3]string{m.Allele1 + m.Allele1, m.Allele1 + m.Allele2, m.Allele2 + m.Allele2}
	var out [3]GenotypeGroup
	for k, v := range vals {
		out[k] = summarise(v)
		out[k].Genotype = labels[k]
		out[k].Copies = 2 - k
	}
	return out
}

func summarise(v []float64) GenotypeGroup {
	g := GenotypeGroup{N: len(v), Mean: math.NaN(), SD: math.NaN(), Median: math.NaN()}
	if len(v) == 0 {
		return g
	}
	var sum float64
	for _, x := range v {
		sum += x
	}
	g.Mean = sum / float64(len(v))
	if len(v) > 1 {
		var ss float64
		for _, x := range v {
			ss += (x - g.Mean) * (x - g.Mean)
		}
		g.SD = math.Sqrt(ss / float64(len(v)-1))
	}
	slices.Sort(v)
	mid := len(v) / 2
	g.Median = v[mid]
	if len(v)%2 == 0 {
		g.Median = (v[mid-1] + v[mid]) / 2
	}
	return g
}
