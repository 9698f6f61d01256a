package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// resultsCohort is nine participants at k = 3: four AA and four AG at
// rs100 with heights around 1604 and 1715 mm, and one GG, whose group is
// too small to show, with a height found nowhere else.
var resultsCohort = struct {
	calls   []string
	heights []float64
}{
	calls:   []string{"AA", "AG", "AA", "AG", "AA", "AG", "AA", "AG", "GG"},
	heights: []float64{1601, 1712, 1603, 1714, 1605, 1716, 1607, 1718, 2345.6},
}

// hiddenHeight is the GG participant's height as any format would print it.
var hiddenHeight = []string{"2345", "2346", "2.346e"}

func seedResultsCohort(t *testing.T, st researchStore) {
	t.Helper()
	c := resultsCohort
	seedCohort(t, st, len(c.calls), c.calls, func(i int) float64 { return c.heights[i] })
}

// mainOf returns the page's main element, so that checks do not trip over
// asset fingerprints in the head.
func mainOf(t *testing.T, page string) string {
	t.Helper()
	i, j := strings.Index(page, "<main"), strings.Index(page, "</main>")
	if i < 0 || j < i {
		t.Fatalf("no <main> in:\n%s", page)
	}
	return page[i:j]
}

func TestResultsPageShowsGroupsTestAndChart(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		seedResultsCohort(t, st)
		c, _ := app.researcher(t, "Ada")

		resp, page := get(t, c, app.URL+"/results/?snps=rs100,RS200+rs999&phenotypes=height_mm")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("results = %d:\n%s", resp.StatusCode, page)
		}
		main := strings.ReplaceAll(mainOf(t, page), "\n", "")
		// AA: 1601..1607, mean 1604, sd sqrt(20/3); AG: 1712..1718, mean
		// 1715. G is the minor allele among the eight shown, so beta per
		// copy of G is the difference of the means, 111, with
		// SE = sqrt((40/6)/2) and t = 111/SE, over n = 8.
		wantContains(t, main, "results page lacks",
			`<code>rs100</code> and Height (mm)`,
			`<th scope="row"><code>AA</code></th><td class="num">0</td><td class="num">4</td><td class="num">1604</td><td class="num">2.582</td><td class="num">1604</td>`,
			`<th scope="row"><code>AG</code></th><td class="num">1</td><td class="num">4</td><td class="num">1715</td><td class="num">2.582</td><td class="num">1715</td>`,
			`<th scope="row"><code>GG</code></th><td class="num">2</td>`,
			`class="results-hidden">fewer than 3</td>`,
			"per copy of G (other allele A)",
			"<dt>β</dt><dd>111</dd>", "<dt>SE</dt><dd>1.826</dd>", "<dt>t</dt><dd>60.8</dd>", "<dt>n</dt><dd>8</dd>",
			`<svg class="results-chart"`, "<title id=\"table-1-chart-title\">Height by rs100 genotype</title>",
			`<code>rs200</code> and Height (mm)`, "not testable",
			`id="unknown-snps"`, "<li><code>rs999</code></li>",
			`value="rs100, rs200, rs999"`, `<option value="height_mm" selected>`,
			`href="/results/results.csv?phenotypes=height_mm&amp;snps=rs100%2Crs200%2Crs999"`,
		)
		if n := strings.Count(main, `<svg class="results-chart"`); n != 2 {
			t.Errorf("%d charts, want one per table (2)", n)
		}
		// The hidden group's chart slot says so and draws no bar.
		if n := strings.Count(main, `class="hidden-bar"`); n != 1 {
			t.Errorf("%d hidden bars drawn, want 1", n)
		}
		for _, leak := range hiddenHeight {
			if strings.Contains(main, leak) {
				t.Errorf("the page shows the hidden group's value (%q)", leak)
			}
		}
		if got := auditActions(t, st); len(got) != 0 {
			t.Errorf("viewing the page wrote the audit log: %v", got)
		}
	})
}

