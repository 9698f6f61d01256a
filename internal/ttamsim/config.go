package ttamsim

import (
	"fmt"
	"log/slog"
	"time"

	"phenolink/internal/synth"
)

// Config configures a simulator. The zero value serves the defaults.
type Config struct {
	Seed     int64            // default 1
	Markers  int              // marker key size, default 100000, max 1200000
	TokenTTL time.Duration    // access token lifetime (expires_in), default 86400s
	Clients  []Client         // registered clients; DemoClient() is always registered too
	Faults   Faults           // off by default
	Now      func() time.Time // clock for tests; nil means time.Now
	Logger   *slog.Logger     // nil means discard
}

// Client is a registered OAuth client. A redirect URI on a loopback host
// (127.0.0.1, localhost, [::1]) matches that URI with any port, as RFC 8252
// asks for native apps, so a local app may listen wherever it can.
type Client struct {
	ID, Secret   string
	RedirectURIs []string
}

// Faults makes the API misbehave the way a loaded production API does, so a
// client's retries and back-off can be tested. Faults touch the API routes
// (/1/, /3/, /res/), never the authorize page or the token endpoint.
type Faults struct {
	Latency       time.Duration // added to every API response
	ErrorRate     float64       // fraction of API requests answered 500
	RateLimitRate float64       // fraction answered 429 with Retry-After
	RetryAfter    time.Duration // the Retry-After sent with 429 (whole seconds, min 1)
	TokenExpiry   time.Duration // if > 0, access tokens stop working after this, regardless of expires_in
}

// Limits and defaults.
const (
	DefaultSeed     = 1
	DefaultTokenTTL = 86400 * time.Second
	MaxMarkers      = 1_200_000
	demoSecret      = "phenolink-demo-secret-not-confidential"
)

// DemoClient is the client every simulator registers, so the app runs with
// no configuration. Its secret is public by design. Its redirect URIs are
// loopback ones, so any port on 127.0.0.1 or localhost is accepted.
func DemoClient() Client {
	return Client{
		ID:           "phenolink-demo",
		Secret:       demoSecret,
		RedirectURIs: []string{"http://127.0.0.1/receive_code/", "http://localhost/receive_code/"},
	}
}

// withDefaults fills zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Markers == 0 {
		c.Markers = synth.DefaultMarkers
	}
	if c.Markers < 1 || c.Markers > MaxMarkers {
		return c, fmt.Errorf("ttamsim: %d markers: want 1..%d", c.Markers, MaxMarkers)
	}
	if c.TokenTTL == 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.TokenTTL < time.Second {
		return c, fmt.Errorf("ttamsim: token lifetime %s: want at least 1s", c.TokenTTL)
	}
	f := c.Faults
	if f.ErrorRate < 0 || f.RateLimitRate < 0 || f.ErrorRate+f.RateLimitRate > 1 {
		return c, fmt.Errorf("ttamsim: fault rates %.3f and %.3f: want each >= 0 and their sum <= 1", f.ErrorRate, f.RateLimitRate)
	}
	if f.Latency < 0 || f.RetryAfter < 0 || f.TokenExpiry < 0 {
		return c, fmt.Errorf("ttamsim: fault durations must not be negative")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	seen := map[string]bool{}
	for _, cl := range append([]Client{DemoClient()}, c.Clients...) {
		if cl.ID == "" || cl.Secret == "" || len(cl.RedirectURIs) == 0 {
			return c, fmt.Errorf("ttamsim: client %q needs an id, a secret and a redirect URI", cl.ID)
		}
		if seen[cl.ID] {
			return c, fmt.Errorf("ttamsim: client %q registered twice", cl.ID)
		}
		seen[cl.ID] = true
		for _, u := range cl.RedirectURIs {
			if _, err := parseRedirectURI(u); err != nil {
				return c, fmt.Errorf("ttamsim: client %q: %w", cl.ID, err)
			}
		}
	}
	return c, nil
}
