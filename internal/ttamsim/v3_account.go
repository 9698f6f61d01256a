package ttamsim

import "net/http"

// v3Profile is the /3/profile/{pid}/ object.
type v3Profile struct {
	ID             string  `json:"id"`
	FirstName      *string `json:"first_name"`
	LastName       *string `json:"last_name"`
	IsGenotyped    bool    `json:"is_genotyped"`
	IsAncestryOnly bool    `json:"is_ancestry_only"`
	ProfileImage   *string `json:"profile_image"`
}

// v3Account is one /3/account/ entry; names and email are null without
// their scopes.
type v3Account struct {
	ID        string      `json:"id"`
	FirstName *string     `json:"first_name"`
	LastName  *string     `json:"last_name"`
	Email     *string     `json:"email"`
	Profiles  []v3Profile `json:"profiles"`
}

func ifScope(g grant, scope, v string) *string {
	if !g.scope[scope] {
		return nil
	}
	return &v
}

func toV3Profile(g grant, p Profile) v3Profile {
	return v3Profile{ID: p.ID, FirstName: ifScope(g, "names", p.FirstName), LastName: ifScope(g, "names", p.LastName),
		IsGenotyped: p.Genotyped}
}

// v3Account answers the token's one account in an envelope. Profiles are
// always full objects, with or without include=profiles.
func (s *Server) v3Account(w http.ResponseWriter, r *http.Request, g grant) error {
	if err := needScope(g, "basic"); err != nil {
		return err
	}
	a, err := s.account(g)
	if err != nil {
		return err
	}
	out := v3Account{ID: a.ID, FirstName: ifScope(g, "names", a.FirstName), LastName: ifScope(g, "names", a.LastName),
		Email: ifScope(g, "email", a.Email), Profiles: []v3Profile{}}
	for _, p := range a.Profiles {
		out.Profiles = append(out.Profiles, toV3Profile(g, p))
	}
	return page(w, r, []v3Account{out})
}

func (s *Server) v3Profile(w http.ResponseWriter, r *http.Request, g grant) error {
	if err := needScope(g, "basic"); err != nil {
		return err
	}
	p, err := s.profile(g, r.PathValue("pid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toV3Profile(g, p))
	return nil
}
