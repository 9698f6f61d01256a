package ttamsim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const testRedirect = "http://127.0.0.1:8123/receive_code/"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// flow drives the OAuth endpoints like a browser with cookies that stops
// at the redirect back to the app.
type flow struct {
	t      *testing.T
	srv    *httptest.Server
	sim    *Server
	client *http.Client
	clock  *clock
}

func newFlow(t *testing.T, cfg Config) *flow {
	t.Helper()
	c := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if cfg.Now == nil {
		cfg.Now = c.now
	}
	sim := newSim(t, cfg)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &flow{t: t, srv: srv, sim: sim, clock: c, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func authParams(scope string) url.Values {
	return url.Values{"response_type": {"code"}, "client_id": {DemoClient().ID}, "redirect_uri": {testRedirect},
		"scope": {scope}, "state": {"st4te"}}
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// page fetches the authorize page and returns its hidden inputs.
func (f *flow) page(params url.Values) (url.Values, string) {
	f.t.Helper()
	resp, err := f.client.Get(f.srv.URL + "/authorize/?" + params.Encode())
	if err != nil {
		f.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		f.t.Fatalf("authorize page: %d %s", resp.StatusCode, body)
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(string(body), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return form, string(body)
}

// submit posts the form and returns the response.
func (f *flow) submit(form url.Values) *http.Response {
	f.t.Helper()
	resp, err := f.client.PostForm(f.srv.URL+"/authorize/", form)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// approve runs the page as a person approving for account and returns the
// redirect back to the app.
func (f *flow) approve(params url.Values, account string, extra url.Values) *url.URL {
	f.t.Helper()
	form, _ := f.page(params)
	form.Set("account", account)
	form.Set("decision", "approve")
	for k, v := range extra {
		form[k] = v
	}
	resp := f.submit(form)
	if resp.StatusCode != http.StatusFound {
		f.t.Fatalf("approve: status %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		f.t.Fatal(err)
	}
	return loc
}

// token posts to the token endpoint and decodes the answer.
func (f *flow) token(form url.Values) (int, tokenResponse, errorBody) {
	f.t.Helper()
	resp, err := http.PostForm(f.srv.URL+"/token/", form)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var tr tokenResponse
	var eb errorBody
	json.Unmarshal(body, &tr)
	json.Unmarshal(body, &eb)
	return resp.StatusCode, tr, eb
}

func exchange(code, verifier string) url.Values {
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {DemoClient().ID},
		"client_secret": {DemoClient().Secret}, "redirect_uri": {testRedirect}, "scope": {"basic names email"}}
	if verifier != "" {
		v.Set("code_verifier", verifier)
	}
	return v
}

func refresh(token string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}, "client_id": {DemoClient().ID},
		"client_secret": {DemoClient().Secret}, "redirect_uri": {testRedirect}, "scope": {"basic names email"}}
}

func (f *flow) apiStatus(path, token string) int {
	f.t.Helper()
	code, _, _ := get(f.t, f.sim, path, token)
	return code
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const verifier = "dBjftJeZ4CVP-mJ92K9rFOmz1bXg3hUWhJ5LqQ0Yb7Kc"

func TestOAuthApproveExchangeRefresh(t *testing.T) {
	f := newFlow(t, Config{})
	tomas := f.sim.Accounts()[2]
	params := authParams("basic names email")
	params.Set("code_challenge", challengeOf(verifier))
	params.Set("code_challenge_method", "S256")
	loc := f.approve(params, tomas.ID, nil)
	if loc.Host != "127.0.0.1:8123" || loc.Path != "/receive_code/" || loc.Query().Get("state") != "st4te" {
		t.Fatalf("redirect %s", loc)
	}
	status, tok, eb := f.token(exchange(loc.Query().Get("code"), verifier))
	if status != 200 {
		t.Fatalf("exchange: %d %+v", status, eb)
	}
	if tok.TokenType != "bearer" || tok.ExpiresIn != 86400 || tok.Scope != "basic names email" || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Errorf("token response %+v", tok)
	}
	var env struct{ Data []v3Account }
	getJSON(t, f.sim, "/3/account/", tok.AccessToken, 200, &env)
	if env.Data[0].ID != tomas.ID || len(env.Data[0].Profiles) != 2 || *env.Data[0].Email != tomas.Email {
		t.Errorf("account %+v", env.Data[0])
	}
	if f.apiStatus("/1/genomes/", tok.AccessToken) != 403 {
		t.Error("a basic names email token read genomes")
	}

	status, rotated, _ := f.token(refresh(tok.RefreshToken))
	if status != 200 || rotated.RefreshToken == tok.RefreshToken || rotated.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %d %+v", status, rotated)
	}
	if status, _, eb := f.token(refresh(tok.RefreshToken)); status != 400 || eb.Error != "invalid_grant" {
		t.Errorf("reused refresh token: %d %+v", status, eb)
	}
	status, latest, _ := f.token(refresh(rotated.RefreshToken))
	if status != 200 {
		t.Fatalf("newest refresh token refused: %d", status)
	}

	// Narrowing the scope on refresh is allowed, widening is not.
	narrow := refresh(latest.RefreshToken)
	narrow.Set("scope", "basic genomes")
	if status, _, eb := f.token(narrow); status != 400 || eb.Error != "invalid_scope" {
		t.Errorf("widening on refresh: %d %+v", status, eb)
	}
	narrow.Set("scope", "basic")
	if status, tr, _ := f.token(narrow); status != 200 || tr.Scope != "basic" {
		t.Errorf("narrowing on refresh: %d %+v", status, tr)
	}
}

func TestOAuthCodeRules(t *testing.T) {
	f := newFlow(t, Config{})
	erin := DemoAccountID
	code := func(params url.Values) string {
		return f.approve(params, erin, nil).Query().Get("code")
	}
	pkce := authParams("basic")
	pkce.Set("code_challenge", challengeOf(verifier))

	tests := []struct {
		name   string
		params url.Values
		form   func(code string) url.Values
		status int
		error  string
	}{
		{"no PKCE", authParams("basic"), func(c string) url.Values { return exchange(c, "") }, 200, ""},
		{"PKCE S256 by default", pkce, func(c string) url.Values { return exchange(c, verifier) }, 200, ""},
		{"PKCE mismatch", pkce, func(c string) url.Values { return exchange(c, verifier+"x") }, 400, "invalid_grant"},
		{"PKCE verifier missing", pkce, func(c string) url.Values { return exchange(c, "") }, 400, "invalid_grant"},
		{"verifier without challenge", authParams("basic"), func(c string) url.Values { return exchange(c, verifier) }, 400, "invalid_grant"},
		{"wrong redirect_uri", authParams("basic"), func(c string) url.Values {
			v := exchange(c, "")
			v.Set("redirect_uri", "http://127.0.0.1:9999/receive_code/")
			return v
		}, 400, "invalid_grant"},
		{"wrong secret", authParams("basic"), func(c string) url.Values {
			v := exchange(c, "")
			v.Set("client_secret", "guess")
			return v
		}, 401, "invalid_client"},
		{"unknown client", authParams("basic"), func(c string) url.Values {
			v := exchange(c, "")
			v.Set("client_id", "someone")
			return v
		}, 401, "invalid_client"},
		{"unknown code", authParams("basic"), func(string) url.Values { return exchange("nope", "") }, 400, "invalid_grant"},
		{"missing code", authParams("basic"), func(string) url.Values { return exchange("", "") }, 400, "invalid_request"},
		{"wider scope", authParams("basic"), func(c string) url.Values {
			v := exchange(c, "")
			v.Set("scope", "basic genomes")
			return v
		}, 400, "invalid_scope"},
		{"unknown grant type", authParams("basic"), func(c string) url.Values {
			v := exchange(c, "")
			v.Set("grant_type", "password")
			return v
		}, 400, "unauthorized_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := tt.form(code(tt.params))
			if tt.status == 200 {
				form.Set("scope", "basic")
			}
			status, _, eb := f.token(form)
			if status != tt.status || eb.Error != tt.error {
				t.Errorf("status %d error %q, want %d %q (%s)", status, eb.Error, tt.status, tt.error, eb.ErrorDescription)
			}
		})
	}

	t.Run("plain only when asked", func(t *testing.T) {
		plain := authParams("basic")
		plain.Set("code_challenge", verifier)
		plain.Set("code_challenge_method", "plain")
		if status, _, eb := f.token(exchangeBasic(code(plain), verifier)); status != 200 {
			t.Errorf("plain PKCE refused: %+v", eb)
		}
		s256 := authParams("basic")
		s256.Set("code_challenge", verifier) // the verifier itself is not its S256 challenge
		if status, _, _ := f.token(exchangeBasic(code(s256), verifier)); status != 400 {
			t.Error("a plain verifier passed an S256 challenge")
		}
	})

	t.Run("query parameters and basic auth", func(t *testing.T) {
		v := exchangeBasic(code(authParams("basic")), "")
		v.Del("client_secret")
		req, _ := http.NewRequest("POST", f.srv.URL+"/token?"+v.Encode(), nil)
		req.SetBasicAuth(DemoClient().ID, DemoClient().Secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("token from the query string with basic auth: %d", resp.StatusCode)
		}
	})

	t.Run("replay revokes", func(t *testing.T) {
		c := code(authParams("basic"))
		_, tok, _ := f.token(exchangeBasic(c, ""))
		if f.apiStatus("/3/account/", tok.AccessToken) != 200 {
			t.Fatal("fresh token refused")
		}
		if status, _, eb := f.token(exchangeBasic(c, "")); status != 400 || eb.Error != "invalid_grant" {
			t.Errorf("second exchange: %d %+v", status, eb)
		}
		if f.apiStatus("/3/account/", tok.AccessToken) != 401 {
			t.Error("the token from a replayed code still works")
		}
		if status, _, _ := f.token(refreshBasic(tok.RefreshToken)); status != 400 {
			t.Error("the refresh token from a replayed code still works")
		}
	})

	t.Run("code expires after ten minutes", func(t *testing.T) {
		young, old := code(authParams("basic")), code(authParams("basic"))
		f.clock.advance(10*time.Minute - time.Second)
		if status, _, eb := f.token(exchangeBasic(young, "")); status != 200 {
			t.Errorf("code 9m59s old: %d %+v", status, eb)
		}
		f.clock.advance(2 * time.Second)
		if status, _, eb := f.token(exchangeBasic(old, "")); status != 400 || eb.Error != "invalid_grant" {
			t.Errorf("code 10m01s old: %d %+v", status, eb)
		}
	})
}

func exchangeBasic(code, verifier string) url.Values {
	v := exchange(code, verifier)
	v.Set("scope", "basic")
	return v
}

func refreshBasic(token string) url.Values {
	v := refresh(token)
	v.Set("scope", "basic")
	return v
}

func TestOAuthTokenExpiry(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cfg   Config
		alive time.Duration
	}{
		{"expires_in", Config{TokenTTL: time.Hour}, time.Hour},
		{"fault", Config{TokenTTL: time.Hour, Faults: Faults{TokenExpiry: time.Minute}}, time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFlow(t, tt.cfg)
			loc := f.approve(authParams("basic"), DemoAccountID, nil)
			_, tok, _ := f.token(exchangeBasic(loc.Query().Get("code"), ""))
			if tok.ExpiresIn != 3600 {
				t.Errorf("expires_in %d", tok.ExpiresIn)
			}
			f.clock.advance(tt.alive - time.Second)
			if f.apiStatus("/3/account/", tok.AccessToken) != 200 {
				t.Fatal("token refused before it expired")
			}
			f.clock.advance(time.Second)
			var e errorBody
			getJSON(t, f.sim, "/3/account/", tok.AccessToken, 401, &e)
			if e.Error != "invalid_token" {
				t.Errorf("expired token error %+v", e)
			}
			if status, _, _ := f.token(refreshBasic(tok.RefreshToken)); status != 200 {
				t.Error("refresh after expiry refused")
			}
		})
	}
}

