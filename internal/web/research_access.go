package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// defaultMinGroupSize is k when the settings leave it unset.
const defaultMinGroupSize = 5

// minGroupSize returns k from the settings.
func minGroupSize(s Settings) int {
	if s.MinGroupSize >= 2 {
		return s.MinGroupSize
	}
	return defaultMinGroupSize
}

// errNotResearcher is the 403 page of every research page for people
// without the role.
var errNotResearcher = phenolink.Errorf(phenolink.EFORBIDDEN,
	"This page is for researchers. Phenolink's operators grant the researcher role; participants contribute through the consent and survey pages.")

// requireResearcher lets through only signed-in users holding the
// researcher role. It runs after requireUser.
func requireResearcher(pages *renderer, phenotypes phenolink.PhenotypeStore) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			id := userFrom(ctx).ID
			// The session's own read brought the role along when it
			// could; ask the store only otherwise.
			ok, known := sessionResearcher(ctx, id)
			var err error
			if !known {
				ok, err = phenotypes.HasRole(ctx, id, phenolink.RoleResearcher)
			}
			if err != nil {
				pages.error(w, r, err)
				return
			}
			if !ok {
				pages.error(w, r, errNotResearcher)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// sessionProfile returns the profile the person is looking at.
func sessionProfile(ctx context.Context, sessions *scs.SessionManager, users phenolink.UserStore) (phenolink.Profile, error) {
	profiles, err := users.Profiles(ctx, userFrom(ctx).ID)
	if err != nil {
		return phenolink.Profile{}, err
	}
	p := currentProfile(profiles, sessions.GetString(ctx, keyProfileID))
	if p.ID == "" {
		return p, phenolink.Errorf(phenolink.ENOTFOUND, "Your 23andMe account has no profiles yet, so there is nobody to enter values for.")
	}
	return p, nil
}

// currentConsent returns the user's consent and whether it is for the
// current text; a missing consent is not an error here.
func currentConsent(ctx context.Context, phenotypes phenolink.PhenotypeStore, userID string) (phenolink.Consent, bool, error) {
	c, err := phenotypes.Consent(ctx, userID)
	if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
		return phenolink.Consent{}, false, nil
	}
	if err != nil {
		return c, false, err
	}
	return c, c.Version == phenolink.ConsentVersion, nil
}

// recordAudit appends an audit entry for the signed-in researcher.
func recordAudit(r *http.Request, phenotypes phenolink.PhenotypeStore, action, detail string) error {
	return phenotypes.RecordAudit(r.Context(), phenolink.AuditEntry{
		UserID: userFrom(r.Context()).ID,
		Action: action,
		Detail: detail,
	})
}

// idSet is the set of ids a form or query names, each value a single id
// or a comma-separated list of them, spaces around each id ignored.
func idSet(values []string) map[string]bool {
	set := map[string]bool{}
	for _, v := range values {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				set[id] = true
			}
		}
	}
	return set
}

// catalogSubset returns the catalog entries named by ids, in catalog order,
// refusing unknown ids.
func catalogSubset(catalog []phenolink.Phenotype, ids []string) ([]phenolink.Phenotype, error) {
	want := idSet(ids)
	var out []phenolink.Phenotype
	for _, p := range catalog {
		if want[p.ID] {
			out = append(out, p)
			delete(want, p.ID)
		}
	}
	for id := range want {
		return nil, phenolink.Errorf(phenolink.EINVALID, "There is no phenotype %q in the catalog; choose from the list.", id)
	}
	return out, nil
}

// ids returns the phenotypes' ids.
func phenotypeIDs(ps []phenolink.Phenotype) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
