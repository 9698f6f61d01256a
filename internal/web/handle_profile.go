package web

import (
	"net/http"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// handleSwitchProfile makes another of the account's profiles the current
// one. The choice lives in the session, so each browser can look at a
// different profile.
func handleSwitchProfile(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u := userFrom(ctx)
		id := r.PostFormValue("profile_id")
		profiles, err := users.Profiles(ctx, u.ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if !hasProfile(profiles, id) {
			pages.error(w, r, phenolink.Errorf(phenolink.EINVALID, "Choose one of the profiles on your account."))
			return
		}
		sessions.Put(ctx, keyProfileID, id)
		sessions.Put(ctx, keyFlashMessage, "Now showing "+currentProfile(profiles, id).Name()+".")
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}
