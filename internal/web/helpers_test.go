package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"phenolink/internal/assets"
	"phenolink/internal/pgtest"
	"phenolink/internal/phenolink"
	"phenolink/internal/postgres"
	"phenolink/internal/secretbox"
	"phenolink/internal/sqlite"
	"phenolink/internal/ttamsim"
)

// store is what the tests need of a database adapter.
type store interface {
	phenolink.UserStore
	phenolink.TokenStore
	phenolink.SessionStore
	phenolink.HealthChecker
	Migrate(ctx context.Context) error
	Close() error
}

// testApp is a running Phenolink with its store and metrics registry.
type testApp struct {
	*httptest.Server
	store    store
	registry *prometheus.Registry
	logs     *syncBuffer
	api      *api
	clock    testClock // the clock tokens expire by
}

// testClock is the wall clock plus an offset a test can move forward, so a
// token expires without waiting.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

// advance moves the clock forward by d.
func (c *testClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// appOptions change the test app's settings or database.
type appOptions struct {
	settings func(*Settings)
	store    store // nil means a fresh SQLite file
	apiURL   string
}

// testBox returns the token sealer the tests' stores use.
func testBox(t testing.TB) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New("web test secret key")
	if err != nil {
		t.Fatalf("secretbox.New: %v", err)
	}
	return b
}

// newSQLite opens a migrated SQLite store in t's temporary directory.
func newSQLite(t testing.TB) store {
	t.Helper()
	db, _ := newSQLiteAt(t)
	return db
}

// newSQLiteAt is newSQLite that also returns the database file's path.
func newSQLiteAt(t testing.TB) (store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "phenolink.db")
	db, err := sqlite.Open(t.Context(), path, sqlite.Options{Box: testBox(t)})
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("sqlite Migrate: %v", err)
	}
	return db, path
}

// newPostgres opens a migrated Postgres store on a fresh schema of the
// server named by TEST_DATABASE_URL (default: local). It skips only when
// the variable is "off"; an unreachable server fails the test.
func newPostgres(t testing.TB) store {
	t.Helper()
	db, _ := newPostgresAt(t)
	return db
}

// newPostgresAt is newPostgres that also returns the URL of its schema.
func newPostgresAt(t testing.TB) (store, string) {
	t.Helper()
	dbURL := pgtest.SchemaURL(t)
	db, err := postgres.Open(t.Context(), dbURL, postgres.Options{Box: testBox(t)})
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("postgres Migrate: %v", err)
	}
	return db, dbURL
}

// newTestApp starts Phenolink on an httptest server.
func newTestApp(t testing.TB, o appOptions) *testApp {
	t.Helper()
	if o.store == nil {
		o.store = newSQLite(t)
	}
	if o.apiURL == "" {
		// A closed port: reference data fails fast, which pages survive.
		o.apiURL = "http://127.0.0.1:1"
	}
	logs := new(syncBuffer)
	log := slog.New(slog.NewJSONHandler(logs, nil))
	bundle, err := assets.Build(assets.Options{})
	if err != nil {
		t.Fatalf("assets.Build: %v", err)
	}
	s := Settings{
		APIURL:                o.apiURL,
		ClientID:              ttamsim.DemoClient().ID,
		ClientSecret:          ttamsim.DemoClient().Secret,
		Scope:                 "basic names email",
		MaxBodyBytes:          1 << 20,
		MaxConcurrentRequests: 64,
	}
	if o.settings != nil {
		o.settings(&s)
	}
	reg := prometheus.NewRegistry()
	app := &testApp{store: o.store, registry: reg, logs: logs}
	h, a, err := newServer(Deps{
		Logger:     log,
		Settings:   s,
		Users:      o.store,
		Tokens:     o.store,
		Sessions:   o.store,
		Health:     o.store,
		Assets:     bundle,
		Registry:   reg,
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	app.api = a
	a.now = app.clock.now
	app.Server = httptest.NewServer(h)
	t.Cleanup(app.Close)
	return app
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each hop.
func browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// get fetches url and returns the response with its body read.
func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp, readBody(t, resp)
}

// postForm posts a form as a same-origin browser would.
func postForm(t testing.TB, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	return resp, readBody(t, resp)
}

func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

// wantContains reports each of wants that text lacks, as the message
// (such as "page lacks") followed by the quoted want.
func wantContains(t testing.TB, text, message string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s %q", message, want)
		}
	}
}
