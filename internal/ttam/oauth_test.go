package ttam

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestStartAuthorizeURL(t *testing.T) {
	o, err := NewOAuth(OAuthConfig{APIURL: "https://api.example.org/", ClientID: "cid", ClientSecret: "sec", RedirectURL: "https://app.example/receive_code/"})
	if err != nil {
		t.Fatal(err)
	}
	a := o.Start(SelectProfile())
	u, err := url.Parse(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme+"://"+u.Host+u.Path != "https://api.example.org/authorize/" {
		t.Errorf("authorize endpoint = %s", a.URL)
	}
	q := u.Query()
	want := map[string]string{
		"response_type": "code", "client_id": "cid", "redirect_uri": "https://app.example/receive_code/",
		"scope": "basic names email", "state": a.State, "select_profile": "true",
		"code_challenge": oauth2.S256ChallengeFromVerifier(a.Verifier), "code_challenge_method": "S256",
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if q.Has("client_secret") || strings.Contains(a.URL, "sec") {
		t.Error("the client secret is in the authorize URL")
	}
	if len(a.State) < 20 || len(a.Verifier) < 43 {
		t.Errorf("state %q or verifier %q too short", a.State, a.Verifier)
	}
	if b := o.Start(); b.State == a.State || b.Verifier == a.Verifier {
		t.Error("two sign-ins share a state or verifier")
	}
	if got := o.LogoutURL("https://app.example/"); got != "https://api.example.org/logout/?redirect_uri=https%3A%2F%2Fapp.example%2F" {
		t.Errorf("LogoutURL = %s", got)
	}
}

func TestCheckState(t *testing.T) {
	tests := []struct {
		sent, got string
		want      bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "ab", false},
		{"abc", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := CheckState(tt.sent, tt.got); got != tt.want {
			t.Errorf("CheckState(%q, %q) = %v, want %v", tt.sent, tt.got, got, tt.want)
		}
	}
}

func TestFinishRejectsBadCallbacks(t *testing.T) {
	var tokenRequests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tokenRequests++ }))
	defer srv.Close()
	o := newTestOAuth(t, srv, &fakeClock{now: time.Now()})
	a := Authorization{State: "the-state", Verifier: oauth2.GenerateVerifier()}
	tests := []struct {
		name     string
		callback url.Values
		want     error
	}{
		{"state mismatch", url.Values{"code": {"c"}, "state": {"other"}}, ErrState},
		{"state missing", url.Values{"code": {"c"}}, ErrState},
		{"denied", url.Values{"error": {"access_denied"}, "error_description": {"no"}, "state": {"the-state"}}, ErrForbidden},
		{"denied with a forged state", url.Values{"error": {"access_denied"}, "state": {"x"}}, ErrState},
		{"no code", url.Values{"state": {"the-state"}}, ErrBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := o.Finish(t.Context(), a, tt.callback)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if tokenRequests != 0 {
		t.Errorf("%d token requests for callbacks that should have been refused first", tokenRequests)
	}
}

func TestNewOAuthValidates(t *testing.T) {
	for _, cfg := range []OAuthConfig{
		{ClientID: "c", ClientSecret: "s"},
		{ClientID: "c", RedirectURL: "http://x/"},
		{APIURL: "api.23andme.com", ClientID: "c", ClientSecret: "s", RedirectURL: "http://x/"},
		{APIURL: "https://api.23andme.com/?x=1", ClientID: "c", ClientSecret: "s", RedirectURL: "http://x/"},
	} {
		if _, err := NewOAuth(cfg); err == nil {
			t.Errorf("NewOAuth(%+v) accepted", cfg)
		}
	}
}
