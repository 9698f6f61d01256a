package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	app := newTestApp(t, appOptions{})
	for _, path := range []string{"/", "/_status/", "/no-such-page"} {
		resp, _ := get(t, browser(t), app.URL+path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self' http://127.0.0.1:1"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code: %q", path, csp)
		}
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", path, got)
		}
		if got := h.Get("Referrer-Policy"); got != "strict-origin-when-cross-origin" {
			t.Errorf("%s: Referrer-Policy = %q", path, got)
		}
		if h.Get("X-Request-ID") == "" {
			t.Errorf("%s: no X-Request-ID", path)
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS sent outside production", path)
		}
	}
}

func TestSignedOutHome(t *testing.T) {
	app := newTestApp(t, appOptions{})
	resp, body := get(t, browser(t), app.URL+"/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	wantContains(t, body, "home page lacks", "Sign in with 23andMe", `href="/login/"`, `class="skip-link" href="#main"`, `<main id="main"`, `<nav class="site-nav" aria-label="Main">`, "/static/")
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") {
		t.Error("home page has inline script or style, which the CSP forbids")
	}
}

func TestStaticAssetsServed(t *testing.T) {
	app := newTestApp(t, appOptions{})
	_, body := get(t, browser(t), app.URL+"/")
	i := strings.Index(body, `href="/static/`)
	if i < 0 {
		t.Fatal("no stylesheet link")
	}
	href := body[i+len(`href="`):]
	href = href[:strings.IndexByte(href, '"')]
	resp, css := get(t, browser(t), app.URL+href)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "css") || len(css) == 0 {
		t.Fatalf("GET %s: status %d, type %q, %d bytes", href, resp.StatusCode, resp.Header.Get("Content-Type"), len(css))
	}
}

func TestNotFound(t *testing.T) {
	app := newTestApp(t, appOptions{})
	resp, body := get(t, browser(t), app.URL+"/no-such-page")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") {
		t.Fatalf("status %d, body lacks the not-found heading", resp.StatusCode)
	}
}

func TestStatusEndpoints(t *testing.T) {
	app := newTestApp(t, appOptions{})
	c := browser(t)
	tests := []struct {
		path, want, contentType string
	}{
		{"/_status/", "Status: OK", "text/plain"},
		{"/healthz", "ok", "text/plain"},
		{"/_auth_status/", `{"signed_in":false}`, "application/json"},
	}
	for _, tt := range tests {
		resp, body := get(t, c, app.URL+tt.path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, tt.want) || !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.contentType) {
			t.Errorf("GET %s = %d %q (%s), want 200 containing %q (%s)", tt.path, resp.StatusCode, body, resp.Header.Get("Content-Type"), tt.want, tt.contentType)
		}
	}
}

