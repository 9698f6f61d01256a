package web

import (
	"fmt"
	"net/http"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// handleLogout signs the person out here and at 23andMe: it forgets their
// tokens, destroys the session and sends the browser through the API's
// logout. The API returns browsers only to a registered redirect URI, so the
// way back is /receive_code/, which sends a bare visit to the start page.
func handleLogout(s Settings, pages *renderer, sessions *scs.SessionManager, tokens phenolink.TokenStore, a *api) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if u := userFrom(ctx); u != nil {
			if err := tokens.DeleteToken(ctx, u.ID); err != nil {
				pages.error(w, r, err)
				return
			}
		}
		if err := sessions.Destroy(ctx); err != nil {
			pages.error(w, r, fmt.Errorf("destroy session: %w", err))
			return
		}
		http.Redirect(w, r, a.logoutURL(redirectURI(r, s)), http.StatusSeeOther)
	})
}

// handleLogoutConfirm answers a visit to /logout/ (a typed address or an
// old bookmark) with a button, because signing out changes state and so
// happens only on POST.
func handleLogoutConfirm(pages *renderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages.page(w, r, http.StatusOK, "logout", nil)
	})
}
