// Package config reads Phenolink's settings once, at start-up, from the
// environment (through an injected getenv, never os.Getenv) and validates
// them. Every option is declared once, in the table in options.go, with its
// name, aliases, type, default, validation, secret flag and description;
// that table also produces the --help text, the serve flags and the
// documentation's listing.
package config

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Profile is a settings profile, the counterpart of the original Django
// settings modules.
type Profile string

// The settings profiles.
const (
	// Local runs with nothing set: an SQLite file and a generated secret
	// in the data directory, and the built-in API simulator when no API
	// credentials are given.
	Local Profile = "local"
	// Test is Local for automated tests: the caller chooses the data
	// directory (usually a temporary one).
	Test Profile = "test"
	// Production refuses to start unless the deploy checks pass, and
	// turns on SSL redirect, secure cookies and HSTS.
	Production Profile = "production"
)

// HSTSMaxAge is the Strict-Transport-Security max-age the web layer sends in
// production: two years, as browsers' preload lists recommend.
const HSTSMaxAge = 2 * 365 * 24 * time.Hour

// Config is the validated configuration of one process.
type Config struct {
	Profile Profile
	Debug   bool

	// SecretKey derives the keys that seal tokens at rest and sign
	// cookies; SecretKeyFallbacks are earlier keys kept during a rotation
	// so that values sealed under them still open.
	SecretKey          string
	SecretKeyFallbacks []string

	// DatabaseURL is a Postgres URL; empty means an SQLite file in
	// DataDir.
	DatabaseURL string
	DataDir     string

	APIClientID     string
	APIClientSecret string
	APIURL          string // without a trailing slash
	APIScope        string

	// Addr is the listen address, ":$PORT" when PORT is set.
	Addr string
	// BaseURL is the public URL of the app, without a trailing slash,
	// from which redirect URIs are built; empty in local and test until
	// the listener's port is known.
	BaseURL      string
	AllowedHosts []string

	Server   Server
	Database Database

	// MinGroupSize is k: research pages and exports hide any genotype
	// group of fewer participants, so no one is singled out.
	MinGroupSize int

	LogLevel  slog.Level
	LogFormat string // "text" or "json"

	// values holds each option's effective text and where it came from,
	// for printing the settings with secrets masked.
	values []Setting
}

// Server holds the HTTP server options, the counterpart of Gunicorn's
// command-line settings.
type Server struct {
	ReadHeaderTimeout     time.Duration
	ReadTimeout           time.Duration
	WriteTimeout          time.Duration
	IdleTimeout           time.Duration
	ShutdownTimeout       time.Duration
	MaxHeaderBytes        int
	MaxBodyBytes          int64
	MaxConcurrentRequests int
}

// Database holds the Postgres pool options.
type Database struct {
	MaxConns         int32
	MaxConnLifetime  time.Duration
	StatementTimeout time.Duration
}

// Setting is one option's effective value as the process sees it.
type Setting struct {
	Name   string
	Value  string // "********" for a secret that is set
	Source string // the variable or flag it was read from, "default", "unset" or how it was derived
}

// Production reports whether c is the production profile.
func (c *Config) Production() bool { return c.Profile == Production }

// SecureCookies reports whether cookies carry the Secure attribute: only in
// production, because local runs serve plain HTTP on loopback.
func (c *Config) SecureCookies() bool { return c.Production() }

// SSLRedirect reports whether plain-HTTP requests (as the proxy reports
// them in X-Forwarded-Proto) are redirected to HTTPS.
func (c *Config) SSLRedirect() bool { return c.Production() }

// HSTS returns the Strict-Transport-Security max-age, zero when the header
// must not be sent.
func (c *Config) HSTS() time.Duration {
	if c.Production() {
		return HSTSMaxAge
	}
	return 0
}

// UsesSimulator reports whether the built-in API simulator stands in for
// 23andMe: outside production, when no API client id is configured.
func (c *Config) UsesSimulator() bool {
	return !c.Production() && c.APIClientID == ""
}

// Settings returns every option's effective value in table order, with
// secrets masked.
func (c *Config) Settings() []Setting {
	return append([]Setting(nil), c.values...)
}

// Load reads every option through getenv, applies defaults and returns the
// configuration, or an *Error listing every malformed value at once. It does
// not apply the production checks: call Validate for those, or Checks to
// see each one.
func Load(getenv func(string) string) (*Config, error) {
	return load(getenv, nil)
}

// load is Load with flag values that take precedence over the environment.
func load(getenv func(string) string, flags map[string]string) (*Config, error) {
	c := &Config{}
	var problems []string
	for _, o := range options() {
		raw, source := lookup(o, getenv, flags)
		if raw == "" {
			raw, source = o.Default, "default"
			if raw == "" {
				source = "unset"
			}
		}
		if raw != "" {
			if err := o.apply(c, raw); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", source, err))
				continue
			}
		}
		shown := raw
		if o.Secret && raw != "" {
			shown = "********"
		}
		c.values = append(c.values, Setting{Name: o.Name, Value: shown, Source: source})
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	c.derive(getenv, flags)
	return c, nil
}

// lookup returns the raw value of o and the name it came from: a flag
// first, then the native variable, then each alias in order.
func lookup(o Option, getenv func(string) string, flags map[string]string) (string, string) {
	if v, ok := flags[o.Name]; ok {
		return strings.TrimSpace(v), "--" + o.FlagName()
	}
	for _, name := range append([]string{o.Name}, o.Aliases...) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v, name
		}
	}
	return "", ""
}

// derive fills the values whose defaults depend on other options.
func (c *Config) derive(getenv func(string) string, flags map[string]string) {
	// PORT beats the listen address, as Heroku expects, unless the
	// address was given on the command line.
	if _, addrFlag := flags["ADDR"]; !addrFlag {
		if port, _ := lookup(option("PORT"), getenv, nil); port != "" {
			c.Addr = ":" + port
			c.setDerived("ADDR", c.Addr, "from PORT")
		}
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
		if c.Production() {
			c.LogFormat = "json"
		}
		c.setDerived("LOG_FORMAT", c.LogFormat, "from SETTINGS")
	}
	if c.BaseURL == "" && c.Production() {
		for _, h := range c.AllowedHosts {
			if !strings.HasPrefix(h, ".") && h != "*" {
				c.BaseURL = "https://" + h
				c.setDerived("BASE_URL", c.BaseURL, "from ALLOWED_HOSTS")
				break
			}
		}
	}
}

// setDerived records the effective value of an option whose default came
// from other options.
func (c *Config) setDerived(name, value, source string) {
	for i := range c.values {
		if c.values[i].Name == name {
			c.values[i].Value, c.values[i].Source = value, source
		}
	}
}

// Error lists every problem found in the configuration, so an operator can
// fix them all in one go.
type Error struct {
	Problems []string
}

// Error implements error with one problem per line.
func (e *Error) Error() string {
	return "configuration problems:\n  - " + strings.Join(e.Problems, "\n  - ")
}
