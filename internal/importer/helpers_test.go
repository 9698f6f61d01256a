package importer

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"phenolink/internal/jobs"
	"phenolink/internal/pgtest"
	"phenolink/internal/phenolink"
	"phenolink/internal/postgres"
	"phenolink/internal/secretbox"
	"phenolink/internal/sqlite"
	"phenolink/internal/ttam"
	"phenolink/internal/ttamsim"
)

// store is what the importer and its tests use of a database.
type store interface {
	phenolink.UserStore
	phenolink.TokenStore
	phenolink.GenotypeStore
	phenolink.JobQueue
	Migrate(ctx context.Context) error
}

// stores names the adapters the tests run on: SQLite always, Postgres
// unless TEST_DATABASE_URL is "off".
var stores = []struct {
	name string
	open func(t testing.TB, box *secretbox.Box) store
}{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

// eachStore runs fn as a parallel subtest on every store.
func eachStore(t *testing.T, fn func(t *testing.T, open func(t testing.TB, box *secretbox.Box) store)) {
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			fn(t, s.open)
		})
	}
}

func openSQLite(t testing.TB, box *secretbox.Box) store {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "phenolink.db"), sqlite.Options{Box: box})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// openPostgres migrates a fresh schema, dropped when the test ends.
func openPostgres(t testing.TB, box *secretbox.Box) store {
	t.Helper()
	dbURL := pgtest.SchemaURL(t)
	db, err := postgres.Open(t.Context(), dbURL, postgres.Options{Box: box})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// clock is a time the test moves; the simulator, the OAuth client and the
// importer all read it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

const (
	testClientID = "phenolink-test"
	testSecret   = "test-secret"
	simSeed      = 11
	simMarkers   = 3000
)

// env is a simulator served over HTTP, a migrated store and an importer
// wired to both.
type env struct {
	sim      *ttamsim.Server
	api      *httptest.Server
	redirect string
	clock    *clock
	db       store
	keys     *GenomeKeys
	im       *Importer
}

func newEnv(t testing.TB, open func(t testing.TB, box *secretbox.Box) store, faults ttamsim.Faults) *env {
	t.Helper()
	return newEnvSized(t, open, faults, simMarkers)
}

// newEnvSized is newEnv with a simulator key of markers markers.
func newEnvSized(t testing.TB, open func(t testing.TB, box *secretbox.Box) store, faults ttamsim.Faults, markers int) *env {
	t.Helper()
	e := &env{clock: &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}, keys: new(GenomeKeys)}
	e.redirect = "http://127.0.0.1/receive_code/"
	sim, err := ttamsim.New(ttamsim.Config{Seed: simSeed, Markers: markers, TokenTTL: 24 * time.Hour, Faults: faults,
		Now: e.clock.Now, Clients: []ttamsim.Client{{ID: testClientID, Secret: testSecret, RedirectURIs: []string{e.redirect}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.sim = sim
	e.api = httptest.NewServer(sim)
	t.Cleanup(e.api.Close)
	box, err := secretbox.New("importer test secret")
	if err != nil {
		t.Fatal(err)
	}
	e.db = open(t, box)
	e.im = e.importer(t, e.keys)
	return e
}

// importer returns a new Importer on the env, sharing keys.
func (e *env) importer(t testing.TB, keys *GenomeKeys) *Importer {
	t.Helper()
	im, err := New(Deps{Genomes: e.db, Tokens: e.db, Keys: keys, HTTPClient: e.api.Client(), Now: e.clock.Now,
		API:   API{URL: e.api.URL, ClientID: testClientID, ClientSecret: testSecret, RedirectURL: e.redirect},
		Retry: ttam.RetryPolicy{MaxAttempts: 2, Sleep: func(context.Context, time.Duration) error { return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func (e *env) oauth(t testing.TB, scopes ...string) *ttam.OAuth {
	t.Helper()
	o, err := ttam.NewOAuth(ttam.OAuthConfig{APIURL: e.api.URL, ClientID: testClientID, ClientSecret: testSecret,
		RedirectURL: e.redirect, Scopes: scopes, HTTPClient: e.api.Client(), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

var (
	inputRe = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	attrRe  = regexp.MustCompile(`(?is)([a-z_-]+)\s*=\s*"([^"]*)"`)
)

// signIn approves a sign-in as accountID with scopes on the simulator's
// authorize page, and stores the user, their profiles and the token, as
// the web layer does. It returns the user id and the token.
func (e *env) signIn(t testing.TB, accountID string, scopes ...string) (string, phenolink.Token) {
	t.Helper()
	o := e.oauth(t, scopes...)
	a := o.Start()
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := b.Get(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := url.Values{}
	for _, tag := range inputRe.FindAllString(string(page), -1) {
		at := map[string]string{}
		for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
			at[strings.ToLower(m[1])] = html.UnescapeString(m[2])
		}
		if at["type"] == "hidden" {
			form.Set(at["name"], at["value"])
		}
	}
	form.Set("account", accountID)
	form.Set("decision", "approve")
	resp, err = b.PostForm(resp.Request.URL.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		t.Fatalf("approving the sign-in gave status %d, location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err := o.Finish(t.Context(), a, back.Query())
	if err != nil {
		t.Fatal(err)
	}
	var acc ttamsim.Account
	for _, x := range e.sim.Accounts() {
		if x.ID == accountID {
			acc = x
		}
	}
	u := phenolink.User{ID: acc.ID, FirstName: acc.FirstName, LastName: acc.LastName, Email: acc.Email}
	var ps []phenolink.Profile
	for _, p := range acc.Profiles {
		ps = append(ps, phenolink.Profile{ID: p.ID, UserID: acc.ID, FirstName: p.FirstName, LastName: p.LastName, IsGenotyped: p.Genotyped})
	}
	if err := e.db.SaveUser(t.Context(), u, ps); err != nil {
		t.Fatal(err)
	}
	scope, _ := tok.Extra("scope").(string)
	stored := phenolink.Token{UserID: acc.ID, AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
		TokenType: tok.TokenType, Scope: scope, Expiry: tok.Expiry}
	if err := e.db.SaveToken(t.Context(), stored); err != nil {
		t.Fatal(err)
	}
	return acc.ID, stored
}

// account returns the simulator's account holding a profile with the
// given first name.
func (e *env) account(t testing.TB, first string) (ttamsim.Account, ttamsim.Profile) {
	t.Helper()
	for _, a := range e.sim.Accounts() {
		for _, p := range a.Profiles {
			if p.FirstName == first {
				return a, p
			}
		}
	}
	t.Fatalf("the simulator has no profile named %s", first)
	return ttamsim.Account{}, ttamsim.Profile{}
}

// claim enqueues a job and claims it, as a runner would, so the store
// accepts a SaveGenome made under its id.
func (e *env) claim(t testing.TB, kind, userID, profileID string, payload []byte) phenolink.Job {
	t.Helper()
	if _, err := e.db.Enqueue(t.Context(), phenolink.Job{Kind: kind, UserID: userID, ProfileID: profileID, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	j, err := e.db.Claim(t.Context(), []string{kind}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// run runs handler on a claimed job and records its progress messages.
func run(t *testing.T, h jobs.Handler, j phenolink.Job) (string, []string, error) {
	t.Helper()
	var msgs []string
	msg, err := h(t.Context(), j, func(f float64, m string) error {
		if f < 0 || f > 1 {
			t.Errorf("progress %v outside 0..1", f)
		}
		msgs = append(msgs, m)
		return nil
	})
	return msg, msgs, err
}

// record returns the profile's stored calls by marker id.
func record(t *testing.T, db store, profileID string) map[string]phenolink.Call {
	t.Helper()
	index, err := db.Markers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]phenolink.Call
	err = db.ScanGenomes(t.Context(), func(pid string, calls []phenolink.Call) error {
		if pid != profileID {
			return nil
		}
		out = make(map[string]phenolink.Call, len(calls))
		for i, c := range calls {
			if c != phenolink.NotOnChip {
				out[index[i].ID] = c
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mustClient returns an API client for no user, for reference calls.
func mustClient(t testing.TB, e *env) *ttam.Client {
	t.Helper()
	c, err := e.im.client("nobody", nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
