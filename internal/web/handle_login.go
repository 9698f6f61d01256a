package web

import (
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"
)

// handleLogin starts the 23andMe sign-in: it remembers where the person
// wants to go back to, a fresh state and a PKCE verifier, and sends them to
// the API's authorize page.
func handleLogin(s Settings, pages *renderer, sessions *scs.SessionManager, a *api) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		back, ok := safeReturnPath(r.URL.Query().Get("next"))
		if !ok {
			back = "/"
		}
		o, err := a.oauth(redirectURI(r, s))
		if err != nil {
			pages.error(w, r, err)
			return
		}
		auth := o.Start()
		sessions.Put(ctx, keyReturnTo, back)
		sessions.Put(ctx, keyOAuthState, auth.State)
		sessions.Put(ctx, keyOAuthVerify, auth.Verifier)
		http.Redirect(w, r, auth.URL, http.StatusFound)
	})
}

// redirectURI is where the API sends the person back with a code.
func redirectURI(r *http.Request, s Settings) string {
	return publicBase(r, s) + "/receive_code/"
}

// publicBase is the app's own absolute base URL. The configured one wins;
// otherwise it comes from the request, which the production host check has
// already vetted.
func publicBase(r *http.Request, s Settings) string {
	if s.BaseURL != "" {
		return strings.TrimRight(s.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || (s.Production && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
