package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"phenolink/internal/phenolink"
	"phenolink/internal/ttam"
)

// api is what the web layer asks of 23andMe: the OAuth endpoints, the
// account behind a token and reference data. It keeps each user's token in
// the TokenStore and refreshes it when it expires.
type api struct {
	baseURL string
	oauth   oauth2.Config
	http    *http.Client
	tokens  phenolink.TokenStore
	ref     *ttam.Client // reference endpoints, which need no token

	// refreshing serialises refreshes per user: refresh tokens rotate, so
	// two requests refreshing at once would leave one holding a dead token.
	mu         sync.Mutex
	refreshing map[string]*sync.Mutex
}

func newAPI(s Settings, hc *http.Client, tokens phenolink.TokenStore) (*api, error) {
	base := strings.TrimRight(s.APIURL, "/")
	ref, err := ttam.NewClient(ttam.ClientConfig{APIURL: base, HTTPClient: hc})
	if err != nil {
		return nil, fmt.Errorf("web: 23andMe client: %w", err)
	}
	return &api{
		baseURL: base,
		oauth: oauth2.Config{
			ClientID:     s.ClientID,
			ClientSecret: s.ClientSecret,
			Scopes:       strings.Fields(s.Scope),
			Endpoint: oauth2.Endpoint{
				AuthURL:  base + "/authorize/",
				TokenURL: base + "/token/",
				// The API reads client_id and client_secret from the form.
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		http:       hc,
		tokens:     tokens,
		ref:        ref,
		refreshing: make(map[string]*sync.Mutex),
	}, nil
}

// authCodeURL is the authorize page for a sign-in with state and the PKCE
// challenge of verifier.
func (a *api) authCodeURL(redirectURI, state, verifier string) string {
	c := a.oauth
	c.RedirectURL = redirectURI
	return c.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))
}

// logoutURL ends the 23andMe session and comes back to returnTo.
func (a *api) logoutURL(returnTo string) string {
	return a.baseURL + "/logout/?" + url.Values{"redirect_uri": {returnTo}}.Encode()
}

// exchange trades an authorization code for tokens. The token's UserID is
// not known yet; the caller fills it in from the account.
func (a *api) exchange(ctx context.Context, redirectURI, code, verifier string) (phenolink.Token, error) {
	c := a.oauth
	c.RedirectURL = redirectURI
	t, err := c.Exchange(a.clientContext(ctx), code, oauth2.VerifierOption(verifier),
		oauth2.SetAuthURLParam("scope", strings.Join(c.Scopes, " ")))
	if err != nil {
		return phenolink.Token{}, oauthError("exchange code", err)
	}
	return fromOAuth("", t), nil
}

// accountWith reads the account and profiles a fresh token belongs to.
func (a *api) accountWith(ctx context.Context, t phenolink.Token) (phenolink.User, []phenolink.Profile, error) {
	c, err := ttam.NewClient(ttam.ClientConfig{APIURL: a.baseURL, HTTPClient: a.http, Tokens: ttam.StaticToken(t.AccessToken)})
	if err != nil {
		return phenolink.User{}, nil, fmt.Errorf("web: 23andMe client: %w", err)
	}
	return account(ctx, c)
}

// accountOf reads the account of a signed-in user with their stored token,
// refreshing it first when it has expired.
func (a *api) accountOf(ctx context.Context, userID string) (phenolink.User, []phenolink.Profile, error) {
	c, err := a.clientFor(userID)
	if err != nil {
		return phenolink.User{}, nil, err
	}
	return account(ctx, c)
}

// clientFor returns a client that calls the API as the user.
func (a *api) clientFor(userID string) (*ttam.Client, error) {
	c, err := ttam.NewClient(ttam.ClientConfig{APIURL: a.baseURL, HTTPClient: a.http, Tokens: &userTokens{api: a, userID: userID}})
	if err != nil {
		return nil, fmt.Errorf("web: 23andMe client: %w", err)
	}
	return c, nil
}

// account converts the API's account into the domain's user and profiles.
func account(ctx context.Context, c *ttam.Client) (phenolink.User, []phenolink.Profile, error) {
	acc, err := c.Account(ctx)
	if err != nil {
		return phenolink.User{}, nil, err
	}
	u := phenolink.User{ID: acc.ID, FirstName: acc.FirstName, LastName: acc.LastName, Email: acc.Email}
	ps := make([]phenolink.Profile, 0, len(acc.Profiles))
	for _, p := range acc.Profiles {
		ps = append(ps, phenolink.Profile{ID: p.ID, UserID: acc.ID, FirstName: p.FirstName, LastName: p.LastName, IsGenotyped: p.IsGenotyped})
	}
	return u, ps, nil
}

