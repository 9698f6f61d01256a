package importer

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/oauth2"

	"phenolink/internal/phenolink"
	"phenolink/internal/ttam"
)

// errSignInAgain is what a sync shows when the stored sign-in cannot be
// used: no retry fixes it, only the person signing in again.
func errSignInAgain() *phenolink.Error {
	return phenolink.Errorf(phenolink.EFORBIDDEN,
		"Your 23andMe sign-in has expired or was revoked. Sign in with 23andMe again, then sync your genome.")
}

// storedTokens hands a user's stored token to the API client. Every call
// re-reads the store under the user's lock, so a token another job or
// request just rotated is used rather than refreshed again (the old
// refresh token stops working at once), and every refreshed token is saved
// before it is used.
type storedTokens struct {
	im     *Importer
	oauth  *ttam.OAuth
	userID string
}

// Token returns a valid token, refreshing the stored one if it expired.
func (s *storedTokens) Token(ctx context.Context) (*oauth2.Token, error) {
	return s.with(ctx, func(ts *ttam.TokenSource) (*oauth2.Token, error) { return ts.Token(ctx) })
}

// Refresh replaces a token the API refused.
func (s *storedTokens) Refresh(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, error) {
	return s.with(ctx, func(ts *ttam.TokenSource) (*oauth2.Token, error) { return ts.Refresh(ctx, stale) })
}

func (s *storedTokens) with(ctx context.Context, fn func(*ttam.TokenSource) (*oauth2.Token, error)) (*oauth2.Token, error) {
	defer s.im.users.lock(s.userID)()
	stored, err := s.im.d.Tokens.Token(ctx, s.userID)
	if err != nil {
		return nil, tokenError(s.userID, err)
	}
	tok, err := fn(s.source(stored))
	if !errors.Is(err, ttam.ErrUnauthenticated) {
		return tok, err
	}
	// The web process may have rotated the refresh token while this one
	// was refreshing with the old one; if the store now holds a newer
	// token, that one is good and the job need not fail.
	again, rerr := s.im.d.Tokens.Token(ctx, s.userID)
	if rerr != nil || again.RefreshToken == stored.RefreshToken {
		return nil, err
	}
	return fn(s.source(again))
}

// source returns a token source starting from stored that saves every
// token it obtains in its place.
func (s *storedTokens) source(stored phenolink.Token) *ttam.TokenSource {
	save := ttam.TokenSaverFunc(func(ctx context.Context, t *oauth2.Token) error {
		next := phenolink.Token{UserID: s.userID, AccessToken: t.AccessToken, RefreshToken: t.RefreshToken,
			TokenType: t.TokenType, Expiry: t.Expiry}
		next.Scope, _ = t.Extra("scope").(string)
		if next.RefreshToken == "" {
			next.RefreshToken = stored.RefreshToken
		}
		if next.Scope == "" {
			next.Scope = stored.Scope
		}
		return s.im.d.Tokens.SaveToken(ctx, next)
	})
	tok := &oauth2.Token{AccessToken: stored.AccessToken, RefreshToken: stored.RefreshToken,
		TokenType: stored.TokenType, Expiry: stored.Expiry}
	return s.oauth.TokenSource(tok, save)
}

// tokenError turns a failure to load the stored token into what the job
// shows: a missing token, or one sealed under a secret no longer
// configured, needs a new sign-in; anything else (the database) may pass.
func tokenError(userID string, err error) error {
	switch phenolink.ErrorCode(err) {
	case phenolink.ENOTFOUND, phenolink.EUNAUTHORIZED:
		return fmt.Errorf("load token of %q: %w: %w", userID, errSignInAgain(), err)
	}
	return fmt.Errorf("load token of %q: %w", userID, err)
}

// userLocks serialises token use per user within this process.
type userLocks struct {
	mu    sync.Mutex
	users map[string]*userLock
}

// userLock is one user's lock and how many callers hold or wait for it,
// so the entry can go when nobody does.
type userLock struct {
	sync.Mutex
	waiters int
}

// lock takes the user's lock and returns its release.
func (u *userLocks) lock(userID string) (unlock func()) {
	u.mu.Lock()
	if u.users == nil {
		u.users = make(map[string]*userLock)
	}
	l, ok := u.users[userID]
	if !ok {
		l = new(userLock)
		u.users[userID] = l
	}
	l.waiters++
	u.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		u.mu.Lock()
		if l.waiters--; l.waiters == 0 {
			delete(u.users, userID)
		}
		u.mu.Unlock()
	}
}
