package cohortsim

import (
	"math/rand/v2"
	"strconv"

	"phenolink/internal/plinkfile"
)

// markerKind says which special case a marker exercises.
type markerKind int

const (
	ordinary    markerKind = iota
	monomorphic            // every call the same allele
	tie                    // both alleles counted exactly equally, no missing calls
	allMissing             // no calls at all
)

func kindOf(m int) markerKind {
	switch {
	case m%101 == 3:
		return monomorphic
	case m%89 == 5:
		return tie
	case m%499 == 11:
		return allMissing
	}
	return ordinary
}

// xStart is where the X chromosome begins: the last twentieth of markers.
func xStart(cfg Config) int { return cfg.Markers - cfg.Markers/20 }

var bases = [4]string{"A", "C", "G", "T"}

func variant(cfg Config, m int) plinkfile.Variant {
	chrom := strconv.Itoa(1 + m*22/max(xStart(cfg), 1))
	if m >= xStart(cfg) {
		chrom = "X"
	}
	r := rand.New(rand.NewPCG(cfg.Seed^uint64(m), 0xb1))
	a1 := r.IntN(4)
	a2 := (a1 + 1 + r.IntN(3)) % 4
	return plinkfile.Variant{Chrom: chrom, ID: "rs" + strconv.Itoa(1000+m), Pos: int64(10000 + 1000*m), Allele1: bases[a1], Allele2: bases[a2]}
}

// genotypes fills rec with marker m's calls. Allele 1's frequency is drawn
// from 0.01 to 0.99, so the .bim's allele 1 is the minor allele only about
// half the time, as in files written with a fixed reference allele.
func genotypes(cfg Config, m int, sex []int, rec []byte) {
	n := cfg.Samples
	r := rand.New(rand.NewPCG(cfg.Seed^uint64(m), 0x9e))
	kind := kindOf(m)
	isX := m >= xStart(cfg)
	for i := range rec {
		rec[i] = 0
	}
	switch kind {
	case allMissing:
		plinkfile.FillMissing(rec, n)
		return
	case tie:
		fillTie(r, rec, n, sex, isX)
		return
	}
	f := 0.01 + 0.98*r.Float64()
	if kind == monomorphic {
		f = float64(r.IntN(2))
	}
	missRate := 0.0
	if m%3 != 0 {
		missRate = 0.06 * r.Float64()
	}
	for i := range n {
		var g uint8
		switch {
		case r.Float64() < missRate:
			g = plinkfile.Missing
		case isX && sex[i] == plinkfile.SexMale:
			g = plinkfile.HomAllele2
			if r.Float64() < f {
				g = plinkfile.HomAllele1
			}
		default:
			copies := 0
			if r.Float64() < f {
				copies++
			}
			if r.Float64() < f {
				copies++
			}
			g = [3]uint8{plinkfile.HomAllele2, plinkfile.Het, plinkfile.HomAllele1}[copies]
		}
		plinkfile.SetGenotype(rec, i, g)
	}
}

// fillTie writes a marker whose allele counts are exactly equal over all
// samples: pairs of opposite homozygotes, hets filling the rest. On X, male
// calls count one allele, so males are paired with males.
func fillTie(r *rand.Rand, rec []byte, n int, sex []int, isX bool) {
	order := r.Perm(n)
	var pending [3]int // an unpaired person per sex, index+1
	for _, i := range order {
		s := 0
		if isX {
			s = sex[i]
		}
		if pending[s] == 0 {
			pending[s] = i + 1
			continue
		}
		j := pending[s] - 1
		pending[s] = 0
		if r.IntN(3) == 0 && !(isX && s == plinkfile.SexMale) {
			plinkfile.SetGenotype(rec, i, plinkfile.Het)
			plinkfile.SetGenotype(rec, j, plinkfile.Het)
			continue
		}
		plinkfile.SetGenotype(rec, i, plinkfile.HomAllele1)
		plinkfile.SetGenotype(rec, j, plinkfile.HomAllele2)
	}
	for _, p := range pending {
		if p != 0 {
			// A leftover person is het (female or autosome) or missing.
			g := uint8(plinkfile.Het)
			if isX && sex[p-1] == plinkfile.SexMale {
				g = plinkfile.Missing
			}
			plinkfile.SetGenotype(rec, p-1, g)
		}
	}
}
