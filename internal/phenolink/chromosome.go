package phenolink

import "strconv"

// Chromosome is a human chromosome as a small code: 1..22 for the
// autosomes, then X, Y and the mitochondrial genome. The zero value is not a
// chromosome, so a forgotten field shows up in Valid. The codes fit a byte so
// that a marker index of a million rows stays compact.
type Chromosome uint8

// The chromosomes that are not numbered.
const (
	ChromosomeX  Chromosome = 23
	ChromosomeY  Chromosome = 24
	ChromosomeMT Chromosome = 25 // the mitochondrial genome, written "MT"
)

// ParseChromosomeBytes parses a chromosome as 23andMe writes it: "1".."22"
// without leading zeros, "X", "Y" or "MT".
func ParseChromosomeBytes(b []byte) (Chromosome, bool) {
	switch len(b) {
	case 1:
		switch c := b[0]; {
		case c >= '1' && c <= '9':
			return Chromosome(c - '0'), true
		case c == 'X':
			return ChromosomeX, true
		case c == 'Y':
			return ChromosomeY, true
		}
	case 2:
		if b[0] == 'M' && b[1] == 'T' {
			return ChromosomeMT, true
		}
		if b[0] >= '1' && b[0] <= '2' && b[1] >= '0' && b[1] <= '9' {
			n := (b[0]-'0')*10 + b[1] - '0'
			if n <= 22 {
				return Chromosome(n), true
			}
		}
	}
	return 0, false
}

// ParseChromosome is ParseChromosomeBytes for a string, with an EINVALID
// error that says which names are accepted.
func ParseChromosome(s string) (Chromosome, error) {
	c, ok := ParseChromosomeBytes([]byte(s))
	if !ok {
		return 0, Errorf(EINVALID, "chromosome %q is not one of 1 to 22, X, Y or MT", s)
	}
	return c, nil
}

// Valid reports whether c is one of the 25 chromosome codes.
func (c Chromosome) Valid() bool { return c >= 1 && c <= ChromosomeMT }

// String renders c the way 23andMe writes it ("1", "X", "MT"), and an
// invalid code as "?" followed by its number so that it is never mistaken for
// a real chromosome.
func (c Chromosome) String() string {
	switch {
	case c == ChromosomeX:
		return "X"
	case c == ChromosomeY:
		return "Y"
	case c == ChromosomeMT:
		return "MT"
	case c.Valid():
		return strconv.Itoa(int(c))
	}
	return "?" + strconv.Itoa(int(c))
}