func TestStatusWhenDatabaseIsDown(t *testing.T) {
	app := newTestApp(t, appOptions{})
	if err := app.store.Close(); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, browser(t), app.URL+"/_status/")
	if resp.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, "Status: OK") {
		t.Fatalf("GET /_status/ with a closed database = %d %q, want 503", resp.StatusCode, body)
	}
	if resp, _ := get(t, browser(t), app.URL+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz = %d while the database is down, want 200", resp.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	app := newTestApp(t, appOptions{})
	c := browser(t)
	get(t, c, app.URL+"/")
	get(t, c, app.URL+"/no-such-page-1")
	get(t, c, app.URL+"/no-such-page-2")
	_, body := get(t, c, app.URL+"/metrics")
	for _, want := range []string{
		`phenolink_http_requests_total{code="200",method="GET",route="GET /{$}"} 1`,
		`phenolink_http_requests_total{code="404",method="GET",route="/"} 2`,
		`phenolink_http_request_duration_seconds_bucket{method="GET",route="GET /{$}",le="+Inf"} 1`,
		`phenolink_http_requests_in_flight 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "no-such-page") {
		t.Error("/metrics labels series with raw paths")
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	app := newTestApp(t, appOptions{})
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/logout/", strings.NewReader(""))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := browser(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "another site") {
		t.Fatalf("cross-site POST = %d, want 403 with an explanation", resp.StatusCode)
	}
}

func TestBodyLimit(t *testing.T) {
	app := newTestApp(t, appOptions{settings: func(s *Settings) { s.MaxBodyBytes = 64 }})
	big := url.Values{"profile_id": {strings.Repeat("x", 200)}}
	resp, _ := postForm(t, browser(t), app.URL+"/profile/", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized POST = %d, want 413", resp.StatusCode)
	}
}

func TestProductionChecks(t *testing.T) {
	app := newTestApp(t, appOptions{settings: func(s *Settings) {
		s.Production = true
		s.AllowedHosts = []string{"phenolink.example.org", "127.0.0.1"}
	}})
	c := browser(t)
	tests := []struct {
		name     string
		host     string
		proto    string
		status   int
		location string
	}{
		{"plain http is redirected", "phenolink.example.org", "http", http.StatusMovedPermanently, "https://phenolink.example.org/_status/"},
		{"no forwarded proto is redirected", "phenolink.example.org", "", http.StatusMovedPermanently, "https://phenolink.example.org/_status/"},
		{"https passes", "phenolink.example.org", "https", http.StatusOK, ""},
		{"unknown host refused", "evil.example.com", "https", http.StatusBadRequest, ""},
	}
	// A platform's health check comes by address over plain HTTP.
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/healthz", nil)
	req.Host = "10.0.0.7:8080"
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if readBody(t, resp); resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz by address over HTTP = %d, want 200", resp.StatusCode)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, app.URL+"/_status/", nil)
			req.Host = tt.host
			if tt.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			readBody(t, resp)
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
				t.Fatalf("status %d location %q, want %d %q", resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.location)
			}
			if tt.status == http.StatusOK && !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
				t.Error("no HSTS in production")
			}
		})
	}
	// The session cookie is Secure in production.
	req, _ = http.NewRequest(http.MethodGet, app.URL+"/login/", nil)
	req.Host = "phenolink.example.org"
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	checkSessionCookie(t, resp, true)
}

// checkSessionCookie checks the flags of the session cookie a response sets.
func checkSessionCookie(t *testing.T, resp *http.Response, secure bool) {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name != sessionCookieName {
			continue
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != secure {
			t.Errorf("session cookie HttpOnly=%v SameSite=%v Secure=%v, want true Lax %v", c.HttpOnly, c.SameSite, c.Secure, secure)
		}
		return
	}
	t.Errorf("no %s cookie set", sessionCookieName)
}

func TestDebugOnlyTools(t *testing.T) {
	tests := []struct {
		name        string
		debug, prod bool
		pprof       int
		footer      bool
	}{
		{"local", false, false, http.StatusNotFound, false},
		{"debug", true, false, http.StatusOK, true},
		{"debug in production", true, true, http.StatusNotFound, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newTestApp(t, appOptions{settings: func(s *Settings) {
				s.Debug, s.Production = tt.debug, tt.prod
				s.AllowedHosts = []string{"127.0.0.1"}
			}})
			get := func(path string) (*http.Response, string) {
				req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
				req.Header.Set("X-Forwarded-Proto", "https")
				resp, err := browser(t).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				return resp, readBody(t, resp)
			}
			if resp, _ := get("/debug/pprof/"); resp.StatusCode != tt.pprof {
				t.Errorf("/debug/pprof/ = %d, want %d", resp.StatusCode, tt.pprof)
			}
			_, body := get("/")
			if got := strings.Contains(body, "SQL statement"); got != tt.footer {
				t.Errorf("SQL footer shown = %v, want %v", got, tt.footer)
			}
		})
	}
}

func TestAccessLogOmitsQueries(t *testing.T) {
	app := newTestApp(t, appOptions{})
	get(t, browser(t), app.URL+"/receive_code/?code=one-time-code-1234&state=abc")
	logs := app.logs.String()
	for _, want := range []string{`"msg":"request"`, `"path":"/receive_code/"`, `"route":"GET /receive_code/{$}"`, `"status":400`, `"request_id":"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "one-time-code-1234") {
		t.Error("the access log holds the one-time code from the query")
	}
}

func TestTrailingSlashIsAppended(t *testing.T) {
	app := newTestApp(t, appOptions{})
	c := browser(t)
	tests := []struct {
		path, location string
		status         int
	}{
		{"/_status", "/_status/", http.StatusTemporaryRedirect},
		{"/logout", "/logout/", http.StatusTemporaryRedirect},
		{"/login?next=%2Fx", "/login/?next=%2Fx", http.StatusTemporaryRedirect},
		{"/no-such-page", "", http.StatusNotFound},
		{"//evil.example.com", "/evil.example.com", http.StatusTemporaryRedirect},
	}
	for _, tt := range tests {
		resp, _ := get(t, c, app.URL+tt.path)
		loc := resp.Header.Get("Location")
		if resp.StatusCode != tt.status || (tt.location != "" && loc != tt.location) {
			t.Errorf("GET %s = %d to %q, want %d to %q", tt.path, resp.StatusCode, loc, tt.status, tt.location)
		}
		if strings.HasPrefix(loc, "//") {
			t.Errorf("GET %s redirects off the site: %q", tt.path, loc)
		}
	}
}
