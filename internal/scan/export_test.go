package scan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
	"phenolink/internal/scan/scantest"
)

type exported struct {
	bed, bim, fam, pheno bytes.Buffer
	sum                  ExportSummary
}

func export(t *testing.T, d Deps, phenotypes ...string) *exported {
	t.Helper()
	var e exported
	var err error
	e.sum, err = ExportPLINK(context.Background(), d, phenotypes, &e.bed, &e.bim, &e.fam, &e.pheno)
	if err != nil {
		t.Fatal(err)
	}
	return &e
}

// wantCode is the .bed code of a stored call given the .bim's alleles.
func wantCode(c phenolink.Call, a1, a2 string) uint8 {
	if !c.IsCalled() {
		return plinkfile.Missing
	}
	second := c.Second()
	if second == phenolink.AlleleNone {
		second = c.First()
	}
	copies := 0 // of allele 2
	for _, a := range []uint8{c.First(), second} {
		switch string(phenolink.AlleleLetter(a)) {
		case a2:
			copies++
		case a1:
		default:
			return 255 // an allele the .bim does not list
		}
	}
	return [3]uint8{plinkfile.HomAllele1, plinkfile.Het, plinkfile.HomAllele2}[copies]
}

func TestExportPLINKReadsBackAsStored(t *testing.T) {
	st, c, d := newCohort(t, scantest.Config{Seed: 21, Samples: 50, Markers: 3000, NoSexEvery: 4})
	ctx := context.Background()
	// One participant withdraws; another consents but has no genome.
	if err := st.WithdrawConsent(ctx, c.Users[3]); err != nil {
		t.Fatal(err)
	}
	st.AddProfile(ctx, "u99999", "p99999")
	st.GiveConsent(ctx, phenolink.Consent{UserID: "u99999", Version: phenolink.ConsentVersion})
	e := export(t, d, "height_mm", "chronotype")
	if e.sum.Samples != 49 || e.sum.Markers != 3000 || e.sum.Values != 98 {
		t.Errorf("summary %+v, want 49 samples, 3000 markers, 98 values", e.sum)
	}
	fam, err := plinkfile.ReadFam(&e.fam)
	if err != nil {
		t.Fatal(err)
	}
	var want []int // cohort index of each .fam row
	for i := range c.Profiles {
		if i != 3 {
			want = append(want, i)
		}
	}
	if len(fam) != len(want) {
		t.Fatalf(".fam has %d rows, want %d", len(fam), len(want))
	}
	for k, i := range want {
		if fam[k].IID != c.Profiles[i] || fam[k].FID != c.Profiles[i] || fam[k].Sex != plinkSex(c.Individuals[i]) {
			t.Errorf(".fam row %d = %+v, want %s with sex %d", k, fam[k], c.Profiles[i], plinkSex(c.Individuals[i]))
		}
	}
	genomes := make([][]phenolink.Call, len(want))
	for k, i := range want {
		genomes[k] = c.Individuals[i].Genome(c.Key)
	}
	bed, err := plinkfile.NewBedReader(&e.bed, len(fam))
	if err != nil {
		t.Fatal(err)
	}
	bim := bufio.NewScanner(&e.bim)
	rec := make([]byte, bed.RecordLen())
	for j, m := range c.Key {
		if !bim.Scan() {
			t.Fatalf(".bim ends at marker %d", j)
		}
		f := strings.Fields(bim.Text())
		if len(f) != 6 || f[0] != phenolink.Chromosome(m.Chrom).String() || f[1] != m.ID || f[3] != strconv.Itoa(int(m.Pos)) {
			t.Fatalf(".bim line %d = %q, want marker %+v", j+1, bim.Text(), m)
		}
		if err := bed.Read(rec); err != nil {
			t.Fatal(err)
		}
		for k := range want {
			if got, w := plinkfile.Genotype(rec, k), wantCode(genomes[k][j], f[4], f[5]); got != w {
				t.Fatalf("%s of %s: .bed code %d, want %d for call %v with alleles %s/%s", m.ID, fam[k].IID, got, w, genomes[k][j], f[4], f[5])
			}
		}
	}
	if err := bed.Read(rec); !errors.Is(err, io.EOF) {
		t.Errorf(".bed holds more records than markers: %v", err)
	}
	tab, err := plinkfile.ReadTable(&e.pheno)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := tab.Column("height_mm")
	ch, _ := tab.Column("chronotype")
	for k, i := range want {
		residual := c.Height[i] - 1650
		if plinkSex(c.Individuals[i]) == plinkfile.SexMale {
			residual -= 130
		}
		wantCh := 1.0
		if residual > 0 {
			wantCh = 2
		}
		if tab.IID[k] != c.Profiles[i] || h[k] != c.Height[i] || ch[k] != wantCh {
			t.Errorf("pheno row %d = %s %v %v, want %s %v %v", k, tab.IID[k], h[k], ch[k], c.Profiles[i], c.Height[i], wantCh)
		}
	}
}

