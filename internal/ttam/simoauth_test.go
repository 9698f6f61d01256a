package ttam

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"phenolink/internal/phenolink"
	"phenolink/internal/ttamsim"
)

// signIn approves a sign-in on the simulator and returns the callback's
// query with the Authorization it belongs to.
func (e *simEnv) signIn(t *testing.T, o *OAuth) (Authorization, url.Values) {
	t.Helper()
	a := o.Start()
	q, status := e.authorize(t, browser(t), a.URL, "", "approve")
	if q == nil {
		t.Fatalf("approve did not reach the callback (status %d)", status)
	}
	return a, q
}

func TestSimOAuthApprove(t *testing.T) {
	e := newSimEnv(t, 1000, ttamsim.Faults{})
	o := e.oauth(t, "", "")
	a, q := e.signIn(t, o)
	if q.Get("state") != a.State || q.Get("code") == "" {
		t.Fatalf("callback %v for state %q", q, a.State)
	}
	tok, err := o.Finish(t.Context(), a, q)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Type() != "Bearer" {
		t.Errorf("token %+v", tok)
	}
	if want := e.clock.Now().Add(24 * time.Hour); !tok.Expiry.Equal(want) {
		t.Errorf("Expiry = %v, want %v (expires_in on the injected clock)", tok.Expiry, want)
	}
	if got, _ := tok.Extra("scope").(string); got != "basic names email" {
		t.Errorf("scope = %q", got)
	}
	c, err := NewClient(ClientConfig{APIURL: e.api.URL, HTTPClient: e.api.Client(), Tokens: o.TokenSource(tok, nil)})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := c.Account(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if acct.ID == "" || len(acct.Profiles) == 0 || acct.Profiles[0].ID == "" {
		t.Fatalf("account %+v", acct)
	}

	// The token lacks the genomes scope: the genome is forbidden, and the
	// web layer gets a message saying what to do.
	key, err := c.GenomeKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Genome(t.Context(), acct.Profiles[0].ID, key)
	if !errors.Is(err, ErrForbidden) || phenolink.ErrorCode(err) != phenolink.EFORBIDDEN {
		t.Errorf("genome without the genomes scope: err = %v, want ErrForbidden", err)
	}
}

func TestSimOAuthFailures(t *testing.T) {
	e := newSimEnv(t, 1000, ttamsim.Faults{})
	o := e.oauth(t, "", "")

	t.Run("deny", func(t *testing.T) {
		a := o.Start()
		q, status := e.authorize(t, browser(t), a.URL, "", "deny")
		if q == nil {
			t.Fatalf("deny did not reach the callback (status %d)", status)
		}
		if q.Get("error") != "access_denied" || q.Get("state") != a.State || q.Has("code") {
			t.Errorf("callback %v", q)
		}
		_, err := o.Finish(t.Context(), a, q)
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("err = %v, want ErrForbidden", err)
		}
	})
	t.Run("state mismatch", func(t *testing.T) {
		a, q := e.signIn(t, o)
		other := o.Start()
		other.Verifier = a.Verifier
		if _, err := o.Finish(t.Context(), other, q); !errors.Is(err, ErrState) {
			t.Errorf("err = %v, want ErrState", err)
		}
	})
	t.Run("code replay", func(t *testing.T) {
		a, q := e.signIn(t, o)
		if _, err := o.Finish(t.Context(), a, q); err != nil {
			t.Fatal(err)
		}
		_, err := o.Finish(t.Context(), a, q)
		if !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("err = %v, want ErrUnauthenticated", err)
		}
		if apiErr, ok := errors.AsType[*APIError](err); !ok || apiErr.Code != "invalid_grant" {
			t.Errorf("replayed code: %v", err)
		}
	})
	t.Run("unregistered redirect_uri", func(t *testing.T) {
		bad := e.oauth(t, "", e.callback.URL+"/unregistered/")
		q, status := e.authorize(t, browser(t), bad.Start().URL, "", "approve")
		if q != nil || status < 400 {
			t.Errorf("authorize with an unregistered redirect_uri: callback %v, status %d", q, status)
		}
	})
	t.Run("exchange with another redirect_uri", func(t *testing.T) {
		a, q := e.signIn(t, o)
		other := e.oauth(t, "", e.callback.URL+"/other/")
		_, err := other.Finish(t.Context(), a, q)
		if !errors.Is(err, ErrUnauthenticated) && !errors.Is(err, ErrBadRequest) {
			t.Errorf("err = %v, want the grant refused", err)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		a, q := e.signIn(t, o)
		_, err := e.oauth(t, "wrong-secret", "").Finish(t.Context(), a, q)
		if !errors.Is(err, ErrClient) {
			t.Errorf("err = %v, want ErrClient", err)
		}
		if strings.Contains(err.Error(), "wrong-secret") || strings.Contains(err.Error(), q.Get("code")) {
			t.Errorf("error %q leaks the secret or the code", err)
		}
	})
	t.Run("PKCE mismatch", func(t *testing.T) {
		a, q := e.signIn(t, o)
		a.Verifier = oauth2.GenerateVerifier()
		if _, err := o.Finish(t.Context(), a, q); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("err = %v, want ErrUnauthenticated (invalid_grant)", err)
		}
	})
}

