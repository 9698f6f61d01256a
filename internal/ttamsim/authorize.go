package ttamsim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// authorizeParams are the request's OAuth parameters, carried through the
// page in hidden inputs.
var authorizeParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state",
	"select_profile", "code_challenge", "code_challenge_method"}

const csrfCookie = "ttamsim_csrf"

var pkceChallenge = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// authRequest is a validated authorize request.
type authRequest struct {
	params        url.Values // only the parameters that were sent
	client        Client
	redirectURI   string
	scope         scopeSet
	selectProfile bool
	challenge     string
	method        string
}

// authorize serves the consent page (GET, or a POST without a decision,
// which clients use for long scope lists) and records the decision.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return s.authorizeProblem(w, http.StatusBadRequest, "The request could not be read.")
	}
	req, problem, redirectErr := s.parseAuthorize(r.Form)
	switch {
	case problem != "":
		return s.authorizeProblem(w, http.StatusBadRequest, problem)
	case redirectErr != nil:
		http.Redirect(w, r, errorRedirect(req, redirectErr), http.StatusFound)
		return nil
	}
	decision := r.PostForm.Get("decision")
	if r.Method == http.MethodGet || decision == "" {
		return s.renderAuthorize(w, r, req, http.StatusOK, "")
	}
	cookie, err := r.Cookie(csrfCookie)
	if err != nil || !hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(s.csrfToken(cookie.Value, req.params))) {
		return s.authorizeProblem(w, http.StatusForbidden, "This form has expired or was not sent from the sign-in page. Go back to the app and sign in again.")
	}
	switch decision {
	case "deny":
		http.Redirect(w, r, errorRedirect(req, errorf(http.StatusForbidden, "access_denied", "The user denied access.")), http.StatusFound)
		return nil
	case "approve":
	default:
		return s.renderAuthorize(w, r, req, http.StatusBadRequest, "Choose Allow or Deny.")
	}
	g, problem := s.approvedGrant(req, r.PostForm.Get("account"), r.PostForm.Get("profile"))
	if problem != "" {
		return s.renderAuthorize(w, r, req, http.StatusBadRequest, problem)
	}
	code := s.tokens.newCode(g, req.redirectURI, req.challenge, req.method, s.now())
	back := url.Values{"code": {code}}
	if req.params.Has("state") {
		back.Set("state", req.params.Get("state"))
	}
	http.Redirect(w, r, withParams(req.redirectURI, back), http.StatusFound)
	return nil
}

// parseAuthorize validates the request. A bad client or redirect URI is a
// problem shown on the page, never a redirect (RFC 6749 section 4.1.2.1);
// other errors go back to the client.
func (s *Server) parseAuthorize(form url.Values) (authRequest, string, *apiError) {
	req := authRequest{params: url.Values{}}
	for _, name := range authorizeParams {
		if form.Has(name) {
			req.params.Set(name, form.Get(name))
		}
	}
	p := req.params
	client, ok := s.clients[p.Get("client_id")]
	if !ok {
		return req, "The app that sent you here is not registered (unknown client_id).", nil
	}
	req.client = client
	req.redirectURI = p.Get("redirect_uri")
	if req.redirectURI == "" || !redirectMatches(client.RedirectURIs, req.redirectURI) {
		return req, "The app sent a redirect_uri it has not registered, so you cannot be sent back to it.", nil
	}
	if p.Get("response_type") != "code" {
		return req, "", errorf(http.StatusBadRequest, "unsupported_response_type", "Only response_type=code is supported.")
	}
	scope, err := parseScope(p.Get("scope"))
	if err != nil {
		return req, "", errorf(http.StatusBadRequest, "invalid_scope", "The requested scope is invalid, unknown, or malformed: %s.", err)
	}
	req.scope = scope
	switch p.Get("select_profile") {
	case "true":
		req.selectProfile = true
	case "", "false":
	default:
		return req, "", errorf(http.StatusBadRequest, "invalid_request", "select_profile must be true or false.")
	}
	req.challenge, req.method = p.Get("code_challenge"), p.Get("code_challenge_method")
	switch {
	case req.challenge == "" && req.method != "":
		return req, "", errorf(http.StatusBadRequest, "invalid_request", "code_challenge_method was sent without code_challenge.")
	case req.challenge == "":
	case !pkceChallenge.MatchString(req.challenge):
		return req, "", errorf(http.StatusBadRequest, "invalid_request", "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 . _ ~ -.")
	case req.method == "":
		req.method = "S256"
	case req.method != "S256" && req.method != "plain":
		return req, "", errorf(http.StatusBadRequest, "invalid_request", "code_challenge_method must be S256 or plain.")
	}
	return req, "", nil
}

