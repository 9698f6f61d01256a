package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

func TestConsentIsRequiredToContribute(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		c, id := app.signedInAs(t, "")

		_, page := get(t, c, app.URL+"/survey/")
		if !strings.Contains(page, "Contributing needs your consent") {
			t.Fatalf("survey before consent does not ask for it:\n%s", page)
		}
		resp, body := postForm(t, c, app.URL+"/survey/", url.Values{"sleep_hours": {"7.5"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "give your consent") {
			t.Fatalf("survey without consent = %d, want 403 asking for consent:\n%s", resp.StatusCode, body)
		}

		resp, body = postForm(t, c, app.URL+"/consent/", url.Values{"version": {"2001-01"}, "agree": {"yes"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "consent text changed") {
			t.Fatalf("consent to an old version = %d, want 422:\n%s", resp.StatusCode, body)
		}
		if _, err := st.Consent(t.Context(), id); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
			t.Fatalf("consent after refusal: %v, want ENOTFOUND", err)
		}

		_, page = get(t, c, app.URL+"/consent/")
		if !strings.Contains(page, "Researchers see only statistics") || !strings.Contains(page, phenolink.ConsentVersion) {
			t.Fatalf("consent page lacks the text or version:\n%s", page)
		}
		app.consent(t, c)
		got, err := st.Consent(t.Context(), id)
		if err != nil || got.Version != phenolink.ConsentVersion || got.Text != phenolink.ConsentText {
			t.Fatalf("stored consent = %+v, %v", got, err)
		}

		resp, body = postForm(t, c, app.URL+"/survey/", url.Values{"sleep_hours": {"7.5"}, "sex": {"1"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("survey after consent = %d:\n%s", resp.StatusCode, body)
		}
		_, page = get(t, c, app.URL+"/survey/")
		if !strings.Contains(page, `name="sleep_hours" value="7.5"`) || !strings.Contains(page, `name="sex" value="1" checked`) {
			t.Fatalf("survey does not show the saved answers:\n%s", page)
		}
	})
}

func TestWithdrawingConsentNeedsConfirmationAndStopsContributions(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		c, id := app.signedInAs(t, "")
		app.consent(t, c)

		resp, body := postForm(t, c, app.URL+"/consent/withdraw/", url.Values{})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "confirm") {
			t.Fatalf("withdraw without confirming = %d, want 422:\n%s", resp.StatusCode, body)
		}
		if _, err := st.Consent(t.Context(), id); err != nil {
			t.Fatalf("consent gone without confirmation: %v", err)
		}
		resp, body = postForm(t, c, app.URL+"/consent/withdraw/", url.Values{"confirm": {"yes"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw = %d:\n%s", resp.StatusCode, body)
		}
		if _, err := st.Consent(t.Context(), id); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
			t.Fatalf("consent after withdrawal: %v, want ENOTFOUND", err)
		}
		resp, _ = postForm(t, c, app.URL+"/survey/", url.Values{"sleep_hours": {"7"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("survey after withdrawal = %d, want 403", resp.StatusCode)
		}
	})
}

func TestSurveyShowsEachErrorBesideItsFieldAndSavesNothing(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		c, id := app.signedInAs(t, "")
		app.consent(t, c)
		profiles, err := st.Profiles(t.Context(), id)
		if err != nil || len(profiles) == 0 {
			t.Fatalf("Profiles = %v, %v", profiles, err)
		}

		resp, page := postForm(t, c, app.URL+"/survey/", url.Values{
			"height_mm":             {"1750"}, // valid, yet not saved
			"sleep_hours":           {"30"},
			"caffeine_cups_per_day": {"1.3"},
			"weight_g":              {"heavy"},
		})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("invalid survey = %d, want 422:\n%s", resp.StatusCode, page)
		}
		wantContains(t, page, "page lacks",
			`<p class="field-error" id="sleep_hours-error">Sleep must be between 0 and 24 hours.</p>`,
			`<p class="field-error" id="caffeine_cups_per_day-error">Caffeine goes in steps of 0.5; 1.3 is between two of them.</p>`,
			`id="weight_g-error">Weight must be a number`,
			`name="height_mm" value="1750"`,
			"nothing was saved",
		)
		for _, p := range profiles {
			if vs, err := st.PhenotypeValues(t.Context(), p.ID); err != nil || len(vs) != 0 {
				t.Errorf("profile %s values after a refused survey = %v, %v; want none", p.ID, vs, err)
			}
		}
	})
}

func TestResearchPagesAreForResearchersOnly(t *testing.T) {
	t.Parallel()
	researchStores(t, func(t *testing.T, st researchStore) {
		app := newResearchApp(t, st)
		c, _ := app.signedInAs(t, "")
		for _, path := range []string{"/research/", "/scans/", "/research/import/", "/research/export/", "/research/audit/", "/scans/1/results.csv"} {
			resp, body := get(t, c, app.URL+path)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "This page is for researchers") {
				t.Errorf("GET %s as a participant = %d, want 403 with an explanation", path, resp.StatusCode)
			}
		}
		resp, _ := postForm(t, c, app.URL+"/scans/", url.Values{"phenotype": {"height_mm"}, "min_maf": {"0.01"}, "min_call_rate": {"0.9"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("start a scan as a participant = %d, want 403", resp.StatusCode)
		}
		if scans, err := st.Scans(t.Context()); err != nil || len(scans) != 0 {
			t.Errorf("scans after a refused start = %v, %v", scans, err)
		}
	})
}
