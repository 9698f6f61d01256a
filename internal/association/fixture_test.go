package association

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"phenolink/internal/plinkfile"
)

// fixture is the simulated cohort under testdata/plink with its PLINK
// outputs (see testdata/run-plink.sh for how each was made).
type fixture struct {
	dir     string
	markers []Marker
	samples []plinkfile.Sample
	pheno   *plinkfile.Table
	covar   *plinkfile.Table
}

func loadFixture(t *testing.T, dir string) *fixture {
	t.Helper()
	prefix := filepath.Join(dir, "cohort")
	r, err := plinkfile.Open(prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f := &fixture{dir: dir, samples: r.Samples}
	for {
		rec := make([]byte, plinkfile.RecordLen(len(r.Samples)))
		v, err := r.Next(rec)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		f.markers = append(f.markers, Marker{Chrom: v.Chrom, ID: v.ID, Pos: v.Pos, Allele1: v.Allele1, Allele2: v.Allele2, Genotypes: rec})
	}
	f.pheno = readTable(t, prefix+".pheno")
	f.covar = readTable(t, prefix+".covar")
	return f
}

func readTable(t *testing.T, path string) *plinkfile.Table {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	tab, err := plinkfile.ReadTable(fh)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// cohort builds the regression inputs for phenotype name; binary phenotypes
// are recoded from PLINK's 1/2 to 0/1.
func (f *fixture) cohort(t *testing.T, name string, withCovariates bool) *Cohort {
	t.Helper()
	y, ok := f.pheno.Column(name)
	if !ok {
		t.Fatalf("no phenotype %q", name)
	}
	if name == "bin" {
		for i := range y {
			y[i]--
		}
	}
	c := &Cohort{Phenotype: y}
	for _, s := range f.samples {
		c.Sex = append(c.Sex, s.Sex)
	}
	if withCovariates {
		for _, n := range f.covar.Names {
			col, _ := f.covar.Column(n)
			c.Covariates = append(c.Covariates, col)
		}
	}
	return c
}

// plinkRow is one printed row of a PLINK association report, by column name.
type plinkRow map[string]string

// readPlinkReport parses a whitespace-separated PLINK report, keeping only
// the genotype's rows (TEST = ADD) where the report has a TEST column.
func readPlinkReport(t *testing.T, path string) map[string]plinkRow {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Scan()
	head := strings.Fields(strings.TrimPrefix(sc.Text(), "#"))
	rows := map[string]plinkRow{}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != len(head) {
			t.Fatalf("%s: row %q has %d fields, header %d", path, sc.Text(), len(f), len(head))
		}
		row := plinkRow{}
		for i, h := range head {
			row[h] = f[i]
		}
		if test, ok := row["TEST"]; ok && test != "ADD" {
			continue
		}
		rows[row["SNP"]+row["ID"]] = row
	}
	return rows
}
