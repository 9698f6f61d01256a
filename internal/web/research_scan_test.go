package web

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan"
)

func TestStartingAScanStoresItWithItsJob(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		c, id := app.researcher(t, "Ada")

		resp, page := postForm(t, c, app.URL+"/scans/", url.Values{"phenotype": {"height_mm"}, "sex": {"yes"}, "min_maf": {"0.7"}, "min_call_rate": {"0.95"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "minor-allele frequency threshold must be at least 0 and below 0.5") {
			t.Fatalf("scan with MAF 0.7 = %d, want 422 with the reason:\n%s", resp.StatusCode, page)
		}
		if !strings.Contains(page, `value="0.7"`) || !strings.Contains(page, `name="sex" value="yes" checked`) {
			t.Errorf("refused form lost its values")
		}
		if scans, _ := st.Scans(t.Context()); len(scans) != 0 {
			t.Fatalf("scans after a refused start: %v", scans)
		}

		// Nobody has a height yet: refused before anything is stored.
		resp, page = postForm(t, c, app.URL+"/scans/", url.Values{"phenotype": {"height_mm"}, "sex": {"yes"}, "age": {"yes"}, "min_maf": {"0.01"}, "min_call_rate": {"0.95"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Only 0 consenting participants have a value of Height; a scan needs at least 10.") {
			t.Fatalf("scan of a phenotype nobody has = %d, want 422 with the reason:\n%s", resp.StatusCode, page)
		}
		if scans, _ := st.Scans(t.Context()); len(scans) != 0 {
			t.Fatalf("scans after a scan of a phenotype nobody has: %v", scans)
		}

		seedCohort(t, st, 12, []string{"AA", "AG", "GG"}, func(i int) float64 { return 1600 + float64(i) })
		resp, page = postForm(t, c, app.URL+"/scans/", url.Values{"phenotype": {"height_mm"}, "sex": {"yes"}, "age": {"yes"}, "min_maf": {"0.01"}, "min_call_rate": {"0.95"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("start scan = %d:\n%s", resp.StatusCode, page)
		}
		scans, err := st.Scans(t.Context())
		if err != nil || len(scans) != 1 {
			t.Fatalf("Scans = %v, %v", scans, err)
		}
		s := scans[0]
		if s.PhenotypeID != "height_mm" || s.CreatedBy != id || s.MinMAF != 0.01 || s.MinCallRate != 0.95 || strings.Join(s.Covariates, ",") != "sex,age" {
			t.Errorf("stored scan = %+v", s)
		}
		if got := resp.Header.Get("Location"); got != fmt.Sprintf("/scans/%d/", s.ID) {
			t.Errorf("redirect to %q", got)
		}
		job, err := st.Job(t.Context(), s.JobID)
		if err != nil || job.Kind != phenolink.JobScan || job.State != phenolink.JobQueued {
			t.Fatalf("scan job = %+v, %v", job, err)
		}

		_, page = get(t, c, fmt.Sprintf("%s/scans/%d/", app.URL, s.ID))
		if !strings.Contains(page, fmt.Sprintf(`data-poll-url="/scans/%d/status/"`, s.ID)) {
			t.Errorf("running scan page does not poll:\n%s", page)
		}
		resp, body := get(t, c, fmt.Sprintf("%s/scans/%d/status/", app.URL, s.ID))
		var st1 scanStatus
		if err := json.Unmarshal([]byte(body), &st1); err != nil || resp.Header.Get("Content-Type") != "application/json" || st1.Status != phenolink.JobQueued {
			t.Errorf("status = %s (%v)", body, err)
		}
		resp, _ = get(t, c, fmt.Sprintf("%s/scans/%d/manhattan.png", app.URL, s.ID))
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("plot of an unfinished scan = %d, want 404", resp.StatusCode)
		}
	})
}

// nullResults makes n results spread over the autosomes with p uniform.
func nullResults(n int) scan.Results {
	rng := rand.New(rand.NewPCG(3, 4))
	r := make(scan.Results, n)
	for i := range r {
		p := rng.Float64()
		r[i] = scan.Result{
			Marker: phenolink.Marker{ID: fmt.Sprintf("rs%d", 1000+i), Chrom: phenolink.Chromosome(1 + i*22/n), Pos: uint32(1000 + i*50)},
			A1:     "A", A2: "G", N: 500, MAF: 0.2, Beta: 0.1, SE: 0.2, Stat: 0.5, P: p, Log10P: -math.Log10(p),
		}
	}
	r[n/2].P, r[n/2].Log10P = 1e-12, 12
	return r
}

func TestCompletedScanShowsPlotsTopHitsAndAuditsItsCSV(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		c, id := app.researcher(t, "Ada")
		s, err := st.CreateScan(t.Context(), phenolink.Scan{PhenotypeID: "height_mm", CreatedBy: id, MinMAF: 0.01, MinCallRate: 0.9})
		if err != nil {
			t.Fatal(err)
		}
		results := nullResults(20000)
		enc, err := results.Encode()
		if err != nil {
			t.Fatal(err)
		}
		s.Samples, s.Tested, s.Lambda = 500, len(results), results.Lambda()
		if err := st.CompleteScan(t.Context(), s, enc); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("%s/scans/%d/", app.URL, s.ID)
		_, page := get(t, c, base)
		hit := results[len(results)/2].Marker.ID
		wantContains(t, page, "scan page lacks", "20,000", `/results/?phenotypes=height_mm&amp;snps=`+hit, "manhattan.png", "qq.png", "results.csv")
		weight := len(page)
		for _, img := range []string{"manhattan.png", "qq.png"} {
			resp, body := get(t, c, base+img)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
				t.Errorf("%s = %d %s", img, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			weight += len(body)
		}
		t.Logf("scan page with its plots: %d bytes", weight)
		if weight > 1<<20 {
			t.Errorf("scan page with its plots weighs %d bytes, over 1 MB", weight)
		}
		if got := auditActions(t, st); len(got) != 0 {
			t.Errorf("audit before any export = %v", got)
		}
		resp, body := get(t, c, base+"results.csv")
		if resp.StatusCode != http.StatusOK || strings.Count(body, "\n") != len(results)+1 {
			t.Errorf("CSV = %d with %d lines, want %d", resp.StatusCode, strings.Count(body, "\n"), len(results)+1)
		}
		if got := auditActions(t, st); len(got) != 1 || got[0] != "export.scan.csv" {
			t.Errorf("audit after the CSV = %v", got)
		}
	})
}
