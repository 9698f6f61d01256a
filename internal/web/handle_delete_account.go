package web

import (
	"fmt"
	"net/http"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// handleDeleteAccount deletes everything Phenolink keeps about the signed-in
// person (account, profiles, tokens, every session and whatever later
// features added) in one step, then shows the start page.
func handleDeleteAccount(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u := userFrom(ctx)
		if err := users.DeleteUser(ctx, u.ID); err != nil {
			pages.error(w, r, err)
			return
		}
		// The store already ended this session with the others; destroying
		// it here also drops the cookie's data from this request.
		if err := sessions.Destroy(ctx); err != nil {
			pages.error(w, r, fmt.Errorf("destroy session: %w", err))
			return
		}
		sessions.Put(ctx, keyFlashMessage, "Everything Phenolink kept about you has been deleted.")
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}
