package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

type (
	sessionKey struct{}
	userKey    struct{}
)

// hasSession reports whether the request went through withSession, so that
// code shared with session-less routes knows whether it may touch one.
func hasSession(ctx context.Context) bool {
	return ctx.Value(sessionKey{}) != nil
}

// userFrom returns the signed-in user, or nil.
func userFrom(ctx context.Context) *phenolink.User {
	u, _ := ctx.Value(userKey{}).(*phenolink.User)
	return u
}

// withSession loads the session and, when someone is signed in, their user
// record. Only page routes use it, so that status, metrics and static files
// never touch the session store.
func withSession(sessions *scs.SessionManager, users phenolink.UserStore, pages *renderer, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := context.WithValue(r.Context(), sessionKey{}, true)
			if id := sessions.GetString(ctx, keyUserID); id != "" {
				u, err := users.User(ctx, id)
				switch {
				case phenolink.ErrorCode(err) == phenolink.ENOTFOUND:
					// The account was deleted while this session lived on.
					log.InfoContext(ctx, "session of a deleted user", "request_id", requestIDFrom(ctx))
					sessions.Remove(ctx, keyUserID)
				case err != nil:
					pages.error(w, r.WithContext(ctx), err)
					return
				default:
					ctx = context.WithValue(ctx, userKey{}, &u)
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		}))
	}
}

// errSignInRequired is what a signed-out person gets from a page that needs
// an account.
var errSignInRequired = phenolink.Errorf(phenolink.EUNAUTHORIZED, "Sign in with 23andMe to continue.")

// requireUser lets only signed-in people through; others are sent to sign
// in and brought back afterwards.
func requireUser(pages *renderer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if userFrom(r.Context()) == nil {
				pages.error(w, r, errSignInRequired)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// signInAgain sends the person to sign in and back to where they were. For
// a form post it keeps the submitted values in the session, so the page can
// offer them again instead of losing the person's work.
func (rn *renderer) signInAgain(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	back := r.URL.RequestURI()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		back = "/"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			if p, ok := safeReturnPath(ref.RequestURI()); ok {
				back = p
			}
		}
		if err := r.ParseForm(); err == nil {
			// Only small forms are kept, so a session row stays small.
			if enc := r.PostForm.Encode(); len(enc) <= maxPendingForm {
				rn.sessions.Put(ctx, keyPendingForm, enc)
				rn.sessions.Put(ctx, keyPendingPath, pathOnly(back))
			}
		}
	}
	if _, ok := safeReturnPath(back); !ok {
		back = "/"
	}
	http.Redirect(w, r, "/login/?next="+url.QueryEscape(back), http.StatusSeeOther)
}

// maxPendingForm bounds the form values kept across a sign-in.
const maxPendingForm = 8 << 10

// restoredForm returns form values kept by signInAgain, once, when the
// person is back on the page they submitted them from.
func (rn *renderer) restoredForm(r *http.Request) url.Values {
	ctx := r.Context()
	if !hasSession(ctx) || userFrom(ctx) == nil || rn.sessions.GetString(ctx, keyPendingPath) != r.URL.Path {
		return nil
	}
	rn.sessions.Remove(ctx, keyPendingPath)
	v, err := url.ParseQuery(rn.sessions.PopString(ctx, keyPendingForm))
	if err != nil {
		return nil
	}
	return v
}

// pathOnly strips the query from a local path.
func pathOnly(p string) string {
	if u, err := url.Parse(p); err == nil {
		return u.Path
	}
	return "/"
}
