package web

import (
	"net/http"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// handleRefreshAccount reloads the account's names and profiles from
// 23andMe, for example after a new kit was genotyped. It uses the stored
// token, refreshing it when it expired.
func handleRefreshAccount(s Settings, pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore, a *api) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u := userFrom(ctx)
		fresh, profiles, err := a.accountOf(ctx, redirectURI(r, s), u.ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if fresh.ID != u.ID {
			pages.error(w, r, phenolink.Errorf(phenolink.EINTERNAL, "23andMe returned account %q for the token of %q", fresh.ID, u.ID))
			return
		}
		if err := users.SaveUser(ctx, fresh, profiles); err != nil {
			pages.error(w, r, err)
			return
		}
		sessions.Put(ctx, keyFlashMessage, "Your profiles are up to date with 23andMe.")
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}
