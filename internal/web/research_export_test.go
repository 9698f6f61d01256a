package web

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestPLINKExportIsAZipOfTheFilesetAndAudited(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		seedCohort(t, st, 4, []string{"AA", "AG"}, func(i int) float64 { return 1600 + float64(i) })
		c, _ := app.researcher(t, "Ada")

		resp, page := postForm(t, c, app.URL+"/research/export/", url.Values{"phenotypes": {"shoe_size"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "no phenotype &#34;shoe_size&#34;") {
			t.Fatalf("export of an unknown phenotype = %d:\n%s", resp.StatusCode, page)
		}
		if got := auditActions(t, st); len(got) != 0 {
			t.Fatalf("audit after a refused export = %v", got)
		}

		resp, body := postForm(t, c, app.URL+"/research/export/", url.Values{"phenotypes": {"height_mm"}})
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("export = %d %s: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
		if err != nil {
			t.Fatalf("not a zip: %v", err)
		}
		files := map[string]string{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			files[f.Name] = string(b)
		}
		if bed := files["phenolink.bed"]; !strings.HasPrefix(bed, "\x6c\x1b\x01") {
			t.Errorf("bed lacks the PLINK magic: %q", bed)
		}
		if n := strings.Count(files["phenolink.fam"], "\n"); n != 4 {
			t.Errorf("fam has %d lines, want 4:\n%s", n, files["phenolink.fam"])
		}
		if !strings.Contains(files["phenolink.bim"], "rs100") || !strings.Contains(files["phenolink.pheno"], "cohort_profile_003\tcohort_profile_003\t1603") {
			t.Errorf("bim or pheno wrong:\n%s\n%s", files["phenolink.bim"], files["phenolink.pheno"])
		}
		if got := auditActions(t, st); len(got) != 1 || got[0] != "export.plink" {
			t.Errorf("audit after export = %v", got)
		}
	})
}
