package web

import (
	"bytes"
	"context"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"phenolink/internal/assets"
	"phenolink/internal/phenolink"
	"phenolink/internal/ttamsim"
)

// researchStore is what the research pages need of a database adapter.
type researchStore interface {
	store
	phenolink.PhenotypeStore
	phenolink.ScanStore
	phenolink.MarkerCallReader
	phenolink.GenotypeStore
	phenolink.JobQueue
}

// researchApp is a running Phenolink with every research store wired, and
// the simulator to sign in with.
type researchApp struct {
	*httptest.Server
	store researchStore
}

// newResearchApp starts the simulator and an app on st with k = 3.
func newResearchApp(t testing.TB, st researchStore) *researchApp {
	t.Helper()
	return &researchApp{Server: startApp(t, st, 3), store: st}
}

// startApp starts the simulator and an app on st with every store wired
// and k = minGroupSize (0: the default), both closed when t ends.
func startApp(t testing.TB, st researchStore, minGroupSize int) *httptest.Server {
	t.Helper()
	sim := newSimulator(t, ttamsim.Config{})
	bundle, err := assets.Build(assets.Options{})
	if err != nil {
		t.Fatalf("assets.Build: %v", err)
	}
	h, err := NewServer(Deps{
		Logger: slog.New(slog.NewJSONHandler(new(syncBuffer), nil)),
		Settings: Settings{
			APIURL:                sim.URL,
			ClientID:              ttamsim.DemoClient().ID,
			ClientSecret:          ttamsim.DemoClient().Secret,
			Scope:                 "basic names email genomes",
			MaxBodyBytes:          1 << 20,
			MaxConcurrentRequests: 64,
			MinGroupSize:          minGroupSize,
		},
		Users: st, Tokens: st, Sessions: st, Health: st,
		Assets:     bundle,
		Registry:   prometheus.NewRegistry(),
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Genotypes:  st, Jobs: st, Phenotypes: st, Scans: st, Markers: st,
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// researchStores runs fn on SQLite and on Postgres.
func researchStores(t *testing.T, fn func(t *testing.T, st researchStore)) {
	for _, db := range []struct {
		name string
		open func(testing.TB) store
	}{{"sqlite", newSQLite}, {"postgres", newPostgres}} {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			st, ok := db.open(t).(researchStore)
			if !ok {
				t.Fatalf("the %s store lacks the research stores", db.name)
			}
			fn(t, st)
		})
	}
}

var accountIDRe = regexp.MustCompile(`<dt>23andMe account</dt><dd><code>([^<]+)</code>`)

// signedInAs signs a new browser in as the simulator account whose label
// contains account and returns it with the account id.
func (app *researchApp) signedInAs(t testing.TB, account string) (*http.Client, string) {
	t.Helper()
	c := browser(t)
	signInAs(t, c, app.URL+"/login/", account)
	_, page := get(t, c, app.URL+"/")
	m := accountIDRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no account id on the dashboard:\n%s", page)
	}
	return c, htmlUnescape(m[1])
}

// researcher signs in as account and grants it the researcher role.
func (app *researchApp) researcher(t testing.TB, account string) (*http.Client, string) {
	t.Helper()
	c, id := app.signedInAs(t, account)
	if err := app.store.SetRole(t.Context(), id, phenolink.RoleResearcher, true); err != nil {
		t.Fatalf("SetRole: %v", err)
	}
	return c, id
}

// consent gives the current consent through the page.
func (app *researchApp) consent(t testing.TB, c *http.Client) {
	t.Helper()
	resp, body := postForm(t, c, app.URL+"/consent/", map[string][]string{"version": {phenolink.ConsentVersion}, "agree": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("give consent = %d: %s", resp.StatusCode, body)
	}
}

// auditActions returns the audit log's actions, newest first.
func auditActions(t testing.TB, st phenolink.PhenotypeStore) []string {
	t.Helper()
	entries, err := st.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	return out
}

// postResearchFile uploads content as the form's file field, as a same-origin
// browser would.
func postResearchFile(t testing.TB, c *http.Client, u, field, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, u, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	return resp, readBody(t, resp)
}