// approvedGrant turns the person's choices into a grant, or says what to fix.
func (s *Server) approvedGrant(req authRequest, accountID, profileID string) (grant, string) {
	for _, a := range s.accounts {
		if a.ID != accountID {
			continue
		}
		g := grant{clientID: req.client.ID, accountID: a.ID, scope: req.scope}
		if !req.selectProfile {
			return g, ""
		}
		if profileID == "" && len(a.Profiles) == 1 {
			profileID = a.Profiles[0].ID
		}
		for _, p := range a.Profiles {
			if p.ID == profileID {
				g.profileID = p.ID
				return g, ""
			}
		}
		return grant{}, "Choose one of the chosen account's profiles to share."
	}
	return grant{}, "Choose the account to sign in with."
}

// errorRedirect sends an OAuth error back to the client, echoing state only
// when the client sent one.
func errorRedirect(req authRequest, e *apiError) string {
	v := url.Values{"error": {e.code}, "error_description": {e.description}}
	if req.params.Has("state") {
		v.Set("state", req.params.Get("state"))
	}
	return withParams(req.redirectURI, v)
}

// csrfToken binds the form to the browser's cookie and to the exact
// parameters shown, so neither can be swapped.
func (s *Server) csrfToken(cookie string, params url.Values) string {
	mac := hmac.New(sha256.New, s.csrfKey)
	mac.Write([]byte(cookie))
	mac.Write([]byte{0})
	mac.Write([]byte(params.Encode()))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// pageScope describes one scope line; pageAccount one account choice.
type pageAccount struct {
	ID, Name, Email string
	Profiles        []Profile
	Checked         bool
}

type pageData struct {
	Client        string
	Scopes        []string
	Accounts      []pageAccount
	SelectProfile bool
	Hidden        []struct{ Name, Value string }
	Problem       string
}

func (s *Server) renderAuthorize(w http.ResponseWriter, r *http.Request, req authRequest, status int, problem string) error {
	cookie := ""
	if c, err := r.Cookie(csrfCookie); err == nil && c.Value != "" {
		cookie = c.Value
	} else {
		cookie = rand.Text()
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: cookie, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	data := pageData{Client: req.client.ID, Scopes: req.scope.describe(), SelectProfile: req.selectProfile, Problem: problem}
	for _, name := range authorizeParams {
		if req.params.Has(name) {
			data.Hidden = append(data.Hidden, struct{ Name, Value string }{name, req.params.Get(name)})
		}
	}
	data.Hidden = append(data.Hidden, struct{ Name, Value string }{"csrf", s.csrfToken(cookie, req.params)})
	chosen := r.PostForm.Get("account")
	for i, a := range s.accounts {
		data.Accounts = append(data.Accounts, pageAccount{ID: a.ID, Name: strings.TrimSpace(a.FirstName + " " + a.LastName),
			Email: a.Email, Profiles: a.Profiles, Checked: a.ID == chosen || chosen == "" && i == 0})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	return s.pages.ExecuteTemplate(w, "authorize", data)
}

// authorizeProblem shows a page explaining why the flow cannot continue.
func (s *Server) authorizeProblem(w http.ResponseWriter, status int, problem string) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return s.pages.ExecuteTemplate(w, "problem", problem)
}
