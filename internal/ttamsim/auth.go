package ttamsim

import (
	"net/http"
	"strings"
)

// apiHandler serves an authenticated API request for the token's grant.
type apiHandler func(w http.ResponseWriter, r *http.Request, g grant) error

// demoScope is everything, for the documented demo token.
func demoScope() scopeSet {
	set := scopeSet{"report:all": true}
	for name := range namedScopes() {
		set[name] = true
	}
	return set
}

// authenticated resolves the bearer token and answers 401 without a live one.
func (s *Server) authenticated(h apiHandler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		token, ok := bearerToken(r)
		if !ok {
			return errorf(http.StatusUnauthorized, "invalid_token", "Send an access token in the Authorization header: Bearer <token>.")
		}
		if token == DemoToken {
			return h(w, r, grant{accountID: DemoAccountID, scope: demoScope()})
		}
		g, ok := s.tokens.lookup(token, s.now())
		if !ok {
			return errorf(http.StatusUnauthorized, "invalid_token", "The access token is unknown, expired or revoked; refresh it or sign in again.")
		}
		return h(w, r, g)
	})
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// needScope answers 403 unless the grant holds the scope.
func needScope(g grant, scope string) error {
	if !g.scope[scope] {
		return errorf(http.StatusForbidden, "insufficient_scope", "This request needs the %q scope, which the token was not granted.", scope)
	}
	return nil
}

// account returns the grant's account.
func (s *Server) account(g grant) (Account, error) {
	for _, a := range s.accounts {
		if a.ID == g.accountID {
			if g.profileID != "" {
				for _, p := range a.Profiles {
					if p.ID == g.profileID {
						a.Profiles = []Profile{p}
					}
				}
			}
			return a, nil
		}
	}
	return Account{}, errorf(http.StatusNotFound, "not_found", "The token's account no longer exists.")
}

// profile returns profile pid if the grant covers it: 404 when it is not on
// the account, 403 when the person picked another profile at sign-in.
func (s *Server) profile(g grant, pid string) (Profile, error) {
	for _, a := range s.accounts {
		if a.ID != g.accountID {
			continue
		}
		for _, p := range a.Profiles {
			if p.ID != pid {
				continue
			}
			if g.profileID != "" && g.profileID != pid {
				return Profile{}, errorf(http.StatusForbidden, "insufficient_scope", "The token covers only the profile chosen at sign-in.")
			}
			return p, nil
		}
	}
	return Profile{}, errorf(http.StatusNotFound, "not_found", "No profile %q on this account.", pid)
}
