package web

import (
	"net/http"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// dashboardPage is the signed-in start page.
type dashboardPage struct {
	User      phenolink.User
	Profiles  []phenolink.Profile
	Current   phenolink.Profile // the profile being looked at
	Selected  string            // the profile the switcher has checked
	Restored  bool              // Selected came from a form kept across a sign-in
	Reference referenceCard
	Genotypes *genotypeCard // nil when the genotype pages are not wired
}

// genotypeCard is the dashboard's summary of the current profile's record.
type genotypeCard struct {
	Genome *phenolink.GenomeInfo // nil when nothing is stored
	Job    *phenolink.Job        // the newest import or sync
	Busy   bool
}

// referenceCard is the quickstart's example of reference data: chromosome
// 4's accession and length. Err says why it is missing, when it is.
type referenceCard struct {
	Accession accession
	Err       string
}

// chromosome4 is the accession the quickstart showed.
const chromosome4 = "NC_000004.11"

// handleHome is the start page: what Phenolink is and the sign-in button for
// visitors, the account, its profiles and the reference card for people who
// are signed in.
func handleHome(pages *renderer, users phenolink.UserStore, sessions *scs.SessionManager, ref *referenceCache, genotypes phenolink.GenotypeStore, queue phenolink.JobQueue) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u := userFrom(ctx)
		if u == nil {
			pages.page(w, r, http.StatusOK, "home", nil)
			return
		}
		profiles, err := users.Profiles(ctx, u.ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		p := dashboardPage{User: *u, Profiles: profiles}
		p.Current = currentProfile(profiles, sessions.GetString(ctx, keyProfileID))
		p.Selected = p.Current.ID
		if form := pages.restoredForm(r); hasProfile(profiles, form.Get("profile_id")) {
			p.Selected, p.Restored = form.Get("profile_id"), true
		}
		if genotypes != nil && queue != nil && p.Current.ID != "" {
			if p.Genotypes, err = loadGenotypeCard(r, genotypes, queue, p.Current.ID); err != nil {
				pages.error(w, r, err)
				return
			}
		}
		acc, err := ref.accession(ctx, chromosome4)
		if err != nil {
			// The card is an extra: the page works without it.
			pages.log.WarnContext(ctx, "reference card", "request_id", requestIDFrom(ctx), "err", err)
			p.Reference.Err = phenolink.ErrorMessage(err)
		}
		p.Reference.Accession = acc
		pages.page(w, r, http.StatusOK, "dashboard", p)
	})
}

// currentProfile returns the profile with id, or the default one when the
// id is stale (the profile was removed on 23andMe since).
func currentProfile(ps []phenolink.Profile, id string) phenolink.Profile {
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	return defaultProfile(ps)
}

// loadGenotypeCard reads the profile's record info and newest job: in one
// query when the store offers it, else one read for each.
func loadGenotypeCard(r *http.Request, genotypes phenolink.GenotypeStore, queue phenolink.JobQueue, profileID string) (*genotypeCard, error) {
	if reader, ok := genotypes.(phenolink.GenomeStatusReader); ok {
		s, err := reader.GenomeStatus(r.Context(), profileID)
		if err != nil {
			return nil, err
		}
		return &genotypeCard{Genome: s.Genome, Job: s.Job, Busy: s.Busy()}, nil
	}
	c := &genotypeCard{}
	var err error
	if c.Job, c.Busy, err = latestGenomeJob(r, queue, profileID); err != nil {
		return nil, err
	}
	info, err := genotypes.Genome(r.Context(), profileID)
	switch {
	case phenolink.ErrorCode(err) == phenolink.ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		c.Genome = &info
	}
	return c, nil
}
