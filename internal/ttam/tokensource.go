package ttam

import (
	"context"
	"fmt"

	"golang.org/x/oauth2"
)

// TokenSaver persists a user's token. A TokenSource calls it with every
// token it obtains, so the rotated refresh token (the old one stops working
// at once) is stored before the new access token is used.
type TokenSaver interface {
	SaveToken(ctx context.Context, t *oauth2.Token) error
}

// TokenSaverFunc adapts a function to TokenSaver.
type TokenSaverFunc func(ctx context.Context, t *oauth2.Token) error

// SaveToken calls f.
func (f TokenSaverFunc) SaveToken(ctx context.Context, t *oauth2.Token) error { return f(ctx, t) }

// TokenSource hands out one user's access token, refreshing it through the
// oauth2 library when it expires or the API answers 401, and saving every
// new token. It is safe for concurrent use: callers that find the token
// expired together cause one refresh, not one each, which matters because a
// second refresh with the same (now rotated) refresh token would fail.
type TokenSource struct {
	o     *OAuth
	saver TokenSaver
	sem   chan struct{} // holds the token; a channel so waiting honours ctx
	tok   *oauth2.Token
}

// TokenSource returns a source starting from tok (as stored), which calls
// saver with each refreshed token. saver may be nil when nothing persists.
func (o *OAuth) TokenSource(tok *oauth2.Token, saver TokenSaver) *TokenSource {
	s := &TokenSource{o: o, saver: saver, sem: make(chan struct{}, 1)}
	if tok != nil {
		c := *tok
		s.tok = &c
	}
	return s
}

// lock takes the source's lock or gives up when ctx ends.
func (s *TokenSource) lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("ttam.TokenSource: waiting for a refresh: %w", ctx.Err())
	}
}

func (s *TokenSource) unlock() { <-s.sem }

// Token returns a token valid now, refreshing it first if it has expired
// (or is about to).
func (s *TokenSource) Token(ctx context.Context) (*oauth2.Token, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.unlock()
	if s.o.valid(s.tok) {
		return copyToken(s.tok), nil
	}
	return s.refreshLocked(ctx)
}

// Refresh returns a token newer than stale, which the API has just refused:
// if another caller already refreshed it returns that token, otherwise it
// refreshes now even though stale has not expired by the clock.
func (s *TokenSource) Refresh(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.unlock()
	if stale != nil && s.tok != nil && s.tok.AccessToken != stale.AccessToken && s.o.valid(s.tok) {
		return copyToken(s.tok), nil
	}
	return s.refreshLocked(ctx)
}

// refreshLocked runs the refresh grant and saves the new token. It keeps the
// new token even when saving fails (the old refresh token is already dead),
// but reports the failure so the caller knows the store is behind.
func (s *TokenSource) refreshLocked(ctx context.Context) (*oauth2.Token, error) {
	const op = "ttam.TokenSource.Refresh"
	if s.tok == nil || s.tok.RefreshToken == "" {
		return nil, &APIError{Op: op, Kind: KindUnauthenticated, Description: "the token expired and there is no refresh token"}
	}
	hctx := context.WithValue(ctx, oauth2.HTTPClient, s.o.http)
	// An empty access token makes the library refresh at once; it keeps
	// the old refresh token only if the server returns none.
	tok, err := s.o.conf.TokenSource(hctx, &oauth2.Token{RefreshToken: s.tok.RefreshToken}).Token()
	if err != nil {
		return nil, tokenError(op, err)
	}
	s.tok = s.o.stamp(tok)
	if s.saver != nil {
		if err := s.saver.SaveToken(ctx, copyToken(tok)); err != nil {
			return nil, fmt.Errorf("%s: saving the rotated token: %w", op, err)
		}
	}
	return copyToken(tok), nil
}

// copyToken returns a copy so that callers cannot change the cached token.
func copyToken(t *oauth2.Token) *oauth2.Token {
	c := *t
	return &c
}