func TestResultsExportsHideSmallGroupsAndAreAuditedOnce(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		seedResultsCohort(t, st)
		c, id := app.researcher(t, "Ada")
		query := "?snps=rs100,rs999&phenotypes=height_mm"

		resp, body := get(t, c, app.URL+"/results/results.csv"+query)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV = %d %s:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("CSV is not a download: %q", resp.Header.Get("Content-Disposition"))
		}
		for _, want := range []string{",GG,2,<3,,,,,,", ",AA,0,4,1604,", ",AG,1,4,1715,", "rs999,"} {
			if !strings.Contains(body, want) {
				t.Errorf("CSV lacks %q:\n%s", want, body)
			}
		}
		for _, leak := range hiddenHeight {
			if strings.Contains(body, leak) {
				t.Errorf("the CSV holds the hidden group's value (%q):\n%s", leak, body)
			}
		}
		if got := auditActions(t, st); len(got) != 1 || got[0] != "export.results.csv" {
			t.Fatalf("audit after the CSV = %v, want one export.results.csv", got)
		}

		resp, body = get(t, c, app.URL+"/results/results.json"+query)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("JSON = %d %s:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		var rep struct {
			MinGroupSize int      `json:"min_group_size"`
			Unknown      []string `json:"unknown"`
			Tables       []struct {
				SNP    string `json:"snp"`
				Groups []struct {
					Genotype string   `json:"genotype"`
					Hidden   bool     `json:"hidden"`
					N        *int     `json:"n"`
					Mean     *float64 `json:"mean"`
				} `json:"groups"`
				Test *struct {
					Beta float64 `json:"beta"`
					N    int     `json:"n"`
				} `json:"test"`
			} `json:"tables"`
		}
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatalf("JSON does not parse: %v\n%s", err, body)
		}
		if rep.MinGroupSize != 3 || len(rep.Unknown) != 1 || rep.Unknown[0] != "rs999" || len(rep.Tables) != 1 {
			t.Fatalf("JSON report = %+v", rep)
		}
		tb := rep.Tables[0]
		if tb.Test == nil || tb.Test.N != 8 || tb.Test.Beta < 110.999 || tb.Test.Beta > 111.001 {
			t.Errorf("JSON test = %+v, want beta 111 over 8", tb.Test)
		}
		for _, g := range tb.Groups {
			if g.Genotype == "GG" && (!g.Hidden || g.N != nil || g.Mean != nil) {
				t.Errorf("JSON shows the GG group: %+v", g)
			}
		}
		for _, leak := range hiddenHeight {
			if strings.Contains(body, leak) {
				t.Errorf("the JSON holds the hidden group's value (%q)", leak)
			}
		}
		entries, err := st.AuditLog(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Action != "export.results.json" || entries[0].UserID != id ||
			!strings.Contains(entries[0].Detail, "SNPs rs100,rs999; phenotypes height_mm") {
			t.Errorf("audit after both exports = %+v", entries)
		}
	})
}

func TestResultsAreForResearchersOnly(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		seedResultsCohort(t, st)
		c, _ := app.signedInAs(t, "Ada")
		for _, path := range []string{"/results/?snps=rs100", "/results/results.csv?snps=rs100", "/results/results.json?snps=rs100"} {
			resp, page := get(t, c, app.URL+path)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "This page is for researchers") {
				t.Errorf("%s as a participant = %d, want 403", path, resp.StatusCode)
			}
			if strings.Contains(page, "1604") || strings.Contains(page, `href="/research/"`) {
				t.Errorf("%s as a participant shows results or the research link", path)
			}
		}
		resp, _ := get(t, browser(t), app.URL+"/results/?snps=rs100")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login/") {
			t.Errorf("signed out = %d to %q, want 303 to sign in", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, page := get(t, c, app.URL+"/")
		wantContains(t, page, "signed-in header lacks", `href="/genotypes/"`, `href="/consent/"`, `href="/survey/"`, ">Dashboard</a>")
		if got := auditActions(t, st); len(got) != 0 {
			t.Errorf("refused exports wrote the audit log: %v", got)
		}
	})
}

func TestResultsRefuseBadRequestsWithNothingComputed(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		seedResultsCohort(t, st)
		c, _ := app.researcher(t, "Ada")
		many := make([]string, 51)
		for i := range many {
			many[i] = "rs" + strings.Repeat("1", i+1)
		}
		for _, tc := range []struct {
			name  string
			query url.Values
			want  string
		}{
			{"no SNPs", url.Values{"snps": {" , "}}, "Enter at least one marker id"},
			{"only phenotypes", url.Values{"phenotypes": {"height_mm"}}, "Enter at least one marker id"},
			{"too many SNPs", url.Values{"snps": {strings.Join(many, ",")}}, "51 marker ids is too many: enter at most 50"},
			{"malformed SNP", url.Values{"snps": {"rs100,rs1é"}}, "may hold only letters, digits and signs"},
			{"unknown phenotype", url.Values{"snps": {"rs100"}, "phenotypes": {"height_mm,shoe_size"}}, "There is no phenotype &#34;shoe_size&#34; in the catalog"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q := "?" + tc.query.Encode()
				resp, page := get(t, c, app.URL+"/results/"+q)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, tc.want) {
					t.Errorf("page = %d, want 400 saying %q:\n%s", resp.StatusCode, tc.want, mainOf(t, page))
				}
				if strings.Contains(page, "results-pair") || strings.Contains(page, "results.csv") {
					t.Errorf("a refused request shows results")
				}
				if !strings.Contains(page, `<form method="get" action="/results/"`) {
					t.Errorf("a refused request lost the form")
				}
				for _, ext := range []string{"csv", "json"} {
					resp, body := get(t, c, app.URL+"/results/results."+ext+q)
					if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
						t.Errorf("%s export = %d, want 400 saying %q", ext, resp.StatusCode, tc.want)
					}
				}
			})
		}
		resp, body := get(t, c, app.URL+"/results/results.csv")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Name the SNPs to export") {
			t.Errorf("export without a query = %d", resp.StatusCode)
		}
		if got := auditActions(t, st); len(got) != 0 {
			t.Errorf("refused exports wrote the audit log: %v", got)
		}
	})
}

