package ttam

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"phenolink/internal/ttamsim"
)

// simEnv is a simulator behind real HTTP with one registered client whose
// redirect URI is a test callback server.
type simEnv struct {
	sim       *ttamsim.Server
	api       *httptest.Server
	callback  *httptest.Server
	callbacks chan url.Values
	clock     *fakeClock
	redirect  string
}

const (
	simClientID     = "phenolink-test"
	simClientSecret = "test-secret"
)

// newSimEnv starts a simulator with markers markers and faults, on a clock
// the test can move.
func newSimEnv(t *testing.T, markers int, faults ttamsim.Faults) *simEnv {
	t.Helper()
	e := &simEnv{callbacks: make(chan url.Values, 4), clock: &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	e.callback = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.callbacks <- r.URL.Query()
		io.WriteString(w, "signed in")
	}))
	t.Cleanup(e.callback.Close)
	e.redirect = e.callback.URL + "/receive_code/"
	sim, err := ttamsim.New(ttamsim.Config{
		Seed: 7, Markers: markers, TokenTTL: 24 * time.Hour, Faults: faults, Now: e.clock.Now,
		Clients: []ttamsim.Client{
			{ID: simClientID, Secret: simClientSecret, RedirectURIs: []string{e.redirect, e.callback.URL + "/other/"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.sim = sim
	e.api = httptest.NewServer(sim)
	t.Cleanup(e.api.Close)
	return e
}

// oauth returns the client's OAuth against the simulator, with secret and
// redirect URI as given ("" for the registered ones).
func (e *simEnv) oauth(t *testing.T, secret, redirect string, scopes ...string) *OAuth {
	t.Helper()
	if secret == "" {
		secret = simClientSecret
	}
	if redirect == "" {
		redirect = e.redirect
	}
	o, err := NewOAuth(OAuthConfig{APIURL: e.api.URL, ClientID: simClientID, ClientSecret: secret,
		RedirectURL: redirect, Scopes: scopes, HTTPClient: e.api.Client(), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

var (
	formRe  = regexp.MustCompile(`(?is)<form\b[^>]*>`)
	inputRe = regexp.MustCompile(`(?is)<(?:input|button)\b[^>]*>`)
	attrRe  = regexp.MustCompile(`(?is)([a-z_-]+)\s*=\s*"([^"]*)"`)
)

// attrs reads a tag's double-quoted attributes.
func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(tag, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}

// browser is a person's browser: a cookie jar, following redirects.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// authorize plays the person on the simulator's authorize page: it loads
// authURL, picks account (the first offered when ""), presses decision and
// returns the query the callback received, or the final response's status
// when the simulator did not redirect to the callback.
func (e *simEnv) authorize(t *testing.T, b *http.Client, authURL, account, decision string) (url.Values, int) {
	t.Helper()
	resp, err := b.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode
	}
	formTag := formRe.FindString(string(page))
	if formTag == "" {
		t.Fatalf("authorize page has no form:\n%s", page)
	}
	action, err := resp.Request.URL.Parse(attrs(formTag)["action"])
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	var accounts []string
	for _, tag := range inputRe.FindAllString(string(page), -1) {
		a := attrs(tag)
		switch {
		case a["name"] == "account" && a["type"] == "radio":
			accounts = append(accounts, a["value"])
		case a["name"] == "decision", a["name"] == "":
		case a["type"] == "hidden":
			form.Add(a["name"], a["value"])
		}
	}
	if account == "" && len(accounts) > 0 {
		account = accounts[0]
	}
	form.Set("account", account)
	form.Set("decision", decision)
	resp, err = b.PostForm(action.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	select {
	case q := <-e.callbacks:
		return q, resp.StatusCode
	default:
		return nil, resp.StatusCode
	}
}
