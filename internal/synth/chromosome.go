package synth

import (
	"fmt"
	"strconv"
)

// Chromosome numbers a GRCh37 chromosome: 1-22 for the autosomes, then X,
// Y and MT. The zero value is not a chromosome.
type Chromosome uint8

// The non-autosomal chromosomes.
const (
	ChromX  Chromosome = 23
	ChromY  Chromosome = 24
	ChromMT Chromosome = 25
)

// chromosomeInfo holds the GRCh37 (hg19) RefSeq accession and length of
// chromosome i+1.
var chromosomeInfo = [25]struct {
	accession string
	length    uint32
}{
	{"NC_000001.10", 249250621},
	{"NC_000002.11", 243199373},
	{"NC_000003.11", 198022430},
	{"NC_000004.11", 191154276},
	{"NC_000005.9", 180915260},
	{"NC_000006.11", 171115067},
	{"NC_000007.13", 159138663},
	{"NC_000008.10", 146364022},
	{"NC_000009.11", 141213431},
	{"NC_000010.10", 135534747},
	{"NC_000011.9", 135006516},
	{"NC_000012.11", 133851895},
	{"NC_000013.10", 115169878},
	{"NC_000014.8", 107349540},
	{"NC_000015.9", 102531392},
	{"NC_000016.9", 90354753},
	{"NC_000017.10", 81195210},
	{"NC_000018.9", 78077248},
	{"NC_000019.9", 59128983},
	{"NC_000020.10", 63025520},
	{"NC_000021.8", 48129895},
	{"NC_000022.10", 51304566},
	{"NC_000023.10", 155270560},
	{"NC_000024.9", 59373566},
	{"NC_012920.1", 16569},
}

// Chromosomes returns every chromosome in key order: 1..22, X, Y, MT.
func Chromosomes() []Chromosome {
	cs := make([]Chromosome, len(chromosomeInfo))
	for i := range cs {
		cs[i] = Chromosome(i + 1)
	}
	return cs
}

// Valid reports whether c is one of the 25 chromosomes.
func (c Chromosome) Valid() bool { return c >= 1 && int(c) <= len(chromosomeInfo) }

// String returns the name 23andMe uses: "1".."22", "X", "Y", "MT".
func (c Chromosome) String() string {
	switch {
	case c == ChromX:
		return "X"
	case c == ChromY:
		return "Y"
	case c == ChromMT:
		return "MT"
	case c.Valid():
		return strconv.Itoa(int(c))
	}
	return fmt.Sprintf("Chromosome(%d)", uint8(c))
}

// Accession returns the GRCh37 RefSeq accession, e.g. "NC_000004.11".
func (c Chromosome) Accession() string {
	if !c.Valid() {
		return ""
	}
	return chromosomeInfo[c-1].accession
}

// Length returns the GRCh37 length in bases.
func (c Chromosome) Length() uint32 {
	if !c.Valid() {
		return 0
	}
	return chromosomeInfo[c-1].length
}

// ParseChromosome parses "1".."22", "X", "Y", "MT" (also "M", "23", "24",
// "25" and a "chr" prefix, which other tools write).
func ParseChromosome(s string) (Chromosome, error) {
	name := s
	if len(name) > 3 && (name[:3] == "chr" || name[:3] == "CHR") {
		name = name[3:]
	}
	switch name {
	case "X", "x":
		return ChromX, nil
	case "Y", "y":
		return ChromY, nil
	case "MT", "M", "mt", "m":
		return ChromMT, nil
	}
	n, err := strconv.Atoi(name)
	if err != nil || n < 1 || n > len(chromosomeInfo) {
		return 0, fmt.Errorf("synth.ParseChromosome(%q): not 1-22, X, Y or MT", s)
	}
	return Chromosome(n), nil
}

// ChromosomeByAccession returns the chromosome with the GRCh37 accession.
func ChromosomeByAccession(accession string) (Chromosome, bool) {
	for i, info := range chromosomeInfo {
		if info.accession == accession {
			return Chromosome(i + 1), true
		}
	}
	return 0, false
}
