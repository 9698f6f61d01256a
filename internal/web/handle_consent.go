package web

import (
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// consentPage is what the consent template shows.
type consentPage struct {
	Paragraphs []string
	Version    string
	Consent    phenolink.Consent // zero when none was given
	Current    bool              // Consent is for the current text
}

// handleConsent shows the consent text and the person's consent, if any.
func handleConsent(pages *renderer, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, current, err := currentConsent(r.Context(), phenotypes, userFrom(r.Context()).ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.page(w, r, http.StatusOK, "consent", consentPage{
			Paragraphs: strings.Split(phenolink.ConsentText, "\n"),
			Version:    phenolink.ConsentVersion,
			Consent:    c,
			Current:    current,
		})
	})
}

// handleGiveConsent records consent to the text the form showed; a form
// from before the text changed is refused so nobody agrees to unseen words.
func handleGiveConsent(pages *renderer, sessions *scs.SessionManager, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.PostFormValue("version") != phenolink.ConsentVersion {
			pages.error(w, r, phenolink.Errorf(phenolink.EINVALID, "The consent text changed since the page was loaded. Please read it again and agree to the current version."))
			return
		}
		if r.PostFormValue("agree") != "yes" {
			pages.error(w, r, phenolink.Errorf(phenolink.EINVALID, "Tick the box to say you agree, then press “Give consent”."))
			return
		}
		err := phenotypes.GiveConsent(ctx, phenolink.Consent{
			UserID:  userFrom(ctx).ID,
			Version: phenolink.ConsentVersion,
			Text:    phenolink.ConsentText,
		})
		if err != nil {
			pages.error(w, r, err)
			return
		}
		sessions.Put(ctx, keyFlashMessage, "Thank you: you consented to research use. You can now enter your traits.")
		http.Redirect(w, r, "/survey/", http.StatusSeeOther)
	})
}

// handleWithdrawConsent removes the person's consent once they confirm;
// from then on none of their data enters a result or an export.
func handleWithdrawConsent(pages *renderer, sessions *scs.SessionManager, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if r.PostFormValue("confirm") != "yes" {
			pages.error(w, r, phenolink.Errorf(phenolink.EINVALID, "Tick the box to confirm that you want to withdraw, then press “Withdraw consent”."))
			return
		}
		if err := phenotypes.WithdrawConsent(ctx, userFrom(ctx).ID); err != nil {
			pages.error(w, r, err)
			return
		}
		sessions.Put(ctx, keyFlashMessage, "You withdrew your consent. Your data is left out of every result and export from now on.")
		http.Redirect(w, r, "/consent/", http.StatusSeeOther)
	})
}
