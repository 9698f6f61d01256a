package web

import (
	"context"
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

// api is what the web layer asks of 23andMe: the sign-in, the account
// behind a token and reference data. It keeps each user's token in the
// TokenStore and lets the client refresh it when it expires.
type api struct {
	settings Settings
	http     *http.Client
	tokens   phenolink.TokenStore
	ref      *ttam.Client     // reference endpoints, which need no token
	now      func() time.Time // the clock tokens expire by; tests move it

	// users serialises token use per user within this process: refresh
	// tokens rotate, so two requests refreshing from the same stored token
	// would leave one of them holding a dead one.
	mu    sync.Mutex
	users map[string]*userLock
}

func newAPI(s Settings, hc *http.Client, tokens phenolink.TokenStore) (*api, error) {
	ref, err := ttam.NewClient(ttam.ClientConfig{APIURL: s.APIURL, HTTPClient: hc})
	if err != nil {
		return nil, fmt.Errorf("web: 23andMe client: %w", err)
	}
	return &api{settings: s, http: hc, tokens: tokens, ref: ref, now: time.Now, users: make(map[string]*userLock)}, nil
}

// oauth returns the sign-in flow for a redirect URI. It is cheap to build,
// and building it per request lets a local server work on whatever address
// it was reached at.
func (a *api) oauth(redirectURI string) (*ttam.OAuth, error) {
	o, err := ttam.NewOAuth(ttam.OAuthConfig{
		APIURL:       a.settings.APIURL,
		ClientID:     a.settings.ClientID,
		ClientSecret: a.settings.ClientSecret,
		RedirectURL:  redirectURI,
		Scopes:       strings.Fields(a.settings.Scope),
		HTTPClient:   a.http,
		Now:          a.now,
	})
	if err != nil {
		return nil, fmt.Errorf("web: 23andMe sign-in: %w", err)
	}
	return o, nil
}

// logoutURL ends the 23andMe session and comes back to returnTo.
func (a *api) logoutURL(returnTo string) string {
	return strings.TrimRight(a.settings.APIURL, "/") + "/logout/?" + url.Values{"redirect_uri": {returnTo}}.Encode()
}

// accountWith reads the account and profiles a fresh token belongs to.
func (a *api) accountWith(ctx context.Context, t *oauth2.Token) (phenolink.User, []phenolink.Profile, error) {
	c, err := ttam.NewClient(ttam.ClientConfig{APIURL: a.settings.APIURL, HTTPClient: a.http, Tokens: ttam.StaticToken(t.AccessToken)})
	if err != nil {
		return phenolink.User{}, nil, fmt.Errorf("web: 23andMe client: %w", err)
	}
	return account(ctx, c)
}

// accountOf reads the account of a signed-in user with their stored token,
// refreshing it when it has expired.
func (a *api) accountOf(ctx context.Context, redirectURI, userID string) (phenolink.User, []phenolink.Profile, error) {
	c, err := a.clientFor(redirectURI, userID)
	if err != nil {
		return phenolink.User{}, nil, err
	}
	return account(ctx, c)
}

// clientFor returns a client that calls the API as the user.
func (a *api) clientFor(redirectURI, userID string) (*ttam.Client, error) {
	o, err := a.oauth(redirectURI)
	if err != nil {
		return nil, err
	}
	c, err := ttam.NewClient(ttam.ClientConfig{APIURL: a.settings.APIURL, HTTPClient: a.http, Tokens: &userTokens{api: a, oauth: o, userID: userID}})
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

// userLock is one user's token lock and how many requests hold or wait
// for it, so the entry can go when nobody does.
type userLock struct {
	sync.Mutex
	users int
}

// lockUser takes the token lock of a user and returns its release.
func (a *api) lockUser(userID string) (unlock func()) {
	a.mu.Lock()
	l, ok := a.users[userID]
	if !ok {
		l = new(userLock)
		a.users[userID] = l
	}
	l.users++
	a.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		a.mu.Lock()
		if l.users--; l.users == 0 {
			delete(a.users, userID)
		}
		a.mu.Unlock()
	}
}

// userTokens hands a user's stored token to the API client. Each call
// re-reads the store under the user's lock, so a token another request just
// rotated is used rather than refreshed again, and every refreshed token is
// saved before it is used.
type userTokens struct {
	api    *api
	oauth  *ttam.OAuth
	userID string
}

// Token returns a valid token, refreshing the stored one if it expired.
func (u *userTokens) Token(ctx context.Context) (*oauth2.Token, error) {
	return u.with(ctx, func(ts *ttam.TokenSource) (*oauth2.Token, error) { return ts.Token(ctx) })
}

// Refresh replaces a token the API refused.
func (u *userTokens) Refresh(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, error) {
	return u.with(ctx, func(ts *ttam.TokenSource) (*oauth2.Token, error) { return ts.Refresh(ctx, stale) })
}

func (u *userTokens) with(ctx context.Context, fn func(*ttam.TokenSource) (*oauth2.Token, error)) (*oauth2.Token, error) {
	defer u.api.lockUser(u.userID)()
	stored, err := u.api.tokens.Token(ctx, u.userID)
	if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
		return nil, errSignInRequired
	}
	if err != nil {
		return nil, fmt.Errorf("load token of %q: %w", u.userID, err)
	}
	save := ttam.TokenSaverFunc(func(ctx context.Context, t *oauth2.Token) error {
		next := fromOAuth(u.userID, t)
		if next.RefreshToken == "" {
			next.RefreshToken = stored.RefreshToken
		}
		if next.Scope == "" {
			next.Scope = stored.Scope
		}
		return u.api.tokens.SaveToken(ctx, next)
	})
	return fn(u.oauth.TokenSource(toOAuth(stored), save))
}

// fromOAuth converts the library's token to the domain's.
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

// toOAuth converts the domain's token to the library's.
func toOAuth(t phenolink.Token) *oauth2.Token {
	return &oauth2.Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: t.TokenType, Expiry: t.Expiry}
}
