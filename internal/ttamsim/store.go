package ttamsim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"sync"
	"time"
)

// errWiderScope is the failure of a request for more scope than granted;
// it is checked before a code or refresh token is spent.
const errWiderScope = "The requested scope is invalid, unknown, or malformed."

// codeTTL is how long an authorization code can be exchanged.
const codeTTL = 10 * time.Minute

// grant is what a person approved: one client reading one account, every
// profile on it or just the one they picked, within scope.
type grant struct {
	clientID  string
	accountID string
	profileID string // "" means every profile on the account
	scope     scopeSet
}

type authCode struct {
	grant
	redirectURI string
	challenge   string
	method      string // "S256" or "plain"
	expires     time.Time
	used        bool
	family      string // every token descending from this code
}

type accessToken struct {
	grant
	family  string
	expires time.Time
}

type refreshToken struct {
	grant
	family  string
	rotated bool
}

// tokenStore keeps codes and tokens in memory: it is a simulator, and a
// restart signing everyone out is what a test wants anyway.
type tokenStore struct {
	mu      sync.Mutex
	codes   map[string]*authCode
	access  map[string]*accessToken
	refresh map[string]*refreshToken
	revoked map[string]bool // token families revoked after a code replay
}

func newTokenStore() *tokenStore {
	return &tokenStore{
		codes:   map[string]*authCode{},
		access:  map[string]*accessToken{},
		refresh: map[string]*refreshToken{},
		revoked: map[string]bool{},
	}
}

func (s *tokenStore) newCode(g grant, redirectURI, challenge, method string, now time.Time) string {
	code := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = &authCode{grant: g, redirectURI: redirectURI, challenge: challenge, method: method,
		expires: now.Add(codeTTL), family: code}
	return code
}

// redeemCode checks a code and marks it used. A second use revokes every
// token issued from the first (RFC 6749 section 10.5). It returns an OAuth
// error description on failure.
func (s *tokenStore) redeemCode(code, clientID, redirectURI, verifier string, narrow scopeSet, now time.Time) (grant, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	switch {
	case !ok:
		return grant{}, "", "The authorization code is unknown."
	case c.used:
		s.revoked[c.family] = true
		return grant{}, "", "The authorization code was already used; the tokens issued from it are revoked."
	case now.After(c.expires):
		delete(s.codes, code)
		return grant{}, "", "The authorization code has expired; ask the user to authorize again."
	case c.clientID != clientID:
		return grant{}, "", "The authorization code was issued to another client."
	case c.redirectURI != redirectURI:
		return grant{}, "", "The redirect_uri does not match the one used to authorize."
	case !pkceMatches(c.challenge, c.method, verifier):
		return grant{}, "", "The code_verifier does not match the code_challenge."
	case narrow != nil && !narrow.subsetOf(c.scope):
		return grant{}, "", errWiderScope
	}
	c.used = true
	return c.grant, c.family, ""
}

// pkceMatches checks a PKCE verifier (RFC 7636). A code issued without a
// challenge must be redeemed without a verifier.
func pkceMatches(challenge, method, verifier string) bool {
	if challenge == "" {
		return verifier == ""
	}
	if verifier == "" {
		return false
	}
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// issue stores a new access and refresh token pair for g.
func (s *tokenStore) issue(g grant, family string, expires time.Time) (access, refresh string) {
	access, refresh = rand.Text(), rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access[access] = &accessToken{grant: g, family: family, expires: expires}
	s.refresh[refresh] = &refreshToken{grant: g, family: family}
	return access, refresh
}

// rotate retires a refresh token and returns its grant, or an OAuth error
// description when it cannot be used.
func (s *tokenStore) rotate(token, clientID string, narrow scopeSet) (grant, string, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refresh[token]
	switch {
	case !ok:
		return grant{}, "", "The refresh token is unknown."
	case r.rotated:
		return grant{}, "", "The refresh token was already used; use the newest one."
	case s.revoked[r.family]:
		return grant{}, "", "The refresh token was revoked."
	case r.clientID != clientID:
		return grant{}, "", "The refresh token was issued to another client."
	case narrow != nil && !narrow.subsetOf(r.scope):
		return grant{}, "", errWiderScope
	}
	r.rotated = true
	return r.grant, r.family, ""
}

// lookup returns the grant behind a live access token.
func (s *tokenStore) lookup(token string, now time.Time) (grant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.access[token]
	if !ok || s.revoked[a.family] {
		return grant{}, false
	}
	if !now.Before(a.expires) {
		delete(s.access, token)
		return grant{}, false
	}
	return a.grant, true
}
