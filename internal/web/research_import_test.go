package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

func TestImportStoresEveryRowOrNoneAndNamesBadLines(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		participant, pid := app.signedInAs(t, "")
		app.consent(t, participant)
		profiles, err := st.Profiles(t.Context(), pid)
		if err != nil || len(profiles) == 0 {
			t.Fatalf("Profiles = %v, %v", profiles, err)
		}
		good := profiles[0].ID
		c, _ := app.researcher(t, "Ada")

		bad := fmt.Sprintf("profile_id,height_mm,sex\n%s,1700,1\n,1600,0\n%s,99,1\n%s,1650,2\n", good, good, "other")
		resp, page := postResearchFile(t, c, app.URL+"/research/import/", "file", "values.csv", []byte(bad))
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad import = %d, want 422:\n%s", resp.StatusCode, page)
		}
		wantContains(t, page, "page lacks",
			"<td class=\"num\">3</td><td>The profile id is empty.</td>",
			"<td class=\"num\">4</td><td>Profile &#34;"+good+"&#34; already appears on line 2.</td>",
			"<td class=\"num\">5</td><td>Sex must be 0 (female) or 1 (male).</td>",
			"nothing was imported",
		)
		if vs, _ := st.PhenotypeValues(t.Context(), good); len(vs) != 0 {
			t.Errorf("values after a refused import: %v", vs)
		}

		resp, page = postResearchFile(t, c, app.URL+"/research/import/", "file", "values.csv", []byte("profile_id,height_mm,shoe_size\n"+good+",1700,42\n"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Column 3: there is no phenotype &#34;shoe_size&#34;") {
			t.Errorf("unknown column = %d, want 422 naming it:\n%s", resp.StatusCode, page)
		}

		resp, page = postResearchFile(t, c, app.URL+"/research/import/", "file", "values.csv", []byte("profile_id,height_mm\nnobody_profile,1700\n"+good+",1700\n"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Nothing was imported") {
			t.Errorf("import naming an unknown profile = %d, want 422:\n%s", resp.StatusCode, page)
		}
		if vs, _ := st.PhenotypeValues(t.Context(), good); len(vs) != 0 {
			t.Errorf("values after an import with an unknown profile: %v", vs)
		}
		if got := auditActions(t, st); len(got) != 0 {
			t.Errorf("audit after refused imports = %v, want empty", got)
		}

		resp, page = postResearchFile(t, c, app.URL+"/research/import/", "file", "values.csv", []byte("profile_id,height_mm,sex\n"+good+",1712,0\n"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("good import = %d:\n%s", resp.StatusCode, page)
		}
		vs, err := st.PhenotypeValues(t.Context(), good)
		if err != nil || len(vs) != 2 || vs[0].PhenotypeID != "height_mm" || vs[0].Value != 1712 || vs[0].Source != phenolink.ValueSourceImport {
			t.Fatalf("values after import = %+v, %v", vs, err)
		}
		if got := auditActions(t, st); len(got) != 1 || got[0] != "import.phenotypes" {
			t.Errorf("audit after import = %v", got)
		}
		_, page = get(t, c, app.URL+"/research/audit/")
		if !strings.Contains(page, "import.phenotypes") || !strings.Contains(page, "2 values; profiles: 1") {
			t.Errorf("audit page lacks the import:\n%s", page)
		}
	})
}
