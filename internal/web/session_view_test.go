package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"phenolink/internal/assets"
	"phenolink/internal/ttamsim"
)

var sqlFooterRe = regexp.MustCompile(`(\d+) SQL statements? in`)

// TestDashboardStatements checks, through the DEBUG footer's statement
// count, that the signed-in start page reads the session with its account
// in one query and the genotype card in one more, and that what it shows
// is still the account's.
func TestDashboardStatements(t *testing.T) {
	for _, db := range []struct {
		name string
		open func(testing.TB) store
	}{{"sqlite", newSQLite}, {"postgres", newPostgres}} {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			st := db.open(t).(researchStore)
			sim := newSimulator(t, ttamsim.Config{})
			bundle, err := assets.Build(assets.Options{})
			if err != nil {
				t.Fatal(err)
			}
			h, err := NewServer(Deps{
				Logger: slog.New(slog.NewJSONHandler(new(syncBuffer), nil)),
				Settings: Settings{
					Debug:  true,
					APIURL: sim.URL, ClientID: ttamsim.DemoClient().ID, ClientSecret: ttamsim.DemoClient().Secret,
					Scope: "basic names email genomes", MaxBodyBytes: 1 << 20,
				},
				Users: st, Tokens: st, Sessions: st, Health: st,
				Assets: bundle, Registry: prometheus.NewRegistry(),
				HTTPClient: &http.Client{Timeout: 10 * time.Second},
				Genotypes:  st, Jobs: st, Phenotypes: st, Scans: st, Markers: st,
			})
			if err != nil {
				t.Fatal(err)
			}
			app := httptest.NewServer(h)
			t.Cleanup(app.Close)
			c := browser(t)
			signIn(t, c, app.URL+"/login/")
			_, page := get(t, c, app.URL+"/")
			m := dashboardAccountRe.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no account on the dashboard:\n%s", page)
			}
			u, err := st.User(t.Context(), htmlUnescape(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(page, "Signed in as <strong>"+u.Name()+"</strong>") {
				t.Errorf("dashboard does not name %q:\n%s", u.Name(), page)
			}
			ps, err := st.Profiles(t.Context(), u.ID)
			if err != nil || len(ps) == 0 {
				t.Fatalf("Profiles = %v, %v", ps, err)
			}
			for _, p := range ps {
				if !strings.Contains(page, p.Name()) {
					t.Errorf("dashboard does not list profile %q", p.Name())
				}
			}
			f := sqlFooterRe.FindStringSubmatch(page)
			if f == nil {
				t.Fatalf("no SQL footer on the DEBUG dashboard:\n%s", page)
			}
			if f[1] != "2" {
				t.Errorf("dashboard ran %s SQL statements, want 2 (session with account, genotype card)", f[1])
			}
		})
	}
}
