package association

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMatchesLivePLINK regenerates the cohort and reruns PLINK with the
// committed script, then compares as TestMatchesPLINK does, so the
// fixtures cannot drift from what the script and the installed PLINKs make.
func TestMatchesLivePLINK(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PLINK; skipped in -short mode")
	}
	for _, tool := range []string{"plink1.9", "plink2", "go", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH; the committed fixtures are still checked by TestMatchesPLINK", tool)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command("bash", "testdata/run-plink.sh", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("run-plink.sh: %v\n%s", err, out)
	}
	for _, ext := range []string{".bed", ".bim", ".fam", ".pheno", ".covar"} {
		got, _ := os.ReadFile(filepath.Join(dir, "cohort"+ext))
		want, _ := os.ReadFile(filepath.Join("testdata/plink", "cohort"+ext))
		if !bytes.Equal(got, want) {
			t.Errorf("regenerated cohort%s differs from the committed fixture", ext)
		}
	}
	checkReports(t, loadFixture(t, dir), plinkReports)
}
