package web

import (
	"context"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
	"phenolink/internal/sessioncodec"
)

// Session keys. The store reads keyUserID (as a string) so that deleting a
// user ends every one of their sessions; the rest is opaque to it.
const (
	keyUserID       = sessioncodec.UserKey
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
	views, _ := store.(phenolink.SessionViewStore)
	sm.Store = sessionStore{SessionStore: store, views: views}
	sm.Codec = sessioncodec.Codec{}
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
// When the store can read a session with its user and profiles at once
// (views is not nil) and the request has a requestAccount to fill, it does,
// so the page does not ask for them again.
type sessionStore struct {
	phenolink.SessionStore
	views phenolink.SessionViewStore
}

// FindCtx implements scs.CtxStore.
func (s sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	acct := accountFrom(ctx)
	if s.views == nil || acct == nil {
		return s.SessionStore.FindCtx(ctx, token)
	}
	v, found, err := s.views.SessionView(ctx, token)
	if err != nil || !found {
		return nil, false, err
	}
	acct.user, acct.profiles, acct.researcher = v.User, v.Profiles, v.Researcher
	return v.Data, true, nil
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

// requestAccount holds the signed-in user and profiles read with the session
// row, for this one request. It lives in the request's context only, so it
// is never shared between requests or people, and it is emptied by any
// write to the account, so a handler that saves and reads back sees the
// saved data.
type requestAccount struct {
	user       *phenolink.User
	profiles   []phenolink.Profile
	researcher bool // user holds the researcher role
}

type requestAccountKey struct{}

// accountFrom returns the request's account holder, or nil.
func accountFrom(ctx context.Context) *requestAccount {
	a, _ := ctx.Value(requestAccountKey{}).(*requestAccount)
	return a
}

// withRequestAccount gives the request an empty account holder for the
// session store to fill; it wraps the session middleware.
func withRequestAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestAccountKey{}, &requestAccount{})))
	})
}

// sessionUsers answers User and Profiles from what the session read brought
// along, when it is the same account, and asks the store otherwise. Writes
// go to the store and forget what was read.
type sessionUsers struct {
	phenolink.UserStore
}

// User implements phenolink.UserStore.
func (s sessionUsers) User(ctx context.Context, id string) (phenolink.User, error) {
	if a := accountFrom(ctx); a != nil && a.user != nil && a.user.ID == id {
		return *a.user, nil
	}
	return s.UserStore.User(ctx, id)
}

// Profiles implements phenolink.UserStore. Each caller gets its own copy.
func (s sessionUsers) Profiles(ctx context.Context, userID string) ([]phenolink.Profile, error) {
	if a := accountFrom(ctx); a != nil && a.user != nil && a.user.ID == userID {
		return append([]phenolink.Profile{}, a.profiles...), nil
	}
	return s.UserStore.Profiles(ctx, userID)
}

// SaveUser implements phenolink.UserStore.
func (s sessionUsers) SaveUser(ctx context.Context, u phenolink.User, profiles []phenolink.Profile) error {
	forgetAccount(ctx)
	return s.UserStore.SaveUser(ctx, u, profiles)
}

// DeleteUser implements phenolink.UserStore.
func (s sessionUsers) DeleteUser(ctx context.Context, id string) error {
	forgetAccount(ctx)
	return s.UserStore.DeleteUser(ctx, id)
}

// forgetAccount empties the request's account holder.
func forgetAccount(ctx context.Context) {
	if a := accountFrom(ctx); a != nil {
		a.user, a.profiles, a.researcher = nil, nil, false
	}
}

// sessionResearcher reports whether userID holds the researcher role as
// this request's session read found it; known is false when the session
// read did not bring the account along (or brought another one).
func sessionResearcher(ctx context.Context, userID string) (researcher, known bool) {
	a := accountFrom(ctx)
	if a == nil || a.user == nil || a.user.ID != userID {
		return false, false
	}
	return a.researcher, true
}

// isResearcher reports whether the session's read found that the
// signed-in user holds the researcher role. It is for showing links only:
// research pages check the role themselves.
func isResearcher(ctx context.Context) bool {
	a := accountFrom(ctx)
	return a != nil && a.user != nil && a.researcher
}
