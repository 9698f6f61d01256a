package ttam

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// DefaultAPIURL is the live API's base URL; deployments override it with
// API_URL.
const DefaultAPIURL = "https://api.23andme.com"

// Tokens supplies the bearer token for API calls. *TokenSource implements it
// with refresh and rotation; StaticToken serves a fixed token.
type Tokens interface {
	// Token returns a token that is valid now, refreshing it if it expired.
	Token(ctx context.Context) (*oauth2.Token, error)
	// Refresh is called after the server answered 401 to stale; it returns
	// a newer token, refreshing only if no other caller already has.
	Refresh(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, error)
}

// StaticToken serves one access token that cannot be refreshed, such as the
// demo bearer token; a 401 on it fails the call.
type StaticToken string

// Token returns the fixed token.
func (s StaticToken) Token(context.Context) (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: string(s), TokenType: "Bearer"}, nil
}

// Refresh fails: a fixed token has nothing to refresh with.
func (s StaticToken) Refresh(context.Context, *oauth2.Token) (*oauth2.Token, error) {
	return nil, &APIError{Op: "ttam.StaticToken.Refresh", Kind: KindUnauthenticated, Description: "a fixed token cannot be refreshed"}
}

// ClientConfig configures a Client. Only APIURL is needed for the reference
// endpoints; the others need Tokens.
type ClientConfig struct {
	APIURL     string       // base URL, default DefaultAPIURL
	Tokens     Tokens       // bearer tokens; nil allows only the reference endpoints
	HTTPClient *http.Client // default: a client with no overall timeout (each call sets its own)
	Retry      RetryPolicy  // zero fields take their defaults
	Logger     *slog.Logger // default: discard
	// Timeout bounds each attempt of an ordinary call; default 30s. The
	// genome and its key, which run to megabytes, get GenomeTimeout.
	Timeout       time.Duration
	GenomeTimeout time.Duration // default 3m
	// MaxPages bounds how many links.next pages one list call follows;
	// default 2000.
	MaxPages int
	// PageSize is the limit asked for range queries; default 1000, a tenth
	// of the id limit, which keeps pages near 1 MB while needing a tenth of
	// the requests the API's default of 100 would.
	PageSize int
}

// Client calls the 23andMe API. It is safe for concurrent use.
type Client struct {
	base          *url.URL
	tokens        Tokens
	http          *http.Client
	retry         RetryPolicy
	log           *slog.Logger
	timeout       time.Duration
	genomeTimeout time.Duration
	maxPages      int
	pageSize      int
	v1            string // prefix of the v1 routes: "/1", or "/1/demo" (see V1Demo)
}

// NewClient returns a Client for cfg.
func NewClient(cfg ClientConfig) (*Client, error) {
	base, err := parseBaseURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:          base,
		tokens:        cfg.Tokens,
		http:          cfg.HTTPClient,
		retry:         cfg.Retry.withDefaults(),
		log:           cfg.Logger,
		timeout:       cfg.Timeout,
		genomeTimeout: cfg.GenomeTimeout,
		maxPages:      cfg.MaxPages,
		pageSize:      cfg.PageSize,
		v1:            "/1",
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.timeout <= 0 {
		c.timeout = 30 * time.Second
	}
	if c.genomeTimeout <= 0 {
		c.genomeTimeout = 3 * time.Minute
	}
	if c.maxPages <= 0 {
		c.maxPages = 2000
	}
	if c.pageSize <= 0 || c.pageSize > MaxMarkerIDs {
		c.pageSize = 1000
	}
	return c, nil
}

// parseBaseURL checks an API_URL value and strips its trailing slash, so
// paths join the same way whether or not one was configured.
func parseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		s = DefaultAPIURL
	}
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil {
		return nil, fmt.Errorf("ttam: API URL %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ttam: API URL %q: want an absolute http or https URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("ttam: API URL %q: want no query, fragment or user info", s)
	}
	return u, nil
}

// endpoint returns the absolute URL of path (which starts with "/" and
// holds already escaped segments) under the base URL, with query q.
func (c *Client) endpoint(path string, q url.Values) *url.URL {
	u := *c.base
	u.RawPath = c.base.EscapedPath() + path
	u.Path, _ = url.PathUnescape(u.RawPath) // path is built from escaped segments
	u.RawQuery = q.Encode()
	return &u
}

// segment escapes an id for use as one path segment. Ids that a server would
// read as something else ("", ".", "..") are refused so that no caller can
// reach another endpoint by passing one.
func segment(op, id string) (string, error) {
	if id == "" || id == "." || id == ".." {
		return "", &APIError{Op: op, Kind: KindBadRequest, Description: fmt.Sprintf("%q is not a valid id", id)}
	}
	return url.PathEscape(id), nil
}

// sameOrigin reports whether u is on the API's scheme and host, the only
// place a links.next URL may lead so that a hostile page cannot send the
// bearer token elsewhere.
func (c *Client) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.base.Scheme) && strings.EqualFold(u.Host, c.base.Host)
}
