package web

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// Session keys. The store reads keyUserID (as a string) so that deleting a
// user ends every one of their sessions; the rest is opaque to it.
const (
	keyUserID       = "user_id"
	keyProfileID    = "profile_id"     // the profile the person is looking at
	keyOAuthState   = "oauth_state"    // the state sent to /authorize/
	keyOAuthVerify  = "oauth_verifier" // the PKCE verifier for that state
	keyReturnTo     = "return_to"      // the local path to go back to after sign-in
	keyPendingForm  = "pending_form"   // form values kept across a forced sign-in
	keyPendingPath  = "pending_path"   // the form's action, to restore it on the right page
	keyFlashMessage = "flash"          // a one-off notice for the next page
)

// sessionCookieName names the cookie after the app rather than the library
// so that it says whose it is in a browser's cookie list.
const sessionCookieName = "phenolink_session"

// newSessionManager configures server-side sessions: the cookie carries only
// a random token, HttpOnly and SameSite=Lax always, Secure in production.
func newSessionManager(store phenolink.SessionStore, s Settings) *scs.SessionManager {
	sm := scs.New()
	sm.Store = sessionStore{store}
	sm.Lifetime = s.SessionLifetime
	sm.Cookie.Name = sessionCookieName
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = s.Production
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = true
	return sm
}

// sessionStore adapts the domain's context-aware session store to the
// library, which also wants the context-free methods of its older API.
type sessionStore struct {
	phenolink.SessionStore
}

// Find implements scs.Store for callers without a context.
func (s sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store for callers without a context.
func (s sessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

// Delete implements scs.Store for callers without a context.
func (s sessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

var _ scs.CtxStore = sessionStore{}
