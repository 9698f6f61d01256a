package ttamsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// withoutSlash drops the trailing slash of path's path part.
func withoutSlash(path string) string {
	p, q, hasQuery := strings.Cut(path, "?")
	p = strings.TrimSuffix(p, "/")
	if hasQuery {
		return p + "?" + q
	}
	return p
}

// TestEveryRouteScopesAndSlashes asks every API endpoint, with and without
// its trailing slash, with tokens holding different scopes, and checks the
// status, that a refusal is the JSON scope error, and that both spellings
// of a path give the same body.
func TestEveryRouteScopesAndSlashes(t *testing.T) {
	s := newSim(t, Config{})
	mid := s.MarkerKey()[0].ID
	issue := func(scopes ...string) string {
		set := scopeSet{}
		for _, sc := range scopes {
			set[sc] = true
		}
		access, _ := s.tokens.issue(grant{accountID: DemoAccountID, scope: set}, "test", s.now().Add(time.Hour))
		return access
	}
	basic := issue("basic")
	noBasic := issue("names", "genomes")
	full := issue("basic", "names", "email", "genomes", "report:all")
	oneMarker := issue("basic", mid)

	const ok, forbidden = http.StatusOK, http.StatusForbidden
	tests := []struct {
		path                                string
		basic, noBasic, full, oneMarker, no int // statuses per token; no is without one
	}{
		{"/3/account/?include=profiles", ok, forbidden, ok, ok, 401},
		{"/3/profile/demo_profile_id/", ok, forbidden, ok, ok, 401},
		{"/3/profile/demo_profile_id/marker/?id=" + mid, forbidden, ok, ok, ok, 401},
		{"/3/profile/demo_profile_id/marker/" + mid + "/", forbidden, ok, ok, ok, 401},
		{"/3/profile/demo_profile_id/marker/?accession_id=NC_000001.10&limit=10000", forbidden, ok, ok, ok, 401},
		{"/3/profile/demo_profile_id/variant/?accession_id=NC_000001.10&limit=10000", forbidden, ok, ok, ok, 401},
		{"/3/profile/demo_profile_id/report/", forbidden, forbidden, ok, forbidden, 401},
		{"/3/profile/demo_profile_id/report/lactose_intolerance/", forbidden, forbidden, ok, forbidden, 401},
		{"/3/marker/" + mid + "/", ok, ok, ok, ok, ok},
		{"/3/accession/", ok, ok, ok, ok, ok},
		{"/3/accession/NC_000004.11/", ok, ok, ok, ok, ok},
		{"/1/user/", ok, forbidden, ok, ok, 401},
		{"/1/names/", forbidden, ok, ok, forbidden, 401},
		{"/1/genotypes/?locations=" + mid, forbidden, ok, ok, ok, 401},
		{"/1/genotypes/demo_profile_id/?locations=" + mid, forbidden, ok, ok, ok, 401},
		{"/1/genotype/demo_profile_id/?locations=" + mid, forbidden, ok, ok, ok, 401},
		{"/1/genomes/", forbidden, ok, ok, forbidden, 401},
		{"/1/genomes/demo_profile_id/", forbidden, ok, ok, forbidden, 401},
		// The demo routes serve any valid token, whatever its scopes.
		{"/1/demo/user/", ok, ok, ok, ok, 401},
		{"/1/demo/names/", ok, ok, ok, ok, 401},
		{"/1/demo/genotypes/?locations=" + mid, ok, ok, ok, ok, 401},
		{"/1/demo/genotypes/" + DemoMotherID + "/?locations=" + mid, ok, ok, ok, ok, 401},
		{"/1/demo/genotype/" + DemoFatherID + "/?locations=" + mid, ok, ok, ok, ok, 401},
		{"/1/demo/genomes/", ok, ok, ok, ok, 401},
		{"/1/demo/genomes/" + DemoFatherID + "/", ok, ok, ok, ok, 401},
	}
	for _, tt := range tests {
		for _, tok := range []struct {
			name, token string
			want        int
		}{
			{"basic", basic, tt.basic}, {"names genomes", noBasic, tt.noBasic}, {"full", full, tt.full},
			{"basic " + mid, oneMarker, tt.oneMarker}, {"no token", "", tt.no},
		} {
			code, body, _ := get(t, s, tt.path, tok.token)
			if code != tok.want {
				t.Errorf("GET %s with %s: %d, want %d: %s", tt.path, tok.name, code, tok.want, body)
				continue
			}
			if code == forbidden && !bytes.Contains(body, []byte(`"error":"insufficient_scope"`)) {
				t.Errorf("GET %s with %s: 403 body %s", tt.path, tok.name, body)
			}
			bare := withoutSlash(tt.path)
			code2, body2, _ := get(t, s, bare, tok.token)
			if code2 != code || code == ok && !bytes.Equal(body, body2) {
				t.Errorf("GET %s with %s: %d, but %s: %d (or another body)", bare, tok.name, code2, tt.path, code)
			}
		}
	}

	// The key file has no slash; the OAuth endpoints take both spellings.
	if code, _, _ := get(t, s, "/res/txt/snps.data", ""); code != ok {
		t.Errorf("snps.data: %d", code)
	}
	for _, path := range []string{"/authorize/", "/authorize"} {
		if code, _, _ := get(t, s, path+"?"+authParams("basic").Encode(), ""); code != ok {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	for _, path := range []string{"/logout/", "/logout"} {
		code, _, h := get(t, s, path+"?redirect_uri="+url.QueryEscape(testRedirect), "")
		if code != http.StatusFound || h.Get("Location") != testRedirect {
			t.Errorf("GET %s: %d to %q", path, code, h.Get("Location"))
		}
	}
	for _, path := range []string{"/token/", "/token"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("POST", path, strings.NewReader("grant_type=refresh_token")))
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "invalid_client") {
			t.Errorf("POST %s without a client: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// TestTokenParametersFromBodyOrQuery exchanges a code and refreshes with
// the parameters in the form body, in the query string, and split between
// them, on both spellings of the token path.
func TestTokenParametersFromBodyOrQuery(t *testing.T) {
	f := newFlow(t, Config{})
	post := func(path string, query, body url.Values) (int, tokenResponse) {
		t.Helper()
		req, err := http.NewRequest("POST", f.srv.URL+path+"?"+query.Encode(), strings.NewReader(body.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tr tokenResponse
		if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil && resp.StatusCode == 200 {
			t.Fatal(err)
		}
		return resp.StatusCode, tr
	}
	// split puts the client's credentials and grant type in one place and
	// the rest in the other.
	split := func(all url.Values, inQuery bool) (url.Values, url.Values) {
		a, b := url.Values{}, url.Values{}
		for k, v := range all {
			if k == "client_id" || k == "client_secret" || k == "grant_type" {
				a[k] = v
			} else {
				b[k] = v
			}
		}
		if inQuery {
			return a, b
		}
		return b, a
	}
	for _, tt := range []struct {
		name string
		path string
		send func(url.Values) (query, body url.Values)
	}{
		{"body", "/token/", func(v url.Values) (url.Values, url.Values) { return url.Values{}, v }},
		{"query", "/token", func(v url.Values) (url.Values, url.Values) { return v, url.Values{} }},
		{"credentials in the query", "/token/", func(v url.Values) (url.Values, url.Values) { return split(v, true) }},
		{"credentials in the body", "/token", func(v url.Values) (url.Values, url.Values) { return split(v, false) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			loc := f.approve(authParams("basic"), DemoAccountID, nil)
			code, tok := post(tt.path, nil, nil)
			if code != http.StatusUnauthorized {
				t.Errorf("empty request: %d", code)
			}
			q, b := tt.send(exchangeBasic(loc.Query().Get("code"), ""))
			code, tok = post(tt.path, q, b)
			if code != 200 || tok.AccessToken == "" || tok.Scope != "basic" {
				t.Fatalf("exchange: %d %+v", code, tok)
			}
			q, b = tt.send(refreshBasic(tok.RefreshToken))
			code, next := post(tt.path, q, b)
			if code != 200 || next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken {
				t.Fatalf("refresh: %d %+v", code, next)
			}
			if f.apiStatus("/3/account/", next.AccessToken) != 200 {
				t.Error("the refreshed token is refused")
			}
		})
	}
}

// TestShapesNotPinnedElsewhere pins the exact keys of the answers the
// other tests decode into structs: v1 names and embedded genotypes, an
// accession, the token response and the error body.
func TestShapesNotPinnedElsewhere(t *testing.T) {
	f := newFlow(t, Config{})
	s := f.sim
	mid := s.MarkerKey()[0].ID

	_, body, _ := get(t, s, "/1/names/", DemoToken)
	sameKeys(t, "v1 names", body, "id", "first_name", "last_name", "profiles")
	var names struct{ Profiles []json.RawMessage }
	json.Unmarshal(body, &names)
	sameKeys(t, "v1 names profile", names.Profiles[0], "id", "first_name", "last_name")

	_, body, _ = get(t, s, "/1/genotypes/demo_profile_id/?format=embedded&locations="+mid, DemoToken)
	sameKeys(t, "embedded genotypes", body, "id", "genotypes")
	var embedded struct{ Genotypes []json.RawMessage }
	json.Unmarshal(body, &embedded)
	sameKeys(t, "embedded genotype", embedded.Genotypes[0], "location", "call")
	_, body, _ = get(t, s, "/1/genotypes/demo_profile_id/?locations="+mid, DemoToken)
	sameKeys(t, "genotypes", body, "id", mid)

	_, body, _ = get(t, s, "/3/accession/NC_000023.10/", "")
	sameKeys(t, "accession", body, "id", "chromosome", "length")

	_, body, _ = get(t, s, "/3/profile/nobody/", DemoToken)
	sameKeys(t, "error", body, "error", "error_description")

	loc := f.approve(authParams("basic"), DemoAccountID, nil)
	resp, err := http.PostForm(f.srv.URL+"/token/", exchangeBasic(loc.Query().Get("code"), ""))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	sameKeys(t, "token response", raw, "access_token", "token_type", "expires_in", "refresh_token", "scope")
	if resp.Header.Get("Content-Type") != "application/json" && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json;") {
		t.Errorf("token response Content-Type %q", resp.Header.Get("Content-Type"))
	}
}
