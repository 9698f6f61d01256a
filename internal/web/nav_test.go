package web

import (
	"net/http"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

// TestHeaderLinksResearchForResearchersOnly checks that the header shows
// the research area's link on every page to researchers, from the
// session's own read, and to nobody else.
func TestHeaderLinksResearchForResearchersOnly(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		const link = `<a href="/research/"`
		participant, _ := app.signedInAs(t, "Ada")
		researcher, id := app.researcher(t, "Erin")
		for _, path := range []string{"/", "/genotypes/", "/consent/", "/survey/"} {
			if _, page := get(t, participant, app.URL+path); strings.Contains(page, link) {
				t.Errorf("%s shows a participant the research link", path)
			}
			if _, page := get(t, researcher, app.URL+path); !strings.Contains(page, link) {
				t.Errorf("%s does not show a researcher the research link", path)
			}
		}
		if err := app.store.SetRole(t.Context(), id, phenolink.RoleResearcher, false); err != nil {
			t.Fatal(err)
		}
		if _, page := get(t, researcher, app.URL+"/"); strings.Contains(page, link) {
			t.Error("the research link stays after the role is revoked")
		}
		if resp, _ := get(t, researcher, app.URL+"/research/"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("/research/ after the role is revoked = %d, want 403", resp.StatusCode)
		}
	})
}
