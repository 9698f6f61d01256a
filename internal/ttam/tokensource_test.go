package ttam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// rotatingTokenServer is a token endpoint that rotates refresh tokens and
// refuses any refresh token it has already replaced.
type rotatingTokenServer struct {
	mu       sync.Mutex
	live     string // the one refresh token that works
	n        int
	forms    []map[string]string
	failNext bool
}

func (s *rotatingTokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	form := map[string]string{}
	for k := range r.PostForm {
		form[k] = r.PostForm.Get(k)
	}
	s.forms = append(s.forms, form)
	w.Header().Set("Content-Type", "application/json")
	if form["grant_type"] != "refresh_token" || form["refresh_token"] != s.live || form["client_secret"] != "secret" {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"The refresh token is invalid."}`)
		return
	}
	s.n++
	s.live = fmt.Sprintf("refresh-%d", s.n)
	json.NewEncoder(w).Encode(map[string]any{
		"access_token": fmt.Sprintf("access-%d", s.n), "token_type": "bearer",
		"expires_in": 86400, "refresh_token": s.live, "scope": "basic names email",
	})
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// savedTokens records every token a TokenSource saves.
type savedTokens struct {
	mu     sync.Mutex
	tokens []*oauth2.Token
}

func (s *savedTokens) SaveToken(_ context.Context, t *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = append(s.tokens, t)
	return nil
}

func newTestOAuth(t *testing.T, srv *httptest.Server, clock *fakeClock) *OAuth {
	t.Helper()
	o, err := NewOAuth(OAuthConfig{
		APIURL: srv.URL, ClientID: "client", ClientSecret: "secret",
		RedirectURL: "http://127.0.0.1/receive_code/", HTTPClient: srv.Client(), Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestTokenSourceRotatesAndSaves(t *testing.T) {
	ts := &rotatingTokenServer{live: "refresh-0"}
	mux := http.NewServeMux()
	mux.Handle("POST /token/", ts)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	o := newTestOAuth(t, srv, clock)
	saved := &savedTokens{}
	src := o.TokenSource(&oauth2.Token{AccessToken: "access-0", RefreshToken: "refresh-0", Expiry: clock.Now().Add(time.Hour)}, saved)

	tok, err := src.Token(t.Context())
	if err != nil || tok.AccessToken != "access-0" {
		t.Fatalf("fresh token: %v, %v", tok, err)
	}
	clock.Advance(time.Hour - 10*time.Second) // inside the early-expiry margin
	tok, err = src.Token(t.Context())
	if err != nil || tok.AccessToken != "access-1" || tok.RefreshToken != "refresh-1" {
		t.Fatalf("after expiry: %+v, %v", tok, err)
	}
	if want := clock.Now().Add(86400 * time.Second); !tok.Expiry.Equal(want) {
		t.Errorf("Expiry = %v, want %v from expires_in on the injected clock", tok.Expiry, want)
	}
	if len(saved.tokens) != 1 || saved.tokens[0].RefreshToken != "refresh-1" {
		t.Fatalf("saved %v, want the rotated refresh token once", saved.tokens)
	}
	form := ts.forms[0]
	for k, want := range map[string]string{"grant_type": "refresh_token", "refresh_token": "refresh-0", "client_id": "client",
		"client_secret": "secret", "redirect_uri": "http://127.0.0.1/receive_code/", "scope": "basic names email"} {
		if form[k] != want {
			t.Errorf("refresh form %s = %q, want %q", k, form[k], want)
		}
	}

	// A 401 on a token that is valid by the clock refreshes anyway; a stale
	// token someone else already replaced does not refresh again.
	tok2, err := src.Refresh(t.Context(), tok)
	if err != nil || tok2.AccessToken != "access-2" || len(saved.tokens) != 2 {
		t.Fatalf("Refresh after 401: %+v, %v, %d saved", tok2, err, len(saved.tokens))
	}
	tok3, err := src.Refresh(t.Context(), tok)
	if err != nil || tok3.AccessToken != "access-2" || len(saved.tokens) != 2 {
		t.Errorf("Refresh with an already replaced token: %+v, %v, %d saved", tok3, err, len(saved.tokens))
	}

	// The first refresh token was rotated away: a second source still
	// holding it fails clearly and asks for a new sign-in.
	old := o.TokenSource(&oauth2.Token{RefreshToken: "refresh-0"}, saved)
	_, err = old.Token(t.Context())
	if !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("reused refresh token: err = %v, want ErrUnauthenticated", err)
	}
	if apiErr, ok := errors.AsType[*APIError](err); !ok || apiErr.Code != "invalid_grant" {
		t.Errorf("reused refresh token: %#v", err)
	}
}

func TestTokenSourceConcurrentExpiryRefreshesOnce(t *testing.T) {
	ts := &rotatingTokenServer{live: "refresh-0"}
	srv := httptest.NewServer(ts)
	defer srv.Close()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	o := newTestOAuth(t, srv, clock)
	saved := &savedTokens{}
	src := o.TokenSource(&oauth2.Token{AccessToken: "access-0", RefreshToken: "refresh-0", Expiry: clock.Now().Add(-time.Second)}, saved)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			tok, err := src.Token(t.Context())
			if err == nil && tok.AccessToken != "access-1" {
				err = fmt.Errorf("got %q", tok.AccessToken)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if len(ts.forms) != 1 || len(saved.tokens) != 1 {
		t.Errorf("%d refreshes and %d saves, want 1 each", len(ts.forms), len(saved.tokens))
	}
}

func TestTokenSourceWithoutRefreshToken(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	clock := &fakeClock{now: time.Now()}
	src := newTestOAuth(t, srv, clock).TokenSource(&oauth2.Token{AccessToken: "a", Expiry: clock.Now().Add(-time.Minute)}, nil)
	if _, err := src.Token(t.Context()); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("err = %v, want ErrUnauthenticated", err)
	}
}

func TestTokenSourceSaveFailure(t *testing.T) {
	ts := &rotatingTokenServer{live: "refresh-0"}
	srv := httptest.NewServer(ts)
	defer srv.Close()
	clock := &fakeClock{now: time.Now()}
	saveErr := errors.New("database down")
	src := newTestOAuth(t, srv, clock).TokenSource(&oauth2.Token{RefreshToken: "refresh-0"},
		TokenSaverFunc(func(context.Context, *oauth2.Token) error { return saveErr }))
	if _, err := src.Token(t.Context()); !errors.Is(err, saveErr) {
		t.Fatalf("err = %v, want the save error", err)
	}
	// The rotated token is kept, so the next call works without a refresh
	// that would fail with the dead refresh token.
	tok, err := src.Token(t.Context())
	if err != nil || tok.AccessToken != "access-1" || len(ts.forms) != 1 {
		t.Errorf("after a failed save: %+v, %v, %d refreshes", tok, err, len(ts.forms))
	}
}