func TestOAuthDeny(t *testing.T) {
	f := newFlow(t, Config{})
	for _, withState := range []bool{true, false} {
		params := authParams("basic")
		if !withState {
			params.Del("state")
		}
		form, _ := f.page(params)
		form.Set("decision", "deny")
		resp := f.submit(form)
		loc, _ := url.Parse(resp.Header.Get("Location"))
		q := loc.Query()
		if resp.StatusCode != 302 || q.Get("error") != "access_denied" || q.Get("error_description") == "" || q.Has("code") {
			t.Errorf("deny: %d %s", resp.StatusCode, loc)
		}
		if q.Has("state") != withState {
			t.Errorf("state sent %v, echoed %v", withState, q.Has("state"))
		}
	}
}

func TestOAuthAuthorizeRefusals(t *testing.T) {
	f := newFlow(t, Config{Clients: []Client{{ID: "web", Secret: "s3cret", RedirectURIs: []string{"https://app.example.com/receive_code/"}}}})
	get := func(params url.Values) *http.Response {
		resp, err := f.client.Get(f.srv.URL + "/authorize?" + params.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	with := func(k, v string) url.Values {
		p := authParams("basic names")
		if v == "" {
			p.Del(k)
		} else {
			p.Set(k, v)
		}
		return p
	}
	// Problems shown on the page, never redirected.
	for name, p := range map[string]url.Values{
		"unknown client":    with("client_id", "nobody"),
		"unregistered host": with("redirect_uri", "http://evil.example.com/receive_code/"),
		"other path":        with("redirect_uri", "http://127.0.0.1:8123/elsewhere/"),
		"no redirect":       with("redirect_uri", ""),
		"other port, non-loopback": func() url.Values {
			p := with("client_id", "web")
			p.Set("redirect_uri", "https://app.example.com:8443/receive_code/")
			return p
		}(),
	} {
		if resp := get(p); resp.StatusCode != 400 || resp.Header.Get("Location") != "" {
			t.Errorf("%s: status %d, location %q", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// Errors redirected to the client.
	for name, tt := range map[string]struct {
		params url.Values
		error  string
	}{
		"token response": {with("response_type", "token"), "unsupported_response_type"},
		"unknown scope":  {with("scope", "basic superpowers"), "invalid_scope"},
		"no scope":       {with("scope", ""), "invalid_scope"},
		"bad method": {func() url.Values {
			p := with("code_challenge", challengeOf(verifier))
			p.Set("code_challenge_method", "S512")
			return p
		}(), "invalid_request"},
		"short challenge": {with("code_challenge", "abc"), "invalid_request"},
		"bad select":      {with("select_profile", "maybe"), "invalid_request"},
	} {
		resp := get(tt.params)
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != 302 || loc.Query().Get("error") != tt.error || loc.Query().Get("state") != "st4te" {
			t.Errorf("%s: %d %s", name, resp.StatusCode, loc)
		}
	}
	// The registered non-loopback client works with its exact URI.
	p := with("client_id", "web")
	p.Set("redirect_uri", "https://app.example.com/receive_code/")
	if resp := get(p); resp.StatusCode != 200 {
		t.Errorf("registered web client: %d", resp.StatusCode)
	}
	// Any loopback port, and localhost, for the demo client.
	if resp := get(with("redirect_uri", "http://localhost:51234/receive_code/")); resp.StatusCode != 200 {
		t.Errorf("localhost with a port: %d", resp.StatusCode)
	}
}

func TestOAuthFormTampering(t *testing.T) {
	f := newFlow(t, Config{})
	form, _ := f.page(authParams("basic"))
	form.Set("account", DemoAccountID)
	form.Set("decision", "approve")

	widened := url.Values{}
	for k, v := range form {
		widened[k] = v
	}
	widened.Set("scope", "basic genomes")
	if resp := f.submit(widened); resp.StatusCode != 403 {
		t.Errorf("widened scope: %d", resp.StatusCode)
	}
	forged := url.Values{}
	for k, v := range form {
		forged[k] = v
	}
	forged.Set("csrf", "forged")
	if resp := f.submit(forged); resp.StatusCode != 403 {
		t.Errorf("forged token: %d", resp.StatusCode)
	}
	// Without the cookie the form is refused too.
	resp, err := http.PostForm(f.srv.URL+"/authorize/", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("no cookie: %d", resp.StatusCode)
	}
	noAccount := url.Values{}
	for k, v := range form {
		noAccount[k] = v
	}
	noAccount.Set("account", "nobody")
	if resp := f.submit(noAccount); resp.StatusCode != 400 {
		t.Errorf("unknown account: %d", resp.StatusCode)
	}
	if resp := f.submit(form); resp.StatusCode != 302 {
		t.Errorf("the untouched form: %d", resp.StatusCode)
	}
}

func TestOAuthPageContent(t *testing.T) {
	f := newFlow(t, Config{})
	params := authParams("basic names genomes rs123 report:all phenotypes:read:height_mm")
	params.Set("select_profile", "true")
	_, body := f.page(params)
	for _, want := range []string{
		`<html lang="en">`, "phenolink-demo", "Read your whole genome", "marker rs123", "Read your height mm",
		`name="account"`, `name="profile"`, `name="decision" value="approve"`, `name="decision" value="deny"`,
		"Erin Mendel", "Nia Okafor", "<label>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// A long scope list may arrive as a form POST.
	resp, err := f.client.PostForm(f.srv.URL+"/authorize", params)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("POSTed authorize request: %d", resp.StatusCode)
	}
}

func TestOAuthSelectProfile(t *testing.T) {
	f := newFlow(t, Config{})
	okafor := f.sim.Accounts()[2]
	nia, tomas := okafor.Profiles[1], okafor.Profiles[0]
	params := authParams("basic names genomes")
	params.Set("select_profile", "true")
	loc := f.approve(params, okafor.ID, url.Values{"profile": {nia.ID}})
	form := exchange(loc.Query().Get("code"), "")
	form.Set("scope", "basic names genomes")
	status, tok, eb := f.token(form)
	if status != 200 {
		t.Fatalf("exchange %+v", eb)
	}
	var u v1User
	getJSON(t, f.sim, "/1/user/", tok.AccessToken, 200, &u)
	if len(u.Profiles) != 1 || u.Profiles[0].ID != nia.ID {
		t.Errorf("user %+v, want only %s", u, nia.ID)
	}
	if f.apiStatus("/1/genomes/"+nia.ID+"/", tok.AccessToken) != 200 || f.apiStatus("/3/profile/"+tomas.ID+"/", tok.AccessToken) != 403 {
		t.Error("a single-profile token is not limited to its profile")
	}
	// A profile of another account is refused on the page.
	form2, _ := f.page(params)
	form2.Set("account", okafor.ID)
	form2.Set("profile", DemoProfileID)
	form2.Set("decision", "approve")
	if resp := f.submit(form2); resp.StatusCode != 400 {
		t.Errorf("foreign profile: %d", resp.StatusCode)
	}
}

func TestLogout(t *testing.T) {
	web := "https://app.example.com/receive_code/"
	f := newFlow(t, Config{Clients: []Client{{ID: "web", Secret: "s3cret", RedirectURIs: []string{web}}}})
	for _, tt := range []struct {
		to     string
		status int
	}{
		{"http://127.0.0.1:8000/receive_code/", 302}, // the demo client's, on any loopback port
		{web, 302},
		{"https://app.example.com/elsewhere/", 200},
		{"https://app.example.com:8443/receive_code/", 200},
		{"http://app.example.com/receive_code/", 200},
		{web + "?next=/admin", 200},
		{"http://evil.example.com/", 200},
		{"", 200},
	} {
		resp, err := f.client.Get(f.srv.URL + "/logout/?redirect_uri=" + url.QueryEscape(tt.to))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || tt.status == 302 && resp.Header.Get("Location") != tt.to {
			t.Errorf("logout to %q: %d %q", tt.to, resp.StatusCode, resp.Header.Get("Location"))
		}
		if tt.status == 200 && (resp.Header.Get("Location") != "" || !strings.Contains(string(body), "signed out")) {
			t.Errorf("logout to %q: no signed-out page: %s", tt.to, body)
		}
	}
}

// TestOAuthGrantsBoundToClient checks that a code, and the refresh token
// it yields, work only for the client they were issued to, even when
// another registered client shares the redirect URI.
func TestOAuthGrantsBoundToClient(t *testing.T) {
	other := Client{ID: "other-app", Secret: "other-secret", RedirectURIs: []string{testRedirect}}
	f := newFlow(t, Config{Clients: []Client{other}})
	as := func(v url.Values, c Client) url.Values {
		v.Set("client_id", c.ID)
		v.Set("client_secret", c.Secret)
		return v
	}
	code := f.approve(authParams("basic"), DemoAccountID, nil).Query().Get("code")
	if status, _, eb := f.token(as(exchangeBasic(code, ""), other)); status != 400 || eb.Error != "invalid_grant" {
		t.Errorf("another client's code: %d %+v", status, eb)
	}
	status, tok, eb := f.token(exchangeBasic(code, ""))
	if status != 200 {
		t.Fatalf("the code's own client was refused after another tried it: %d %+v", status, eb)
	}
	if status, _, eb := f.token(as(refreshBasic(tok.RefreshToken), other)); status != 400 || eb.Error != "invalid_grant" {
		t.Errorf("another client's refresh token: %d %+v", status, eb)
	}
	if status, _, eb := f.token(refreshBasic(tok.RefreshToken)); status != 200 {
		t.Errorf("the refresh token's own client was refused after another tried it: %d %+v", status, eb)
	}
}
