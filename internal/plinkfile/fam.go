package plinkfile

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Sex codes of a .fam file.
const (
	SexUnknown = 0
	SexMale    = 1
	SexFemale  = 2
)

// Sample is one row of a .fam file.
type Sample struct {
	FID, IID       string // family and individual ids
	Father, Mother string // parents' IIDs, "0" when not in the data
	Sex            int    // SexMale, SexFemale or SexUnknown
	Phenotype      string // column 6 as written: "-9" or "0" means missing
}

// ReadFam parses a whole .fam file.
func ReadFam(r io.Reader) ([]Sample, error) {
	var ss []Sample
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 6 {
			return nil, fmt.Errorf("plinkfile.ReadFam: line %d: %d columns, want 6 (fid iid father mother sex phenotype)", line, len(f))
		}
		sex, err := strconv.Atoi(f[4])
		if err != nil || sex < 0 || sex > 2 {
			sex = SexUnknown // PLINK reads any other sex code as unknown
		}
		ss = append(ss, Sample{FID: f[0], IID: f[1], Father: f[2], Mother: f[3], Sex: sex, Phenotype: f[5]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("plinkfile.ReadFam: %w", err)
	}
	return ss, nil
}

// WriteFam writes samples as a tab-separated .fam file.
func WriteFam(w io.Writer, ss []Sample) error {
	bw := bufio.NewWriter(w)
	for _, s := range ss {
		father, mother, pheno := or0(s.Father), or0(s.Mother), s.Phenotype
		if pheno == "" {
			pheno = "-9"
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%d\t%s\n", s.FID, s.IID, father, mother, s.Sex, pheno)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("plinkfile.WriteFam: %w", err)
	}
	return nil
}

func or0(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