// accession reads one reference accession; no token is needed.
func (a *api) accession(ctx context.Context, id string) (accession, error) {
	acc, err := a.ref.Accession(ctx, id)
	if err != nil {
		return accession{}, err
	}
	return accession{ID: acc.ID, Chromosome: acc.Chromosome, Length: acc.Length}, nil
}

// clientContext makes the oauth2 package use our HTTP client.
func (a *api) clientContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, a.http)
}

// userLock returns the refresh lock of a user.
func (a *api) userLock(userID string) *sync.Mutex {
	a.mu.Lock()
	defer a.mu.Unlock()
	m, ok := a.refreshing[userID]
	if !ok {
		m = new(sync.Mutex)
		a.refreshing[userID] = m
	}
	return m
}

// refresh returns a valid token for the user, refreshing the stored one
// when it has expired or is the stale one the API just refused, and saving
// the rotated pair before anyone uses it.
func (a *api) refresh(ctx context.Context, userID string, stale string) (*oauth2.Token, error) {
	m := a.userLock(userID)
	m.Lock()
	defer m.Unlock()
	t, err := a.tokens.Token(ctx, userID)
	if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
		return nil, errSignInRequired
	}
	if err != nil {
		return nil, err
	}
	cur := toOAuth(t)
	if cur.Valid() && t.AccessToken != stale {
		// Another request refreshed it while we waited, or it is fine.
		return cur, nil
	}
	if t.RefreshToken == "" {
		return nil, errSignInRequired
	}
	expired := &oauth2.Token{RefreshToken: t.RefreshToken, Expiry: time.Unix(1, 0)}
	next, err := a.oauth.TokenSource(a.clientContext(ctx), expired).Token()
	if err != nil {
		return nil, oauthError(fmt.Sprintf("refresh token of %q", userID), err)
	}
	nt := fromOAuth(userID, next)
	if nt.RefreshToken == "" {
		nt.RefreshToken = t.RefreshToken
	}
	if nt.Scope == "" {
		nt.Scope = t.Scope
	}
	if err := a.tokens.SaveToken(ctx, nt); err != nil {
		return nil, fmt.Errorf("save refreshed token of %q: %w", userID, err)
	}
	return toOAuth(nt), nil
}

// userTokens hands a user's stored token to the API client, refreshing it
// transparently.
type userTokens struct {
	api    *api
	userID string
}

// Token returns a valid token, refreshing the stored one if it expired.
func (u *userTokens) Token(ctx context.Context) (*oauth2.Token, error) {
	return u.api.refresh(ctx, u.userID, "")
}

// Refresh replaces a token the API refused.
func (u *userTokens) Refresh(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, error) {
	s := ""
	if stale != nil {
		s = stale.AccessToken
	}
	return u.api.refresh(ctx, u.userID, s)
}

// oauthError turns a token endpoint failure into a domain error: a refused
// code or refresh token means signing in again; anything else is an outage.
func oauthError(op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.ErrorCode == "invalid_grant" || re.Response.StatusCode == http.StatusUnauthorized {
			return fmt.Errorf("%s: %w: %w", op, errSignInRequired, err)
		}
		if re.Response.StatusCode >= 500 {
			return fmt.Errorf("%s: %w: %w", op, errAPIUnavailable, err)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, errAPIUnavailable, err)
}

// errAPIUnavailable is shown when 23andMe's token endpoint cannot be
// reached or fails.
var errAPIUnavailable = phenolink.Errorf(phenolink.EUNAVAILABLE, "Phenolink cannot reach 23andMe right now. Try again in a few minutes.")

func fromOAuth(userID string, t *oauth2.Token) phenolink.Token {
	scope, _ := t.Extra("scope").(string)
	return phenolink.Token{
		UserID:       userID,
		AccessToken:  t.AccessToken,
		RefreshToken: t.RefreshToken,
		TokenType:    t.TokenType,
		Scope:        scope,
		Expiry:       t.Expiry,
	}
}

func toOAuth(t phenolink.Token) *oauth2.Token {
	return &oauth2.Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: t.TokenType, Expiry: t.Expiry}
}
