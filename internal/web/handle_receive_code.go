package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
	"phenolink/internal/ttam"
)

// signInFailedPage explains why signing in did not work and offers to try
// again.
type signInFailedPage struct {
	Heading string
	Message string
	Retry   string // the /login/ URL that returns to the same place
}

// handleReceiveCode finishes the sign-in: it checks the state, exchanges the
// code for tokens, records the account and its profiles, stores the tokens,
// gives the session a new id and returns the person to where they started.
func handleReceiveCode(log *slog.Logger, s Settings, pages *renderer, sessions *scs.SessionManager,
	users phenolink.UserStore, tokens phenolink.TokenStore, a *api) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		q := r.URL.Query()
		if len(q) == 0 {
			// The API's logout returns here, the only address it trusts
			// for this app, with nothing to finish.
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		want := sessions.PopString(ctx, keyOAuthState)
		verifier := sessions.PopString(ctx, keyOAuthVerify)
		back, ok := safeReturnPath(sessions.GetString(ctx, keyReturnTo))
		if !ok {
			back = "/"
		}
		failed := func(status int, heading, message string) {
			pages.page(w, r, status, "signin_failed", signInFailedPage{
				Heading: heading, Message: message, Retry: loginURL(back),
			})
		}

		o, err := a.oauth(redirectURI(r, s))
		if err != nil {
			pages.error(w, r, err)
			return
		}
		tok, err := o.Finish(ctx, ttam.Authorization{State: want, Verifier: verifier}, q)
		switch {
		case errors.Is(err, ttam.ErrState):
			failed(http.StatusBadRequest, "This sign-in link has expired",
				"The sign-in did not start here, was already used, or took too long. Start again from Phenolink.")
			return
		case q.Get("error") == "access_denied":
			log.InfoContext(ctx, "sign-in refused", "request_id", requestIDFrom(ctx))
			failed(http.StatusForbidden, "You did not allow access",
				"Phenolink needs your permission to read your 23andMe profiles. Nothing was shared. You can try again whenever you like.")
			return
		case q.Get("error") != "":
			log.InfoContext(ctx, "sign-in failed at 23andMe", "request_id", requestIDFrom(ctx), "err", err)
			failed(http.StatusBadRequest, "23andMe could not sign you in",
				fmt.Sprintf("23andMe answered %q: %s", clip(q.Get("error"), 64), clip(q.Get("error_description"), 300)))
			return
		case phenolink.ErrorCode(err) == phenolink.EUNAUTHORIZED:
			failed(http.StatusBadRequest, "This sign-in code was not accepted", phenolink.ErrorMessage(err))
			return
		case err != nil:
			pages.error(w, r, err)
			return
		}
		user, profiles, err := a.accountWith(ctx, tok)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if err := users.SaveUser(ctx, user, profiles); err != nil {
			pages.error(w, r, err)
			return
		}
		if err := tokens.SaveToken(ctx, fromOAuth(user.ID, tok)); err != nil {
			pages.error(w, r, err)
			return
		}
		// A new session id on sign-in defeats session fixation.
		if err := sessions.RenewToken(ctx); err != nil {
			pages.error(w, r, fmt.Errorf("renew session token: %w", err))
			return
		}
		sessions.Remove(ctx, keyReturnTo)
		sessions.Put(ctx, keyUserID, user.ID)
		if cur := sessions.GetString(ctx, keyProfileID); !hasProfile(profiles, cur) {
			sessions.Put(ctx, keyProfileID, defaultProfile(profiles).ID)
		}
		log.InfoContext(ctx, "signed in", "request_id", requestIDFrom(ctx), "profiles", len(profiles))
		http.Redirect(w, r, back, http.StatusSeeOther)
	})
}

// defaultProfile picks the first genotyped profile, else the first one.
func defaultProfile(ps []phenolink.Profile) phenolink.Profile {
	for _, p := range ps {
		if p.IsGenotyped {
			return p
		}
	}
	if len(ps) > 0 {
		return ps[0]
	}
	return phenolink.Profile{}
}

func hasProfile(ps []phenolink.Profile, id string) bool {
	for _, p := range ps {
		if p.ID == id && id != "" {
			return true
		}
	}
	return false
}

// loginURL is the sign-in link that comes back to path.
func loginURL(path string) string {
	if path == "/" {
		return "/login/"
	}
	return "/login/?next=" + url.QueryEscape(path)
}

// clip shortens text that came from elsewhere before it is logged or shown.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
