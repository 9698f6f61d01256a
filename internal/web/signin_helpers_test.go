package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"phenolink/internal/ttamsim"
)

// newSimulator starts the 23andMe simulator.
func newSimulator(t testing.TB, cfg ttamsim.Config) *httptest.Server {
	t.Helper()
	h, err := ttamsim.New(cfg)
	if err != nil {
		t.Fatalf("ttamsim.New: %v", err)
	}
	sim := httptest.NewServer(h)
	t.Cleanup(sim.Close)
	return sim
}

// newSignInApp starts the simulator and an app that signs in with it.
func newSignInApp(t testing.TB, st store) (*testApp, *httptest.Server) {
	t.Helper()
	sim := newSimulator(t, ttamsim.Config{})
	return newTestApp(t, appOptions{store: st, apiURL: sim.URL}), sim
}

// htmlForm is a form found in a page: where it posts and its fields.
type htmlForm struct {
	action string
	fields url.Values
	radios map[string][]string // radio name → values, in page order
}

var (
	formRe  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRe = regexp.MustCompile(`(?is)<(?:input|button)\b([^>]*)>`)
	attrRe  = regexp.MustCompile(`(?is)([a-z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

func attrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = htmlUnescape(a[2] + a[3])
	}
	if regexp.MustCompile(`(?i)\bchecked\b`).MatchString(s) {
		m["checked"] = "checked"
	}
	return m
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&quot;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

// findForm returns the first form in page that has a field or button named
// field; it fails the test when there is none.
func findForm(t testing.TB, page, field string) htmlForm {
	t.Helper()
	for _, m := range formRe.FindAllStringSubmatch(page, -1) {
		f := htmlForm{action: attrs(m[1])["action"], fields: url.Values{}, radios: map[string][]string{}}
		found := false
		for _, in := range inputRe.FindAllStringSubmatch(m[2], -1) {
			a := attrs(in[1])
			if a["name"] == field {
				found = true
			}
			switch strings.ToLower(a["type"]) {
			case "radio":
				f.radios[a["name"]] = append(f.radios[a["name"]], a["value"])
				if a["checked"] != "" {
					f.fields.Set(a["name"], a["value"])
				}
			case "hidden", "text", "":
				if a["name"] != "" && !strings.HasPrefix(in[0], "<button") {
					f.fields.Set(a["name"], a["value"])
				}
			}
		}
		if found {
			return f
		}
	}
	t.Fatalf("no form with a field %q in:\n%s", field, page)
	return htmlForm{}
}

// resolve makes a possibly relative URL absolute against base.
func resolve(t testing.TB, base, ref string) string {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	r, err := url.Parse(ref)
	if err != nil {
		t.Fatalf("bad URL %q: %v", ref, err)
	}
	return b.ResolveReference(r).String()
}

// authorize starts a sign-in at loginURL and answers the simulator's
// authorize page with decision, as the account whose label contains
// account (the preselected or first one when empty). It returns the
// callback URL the simulator sends the browser back to.
func authorize(t testing.TB, c *http.Client, loginURL, decision, account string) string {
	t.Helper()
	resp, _ := get(t, c, loginURL)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("GET %s = %d, want 302 to the authorize page", loginURL, resp.StatusCode)
	}
	authURL := resp.Header.Get("Location")
	q := mustParse(t, authURL).Query()
	for _, p := range []string{"state", "code_challenge", "scope", "redirect_uri", "client_id"} {
		if q.Get(p) == "" {
			t.Fatalf("authorize URL %s lacks %s", authURL, p)
		}
	}
	if q.Get("code_challenge_method") != "S256" {
		t.Fatalf("authorize URL %s: PKCE method %q, want S256", authURL, q.Get("code_challenge_method"))
	}
	resp, page := get(t, c, authURL)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize page = %d: %s", resp.StatusCode, page)
	}
	f := findForm(t, page, "decision")
	if account != "" {
		f.fields.Set("account", radioLabelled(t, page, "account", account))
	}
	if f.fields.Get("account") == "" {
		if accounts := f.radios["account"]; len(accounts) > 0 {
			f.fields.Set("account", accounts[0])
		}
	}
	f.fields.Set("decision", decision)
	resp, body := postForm(t, c, resolve(t, authURL, f.action), f.fields)
	if resp.StatusCode/100 != 3 {
		t.Fatalf("authorize %s = %d: %s", decision, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

// signIn signs in through the simulator from loginURL and returns where the
// app finally sends the browser.
func signIn(t testing.TB, c *http.Client, loginURL string) string {
	t.Helper()
	return signInAs(t, c, loginURL, "")
}

// signInAs is signIn choosing the account whose label contains account.
func signInAs(t testing.TB, c *http.Client, loginURL, account string) string {
	t.Helper()
	callback := authorize(t, c, loginURL, "approve", account)
	resp, body := get(t, c, callback)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET %s = %d, want 303 after sign-in: %s", callback, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func mustParse(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return u
}

// sessionCookie returns the browser's session cookie for the app.
func sessionCookie(t testing.TB, c *http.Client, appURL string) string {
	t.Helper()
	for _, ck := range c.Jar.Cookies(mustParse(t, appURL)) {
		if ck.Name == sessionCookieName {
			return ck.Value
		}
	}
	return ""
}

// radioLabelled returns the value of the radio button named name whose
// following text (its label) contains label.
func radioLabelled(t testing.TB, page, name, label string) string {
	t.Helper()
	locs := inputRe.FindAllStringSubmatchIndex(page, -1)
	for i, l := range locs {
		a := attrs(page[l[2]:l[3]])
		if a["name"] != name || strings.ToLower(a["type"]) != "radio" {
			continue
		}
		end := len(page)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		if strings.Contains(page[l[1]:end], label) {
			return a["value"]
		}
	}
	t.Fatalf("no %s radio labelled %q", name, label)
	return ""
}
