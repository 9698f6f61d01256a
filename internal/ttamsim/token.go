package ttamsim

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"time"
)

// tokenResponse is the token endpoint's success body.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// token exchanges a code or a refresh token. Parameters may come in the
// form body or the query string, client credentials in them or in HTTP
// Basic authentication.
func (s *Server) token(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return errorf(http.StatusBadRequest, "invalid_request", "The request body is not a form: %s.", err)
	}
	f := r.Form
	clientID, secret := f.Get("client_id"), f.Get("client_secret")
	id, sec, basic := r.BasicAuth()
	if basic {
		// RFC 6749 section 2.3.1 form-encodes both before Basic encoding.
		clientID, secret = formUnescape(id), formUnescape(sec)
	}
	client, ok := s.clients[clientID]
	if !ok || subtle.ConstantTimeCompare([]byte(secret), []byte(client.Secret)) != 1 {
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
		}
		return errorf(http.StatusUnauthorized, "invalid_client", "Client authentication failed: check client_id and client_secret.")
	}
	var (
		g       grant
		family  string
		problem string
		narrow  scopeSet // a client may narrow, never widen, its scope
	)
	if requested := f.Get("scope"); requested != "" {
		var err error
		if narrow, err = parseScope(requested); err != nil {
			return errorf(http.StatusBadRequest, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
		}
	}
	switch f.Get("grant_type") {
	case "authorization_code":
		if f.Get("code") == "" {
			return errorf(http.StatusBadRequest, "invalid_request", "The code parameter is missing.")
		}
		g, family, problem = s.tokens.redeemCode(f.Get("code"), client.ID, f.Get("redirect_uri"), f.Get("code_verifier"), narrow, s.now())
	case "refresh_token":
		if f.Get("refresh_token") == "" {
			return errorf(http.StatusBadRequest, "invalid_request", "The refresh_token parameter is missing.")
		}
		g, family, problem = s.tokens.rotate(f.Get("refresh_token"), client.ID, narrow)
	case "":
		return errorf(http.StatusBadRequest, "invalid_request", "The grant_type parameter is missing.")
	default:
		return errorf(http.StatusBadRequest, "unauthorized_client", "The client may use only the authorization_code and refresh_token grants.")
	}
	switch {
	case problem == errWiderScope:
		return errorf(http.StatusBadRequest, "invalid_scope", "%s", problem)
	case problem != "":
		return errorf(http.StatusBadRequest, "invalid_grant", "%s", problem)
	case narrow != nil:
		g.scope = narrow
	}
	lifetime := s.cfg.TokenTTL
	if e := s.cfg.Faults.TokenExpiry; e > 0 {
		lifetime = min(lifetime, e)
	}
	access, refresh := s.tokens.issue(g, family, s.now().Add(lifetime))
	writeJSON(w, http.StatusOK, tokenResponse{AccessToken: access, TokenType: "bearer",
		ExpiresIn: int(s.cfg.TokenTTL / time.Second), RefreshToken: refresh, Scope: g.scope.String()})
	return nil
}

func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// logout ends the (simulated) 23andMe session and returns the browser to
// redirect_uri when some client registered it, or shows a signed-out page,
// so the endpoint cannot be used as an open redirect.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if to := r.URL.Query().Get("redirect_uri"); to != "" {
		for _, c := range s.clients {
			if redirectMatches(c.RedirectURIs, to) {
				http.Redirect(w, r, to, http.StatusFound)
				return nil
			}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return s.pages.ExecuteTemplate(w, "signedout", nil)
}
