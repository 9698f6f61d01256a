package ttamsim

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/oauth2"
)

// TestWithOAuth2Library runs the flow with golang.org/x/oauth2, the library
// the app's client uses, so the simulator's wire format is checked by an
// independent implementation.
func TestWithOAuth2Library(t *testing.T) {
	f := newFlow(t, Config{})
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		conf := &oauth2.Config{
			ClientID: DemoClient().ID, ClientSecret: DemoClient().Secret, RedirectURL: testRedirect,
			Scopes:   []string{"basic", "names", "genomes"},
			Endpoint: oauth2.Endpoint{AuthURL: f.srv.URL + "/authorize/", TokenURL: f.srv.URL + "/token/", AuthStyle: style},
		}
		verifier := oauth2.GenerateVerifier()
		authURL, _ := url.Parse(conf.AuthCodeURL("xyz", oauth2.S256ChallengeOption(verifier)))
		loc := f.approve(authURL.Query(), DemoAccountID, nil)
		if loc.Query().Get("state") != "xyz" {
			t.Fatalf("state %q", loc.Query().Get("state"))
		}
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, f.srv.Client())
		tok, err := conf.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			t.Fatalf("style %d: exchange: %v", style, err)
		}
		if tok.Extra("scope") != "basic names genomes" || tok.Expiry.IsZero() {
			t.Errorf("token scope %v, expiry %v", tok.Extra("scope"), tok.Expiry)
		}
		resp, err := conf.Client(ctx, tok).Get(f.srv.URL + "/1/user/")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("API with the library's client: %d", resp.StatusCode)
		}
		// The library refreshes through the same endpoint.
		tok.AccessToken = ""
		fresh, err := conf.TokenSource(ctx, tok).Token()
		if err != nil || fresh.RefreshToken == tok.RefreshToken {
			t.Errorf("refresh: %v, rotated %v", err, fresh != nil && fresh.RefreshToken != tok.RefreshToken)
		}
		_, err = conf.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
			t.Errorf("replayed code: %v", err)
		}
	}
}