func TestResultsFormAndTheOriginalAddress(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		c, _ := app.researcher(t, "Ada")

		resp, page := get(t, c, app.URL+"/results/")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("empty form = %d", resp.StatusCode)
		}
		main := mainOf(t, page)
		wantContains(t, main, "form lacks", `<input type="text" id="snps" name="snps" value=""`, `<select id="phenotypes" name="phenotypes" multiple`, `<option value="height_mm">`)
		if strings.Contains(main, "results-error") || strings.Contains(main, "results-heading") {
			t.Errorf("the empty form shows an error or results")
		}
		if !strings.Contains(page, `<a href="/research/">Research</a>`) {
			t.Errorf("a researcher's header lacks the research link")
		}

		// The original app's address, without the slash, is redirected by
		// the router with its query.
		resp, _ = get(t, c, app.URL+"/results?snps=rs100")
		if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/results/?snps=rs100" {
			t.Errorf("/results?snps=rs100 = %d to %q, want a redirect to /results/?snps=rs100", resp.StatusCode, resp.Header.Get("Location"))
		}

		// No cohort: known marker, nobody with values.
		_, page = get(t, c, app.URL+"/results/?snps=rs999")
		if !strings.Contains(page, "<li><code>rs999</code></li>") {
			t.Errorf("an unknown-only request does not list the id")
		}
	})
}

func TestResultsPageShowsCaseSharesAndOddsRatioForABinaryPhenotype(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		seedResultsCohort(t, st)
		// Evening people: one of the four AA, three of the four AG, and
		// the hidden GG.
		evening := []float64{0, 1, 0, 1, 0, 0, 1, 1, 1}
		var vals []phenolink.PhenotypeValue
		for i, v := range evening {
			vals = append(vals, phenolink.PhenotypeValue{ProfileID: fmt.Sprintf("cohort_profile_%03d", i), PhenotypeID: "chronotype", Value: v, Source: phenolink.ValueSourceImport})
		}
		if err := st.SavePhenotypeValues(t.Context(), vals); err != nil {
			t.Fatal(err)
		}
		c, _ := app.researcher(t, "Ada")
		resp, page := get(t, c, app.URL+"/results/?snps=rs100&phenotypes=chronotype")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("results = %d", resp.StatusCode)
		}
		main := strings.ReplaceAll(mainOf(t, page), "\n", "")
		// One covariate with two levels: the fitted odds ratio per copy of
		// G is the table's odds ratio, (3/1)/(1/3) = 9, with the Wald
		// interval exp(ln 9 ± 1.96 sqrt(1 + 1/3 + 1/3 + 1)).
		se := math.Sqrt(1 + 1.0/3 + 1.0/3 + 1)
		ci := formatStat(math.Exp(math.Log(9)-1.959964*se)) + " to " + formatStat(math.Exp(math.Log(9)+1.959964*se))
		wantContains(t, main, "binary results lack",
			`<th scope="col" class="num">evening</th><th scope="col" class="num">Share</th>`,
			`<th scope="row"><code>AA</code></th><td class="num">0</td><td class="num">4</td><td class="num">1</td><td class="num">25.0%</td>`,
			`<th scope="row"><code>AG</code></th><td class="num">1</td><td class="num">4</td><td class="num">3</td><td class="num">75.0%</td>`,
			`<td colspan="3" class="results-hidden">fewer than 3</td>`,
			"logistic, per copy of G", "<dt>OR</dt><dd>9</dd>", "<dt>95% CI</dt><dd>"+ci+"</dd>",
			"Share of evening by rs100 genotype",
		)
		if strings.Contains(main, "<dt>β</dt>") {
			t.Errorf("a binary phenotype shows a linear beta")
		}
	})
}
