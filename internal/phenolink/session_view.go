package phenolink

import "context"

// SessionView is a session together with what every signed-in page shows
// about its owner, read at once so a page costs one database round trip
// instead of three.
type SessionView struct {
	Data []byte // the session's encoded data, as SessionStore.FindCtx returns it
	// User is the account the session is signed in to, nil when it is not
	// signed in. Profiles are that user's profiles ordered by id, empty
	// (not nil) when the account has none.
	User     *User
	Profiles []Profile
	// Researcher reports whether User holds RoleResearcher, so pages can
	// show the research area's link without another query.
	Researcher bool
}

// SessionViewRow is one row of a store's session-view query: the session
// and its user, repeated on every row, and one of the user's profiles.
type SessionViewRow struct {
	Data       []byte
	HasUser    bool // false when the session is not signed in
	User       User
	Researcher bool
	HasProfile bool // false on the one row of a user without profiles
	Profile    Profile
}

// SessionViewBuilder assembles a SessionView from its query's rows, read
// in profile order, so each store only scans its driver's columns.
type SessionViewBuilder struct {
	view  SessionView
	found bool
}

// Add folds in one row: the first gives the session and its user, and
// every row with a profile adds it.
func (b *SessionViewBuilder) Add(r *SessionViewRow) {
	if !b.found {
		b.found, b.view.Data = true, r.Data
		if r.HasUser {
			u := r.User
			b.view.User, b.view.Profiles, b.view.Researcher = &u, []Profile{}, r.Researcher
		}
	}
	if r.HasProfile && b.view.User != nil {
		p := r.Profile
		p.UserID = b.view.User.ID
		b.view.Profiles = append(b.view.Profiles, p)
	}
}

// View returns the assembled view; found is false when no row was added
// (the token is unknown or expired).
func (b *SessionViewBuilder) View() (v SessionView, found bool) { return b.view, b.found }

// SessionViewStore reads a session with its user and profiles in one query.
// A store offers it beside SessionStore and UserStore; the answers must be
// the ones FindCtx, User and Profiles would give at the same instant.
type SessionViewStore interface {
	// SessionView returns the unexpired session with token; found is false
	// when the token is unknown or expired.
	SessionView(ctx context.Context, token string) (v SessionView, found bool, err error)
}

// GenomeStatus is a profile's stored genome and newest genome job, what a
// summary of the profile's record shows.
type GenomeStatus struct {
	Genome *GenomeInfo // nil when nothing is stored
	// Job is the newest JobImportGenome or JobSyncGenome job of the
	// profile: the latest of each kind by id, then the later created of
	// the two (the higher id on a tie). Nil when there is none.
	Job *Job
}

// Busy reports whether the newest job is still waiting or running.
func (s GenomeStatus) Busy() bool {
	return s.Job != nil && (s.Job.State == JobQueued || s.Job.State == JobRunning)
}

// GenomeStatusReader reads a profile's GenomeStatus in one query, the same
// answer as GenotypeStore.Genome and JobQueue.LatestJob for both genome
// kinds would give together.
type GenomeStatusReader interface {
	// GenomeStatus returns the profile's status; a profile with no genome
	// and no job, or an unknown profile, gives an empty status.
	GenomeStatus(ctx context.Context, profileID string) (GenomeStatus, error)
}