func TestExportPLINKRefusals(t *testing.T) {
	_, _, d := newCohort(t, scantest.Config{Seed: 2, Samples: 5, Markers: 200})
	tests := []struct {
		ids  []string
		code string
	}{
		{[]string{"no_such"}, phenolink.ENOTFOUND},
		{[]string{"height_mm", "height_mm"}, phenolink.EINVALID},
		{make([]string, MaxExportPhenotypes+1), phenolink.EINVALID},
	}
	for _, tt := range tests {
		var bed, bim, fam, pheno bytes.Buffer
		_, err := ExportPLINK(context.Background(), d, tt.ids, &bed, &bim, &fam, &pheno)
		if phenolink.ErrorCode(err) != tt.code || bed.Len()+bim.Len()+fam.Len()+pheno.Len() != 0 {
			t.Errorf("ExportPLINK(%v): %v with %d bytes written, want %s and nothing written", tt.ids, err, bed.Len()+bim.Len()+fam.Len()+pheno.Len(), tt.code)
		}
	}
}

// TestScanMatchesPLINK runs PLINK 1.9 --linear on the export and checks
// that the scan of the same cohort prints the same numbers.
func TestScanMatchesPLINK(t *testing.T) {
	plink, err := exec.LookPath("plink1.9")
	if err != nil {
		t.Skip("plink1.9 is not on PATH")
	}
	_, _, d := newCohort(t, scantest.Config{Seed: 13, Samples: 300, Markers: 4000, NoSexEvery: 3})
	ctx := context.Background()
	dir := t.TempDir()
	prefix := filepath.Join(dir, "cohort")
	e := export(t, d, "height_mm")
	for ext, b := range map[string]*bytes.Buffer{".bed": &e.bed, ".bim": &e.bim, ".fam": &e.fam, ".pheno": &e.pheno} {
		if err := os.WriteFile(prefix+ext, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(plink, "--bfile", prefix, "--pheno", prefix+".pheno", "--pheno-name", "height_mm",
		"--linear", "--allow-no-sex", "--threads", "1", "--silent", "--out", filepath.Join(dir, "p19"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plink1.9: %v\n%s", err, out)
	}
	rows := readLinear(t, filepath.Join(dir, "p19.assoc.linear"))
	res, _, err := Run(ctx, d, newScan("height_mm"), nil)
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, r := range res {
		if r.Marker.Chrom == phenolink.ChromosomeY || r.Marker.Chrom == phenolink.ChromosomeMT {
			continue // PLINK's haploid handling there is not reproduced
		}
		row, ok := rows[r.Marker.ID]
		if !ok {
			t.Errorf("%s: no ADD row in PLINK's report", r.Marker.ID)
			continue
		}
		sign := 1.0
		if row[0] != r.A1 {
			sign = -1
		}
		if row[1] != strconv.Itoa(r.N) || !printedNear(sign*r.Beta, row[2]) || !printedNear(sign*r.Stat, row[3]) || !printedNear(r.P, row[4]) {
			t.Errorf("%s: scan A1=%s N=%d beta=%.4g stat=%.4g p=%.4g; PLINK A1=%s N=%s beta=%s stat=%s p=%s",
				r.Marker.ID, r.A1, r.N, r.Beta, r.Stat, r.P, row[0], row[1], row[2], row[3], row[4])
		}
		compared++
	}
	if compared < len(res)*9/10 || compared < 1000 {
		t.Errorf("compared %d of %d results", compared, len(res))
	}
}

// readLinear returns the ADD rows of a PLINK 1.9 .assoc.linear report by
// marker: A1, NMISS, BETA, STAT, P as printed.
func readLinear(t *testing.T, path string) map[string][5]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	rows := map[string][5]string{}
	for sc.Scan() {
		c := strings.Fields(sc.Text())
		if len(c) == 9 && c[4] == "ADD" && c[8] != "NA" {
			rows[c[1]] = [5]string{c[3], c[5], c[6], c[7], c[8]}
		}
	}
	return rows
}

// printedNear reports whether v rounds to PLINK's four significant digits
// s, allowing one unit of the last digit.
func printedNear(v float64, s string) bool {
	p, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false
	}
	if p == 0 || v == 0 {
		return math.Abs(p-v) < 1e-300 || math.Abs(p-v) < 1e-4
	}
	unit := math.Pow(10, math.Floor(math.Log10(math.Abs(p)))-3)
	return math.Abs(v-p) <= unit*1.01
}

// TestReadMatrixAcrossGroupsAndCores reads a cohort large enough for
// several groups and for the goroutines that split markers, and checks
// every packed call.
func TestReadMatrixAcrossGroupsAndCores(t *testing.T) {
	st, c, _ := newCohort(t, scantest.Config{Seed: 8, Samples: groupSize + 5, Markers: parallelMarkers + 100})
	ctx := context.Background()
	markers, _ := st.Markers(ctx)
	g, err := readMatrix(ctx, st, markers, func(string) bool { return true }, len(c.Profiles), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Samples at both ends of each group and of the records' bytes.
	for _, k := range []int{0, 1, 3, 4, groupSize - 1, groupSize, groupSize + 4} {
		calls := c.Individuals[k].Genome(c.Key)
		for j := range c.Key {
			a1, a2 := g.alleleLetters(j)
			if got, want := plinkfile.Genotype(g.record(j), k), wantCode(calls[j], a1, a2); got != want {
				t.Fatalf("sample %d marker %d: code %d, want %d for %v with alleles %s/%s", k, j, got, want, calls[j], a1, a2)
			}
		}
	}
	for j := range c.Key {
		rec := g.record(j)
		if pad := rec[len(rec)-1] >> (2 * (len(c.Profiles) % 4)); len(c.Profiles)%4 != 0 && pad != 0 {
			t.Fatalf("marker %d: padding bits %b are not zero", j, pad)
		}
	}
}
