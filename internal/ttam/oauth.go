package ttam

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// DefaultScope is what Phenolink asks for when no scopes are configured,
// space separated as the API writes scopes.
const DefaultScope = "basic names email"

// OAuthConfig configures the authorization-code flow.
type OAuthConfig struct {
	APIURL       string   // default DefaultAPIURL
	ClientID     string   // API_CLIENT_ID
	ClientSecret string   // API_CLIENT_SECRET
	RedirectURL  string   // the registered callback, e.g. https://host/receive_code/
	Scopes       []string // default the fields of DefaultScope
	// HTTPClient makes token requests; default a client with a 30s timeout.
	HTTPClient *http.Client
	// Now is the clock that turns expires_in into an expiry; default time.Now.
	Now func() time.Time
	// EarlyExpiry is how long before its expiry a token is refreshed, so a
	// request never leaves with a token about to lapse; default 30s.
	EarlyExpiry time.Duration
}

// OAuth runs the 23andMe authorization-code flow with state and PKCE.
type OAuth struct {
	conf        oauth2.Config
	http        *http.Client
	now         func() time.Time
	earlyExpiry time.Duration
	logoutURL   string
}

// NewOAuth returns an OAuth for cfg.
func NewOAuth(cfg OAuthConfig) (*OAuth, error) {
	base, err := parseBaseURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" || cfg.RedirectURL == "" {
		return nil, fmt.Errorf("ttam.NewOAuth: client id, client secret and redirect URL are all required")
	}
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = strings.Fields(DefaultScope)
	}
	o := &OAuth{
		conf: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			RedirectURL:  cfg.RedirectURL,
			Scopes:       append([]string(nil), scopes...),
			Endpoint: oauth2.Endpoint{
				AuthURL:  base.String() + "/authorize/",
				TokenURL: base.String() + "/token/",
				// The reference sends the client's credentials as form
				// fields, not as HTTP Basic auth.
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		http:        cfg.HTTPClient,
		now:         cfg.Now,
		earlyExpiry: cfg.EarlyExpiry,
		logoutURL:   base.String() + "/logout/",
	}
	if o.http == nil {
		o.http = &http.Client{Timeout: 30 * time.Second}
	}
	o.http = withRefreshParams(o.http, o.conf.Endpoint.TokenURL, cfg.RedirectURL, strings.Join(scopes, " "))
	if o.now == nil {
		o.now = time.Now
	}
	if o.earlyExpiry <= 0 {
		o.earlyExpiry = 30 * time.Second
	}
	return o, nil
}

// Authorization is a started sign-in: send the browser to URL and keep
// State and Verifier (server side, e.g. in the session) until the callback.
type Authorization struct {
	URL      string
	State    string
	Verifier string
}

// AuthorizeOption changes the authorize request.
type AuthorizeOption = oauth2.AuthCodeOption

// SelectProfile asks 23andMe to let the person pick one profile, so the
// token covers only that profile.
func SelectProfile() AuthorizeOption { return oauth2.SetAuthURLParam("select_profile", "true") }

// Start begins a sign-in with a fresh random state and PKCE verifier.
func (o *OAuth) Start(opts ...AuthorizeOption) Authorization {
	state := rand.Text()
	verifier := oauth2.GenerateVerifier()
	opts = append([]AuthorizeOption{oauth2.S256ChallengeOption(verifier)}, opts...)
	return Authorization{URL: o.conf.AuthCodeURL(state, opts...), State: state, Verifier: verifier}
}

// CheckState reports whether the callback's state equals the one sent, in
// constant time; an empty state never matches.
func CheckState(sent, received string) bool {
	return sent != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(received)) == 1
}

// Finish completes a sign-in from the callback's query: it checks the
// state, turns a refusal into an error of kind KindForbidden, and exchanges
// the code with the PKCE verifier. The caller stores the returned token
// (its RefreshToken included) and builds a TokenSource from it.
func (o *OAuth) Finish(ctx context.Context, a Authorization, callback url.Values) (*oauth2.Token, error) {
	const op = "ttam.OAuth.Finish"
	if !CheckState(a.State, callback.Get("state")) {
		return nil, &APIError{Op: op, Kind: KindState, Description: "the callback's state does not match the sign-in's"}
	}
	if code := callback.Get("error"); code != "" {
		return nil, &APIError{Op: op, Kind: kindOfOAuthCode(code), Code: clip(code, 100), Description: clip(callback.Get("error_description"), 300)}
	}
	code := callback.Get("code")
	if code == "" {
		return nil, &APIError{Op: op, Kind: KindBadRequest, Description: "the callback carries neither a code nor an error"}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.http)
	tok, err := o.conf.Exchange(ctx, code,
		oauth2.VerifierOption(a.Verifier),
		oauth2.SetAuthURLParam("scope", strings.Join(o.conf.Scopes, " ")))
	if err != nil {
		return nil, tokenError(op, err)
	}
	return o.stamp(tok), nil
}

// LogoutURL returns the 23andMe URL that ends the person's 23andMe session
// and sends the browser back to redirect.
func (o *OAuth) LogoutURL(redirect string) string {
	return o.logoutURL + "?" + url.Values{"redirect_uri": {redirect}}.Encode()
}

// stamp sets the token's expiry from expires_in by o's clock, which the
// library computed with the wall clock.
func (o *OAuth) stamp(t *oauth2.Token) *oauth2.Token {
	if t.ExpiresIn > 0 {
		t.Expiry = o.now().Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	return t
}

// valid reports whether t can be sent now, refreshing early by earlyExpiry.
func (o *OAuth) valid(t *oauth2.Token) bool {
	return t != nil && t.AccessToken != "" && (t.Expiry.IsZero() || o.now().Add(o.earlyExpiry).Before(t.Expiry))
}

// tokenError turns a token endpoint failure into an *APIError carrying the
// server's error code but never the response body, which could hold a token.
func tokenError(op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e := &APIError{Op: op, Code: clip(re.ErrorCode, 100), Description: clip(re.ErrorDescription, 300)}
		if re.Response != nil {
			e.Status = re.Response.StatusCode
		}
		switch {
		case re.ErrorCode != "":
			e.Kind = kindOfOAuthCode(re.ErrorCode)
		case e.Status != 0:
			e.Kind = kindOfStatus(e.Status)
		default:
			e.Kind = KindBadResponse
		}
		return e
	}
	if _, ok := errors.AsType[*url.Error](err); ok {
		return &APIError{Op: op, Kind: KindNetwork, Err: err}
	}
	return &APIError{Op: op, Kind: KindBadResponse, Err: err}
}