func TestSimRefreshRotation(t *testing.T) {
	e := newSimEnv(t, 1000, ttamsim.Faults{})
	o := e.oauth(t, "", "")
	a, q := e.signIn(t, o)
	first, err := o.Finish(t.Context(), a, q)
	if err != nil {
		t.Fatal(err)
	}
	saved := &savedTokens{}
	src := o.TokenSource(first, saved)
	c, err := NewClient(ClientConfig{APIURL: e.api.URL, HTTPClient: e.api.Client(), Tokens: src})
	if err != nil {
		t.Fatal(err)
	}

	// Past expires_in by both clocks: the source refreshes before asking.
	e.clock.Advance(25 * time.Hour)
	if _, err := c.Account(t.Context()); err != nil {
		t.Fatalf("Account after expiry: %v", err)
	}
	if len(saved.tokens) != 1 || saved.tokens[0].RefreshToken == first.RefreshToken || saved.tokens[0].AccessToken == first.AccessToken {
		t.Fatalf("saved %+v, want one rotated token", saved.tokens)
	}

	// The old refresh token stopped working when it rotated.
	_, err = o.TokenSource(&oauth2.Token{RefreshToken: first.RefreshToken}, nil).Token(t.Context())
	if !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("reused refresh token: err = %v, want ErrUnauthenticated", err)
	}
	if phenolinkMessage := err.Error(); strings.Contains(phenolinkMessage, first.RefreshToken) {
		t.Errorf("error %q leaks the refresh token", phenolinkMessage)
	}
}

func TestSimExpiredTokenRefreshesOn401(t *testing.T) {
	// The simulator expires tokens sooner than the expires_in it reports,
	// so only the 401 tells the client.
	e := newSimEnv(t, 1000, ttamsim.Faults{TokenExpiry: time.Minute})
	o := e.oauth(t, "", "")
	a, q := e.signIn(t, o)
	tok, err := o.Finish(t.Context(), a, q)
	if err != nil {
		t.Fatal(err)
	}
	saved := &savedTokens{}
	var requests int
	hc := *e.api.Client()
	hc.Transport = countingTransport{base: hc.Transport, n: &requests}
	c, err := NewClient(ClientConfig{APIURL: e.api.URL, HTTPClient: &hc, Tokens: o.TokenSource(tok, saved)})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	if _, err := c.Account(t.Context()); err != nil {
		t.Fatalf("Account with an access token the server expired: %v", err)
	}
	if len(saved.tokens) != 1 || requests != 2 {
		t.Errorf("%d saves and %d API requests, want 1 refresh and 2 requests", len(saved.tokens), requests)
	}
}

// countingTransport counts the requests that pass through it.
type countingTransport struct {
	base http.RoundTripper
	n    *int
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	*c.n++
	return c.base.RoundTrip(r)
}
