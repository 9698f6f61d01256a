package config

import (
	"fmt"
	"strings"
	"time"
)

// Option declares one setting: the single place where its name, aliases,
// type, default, validation, secrecy and description live.
type Option struct {
	Name    string
	Aliases []string // older names accepted too, the native name winning
	Type    string   // shown in the help: string, bool, duration, bytes, ...
	// Default is the text used when the option is unset; empty when the
	// default depends on other options (then Description says how).
	Default string
	Secret  bool // never printed or logged
	// Flag makes the option a flag of serve as well, overriding the
	// environment.
	Flag        bool
	Description string
	apply       func(c *Config, raw string) error
}

// FlagName returns the serve flag for o: READ_TIMEOUT becomes read-timeout.
func (o Option) FlagName() string {
	return strings.ToLower(strings.ReplaceAll(o.Name, "_", "-"))
}

// Options returns the option table in the order the help lists it.
func Options() []Option { return options() }

// option returns the table entry named name; the name is a constant of this
// package, so a miss is a programming error.
func option(name string) Option {
	for _, o := range options() {
		if o.Name == name {
			return o
		}
	}
	panic(fmt.Sprintf("config: no option %q", name))
}

// options builds the table. It is a function rather than a package variable
// so that nothing in the package is mutable shared state.
func options() []Option {
	return []Option{
		{
			Name: "SETTINGS", Aliases: []string{"DJANGO_SETTINGS_MODULE"}, Type: "local|test|production", Default: "local",
			Description: "Settings profile. production refuses to start unless every deploy check passes; the old Django modules (config.settings.production, ...) are accepted too.",
			apply:       func(c *Config, s string) error { p, err := parseProfile(s); c.Profile = p; return err },
		},
		{
			Name: "DEBUG", Aliases: []string{"DJANGO_DEBUG"}, Type: "bool", Default: "false",
			Description: "Detailed error pages, per-request SQL timings, pprof and asset rebuilds from internal/assets/src when run from a checkout. Never in production.",
			apply:       setBool(func(c *Config) *bool { return &c.Debug }),
		},
		{
			Name: "SECRET_KEY", Aliases: []string{"DJANGO_SECRET_KEY"}, Type: "string", Secret: true,
			Description: "Derives the keys that encrypt OAuth tokens at rest; at least 50 characters in production. Locally a random key is generated and kept in DATA_DIR.",
			apply:       setString(func(c *Config) *string { return &c.SecretKey }),
		},
		{
			Name: "SECRET_KEY_FALLBACKS", Type: "comma list", Secret: true,
			Description: "Earlier secret keys, still accepted to decrypt tokens while a rotation completes.",
			apply:       setList(func(c *Config) *[]string { return &c.SecretKeyFallbacks }),
		},
		{
			Name: "DATABASE_URL", Type: "postgres URL", Secret: true,
			Description: "Postgres database (postgres://user:password@host:port/db). Unset: an SQLite file in DATA_DIR, which production refuses.",
			apply:       setDatabaseURL,
		},
		{
			Name: "DATA_DIR", Type: "path", Default: "./data",
			Description: "Local data directory for the SQLite file and the generated secret key.",
			apply:       setString(func(c *Config) *string { return &c.DataDir }),
		},
		{
			Name: "API_CLIENT_ID", Type: "string",
			Description: "OAuth client id registered with 23andMe. Unset outside production: the built-in simulator runs with its demo client.",
			apply:       setString(func(c *Config) *string { return &c.APIClientID }),
		},
		{
			Name: "API_CLIENT_SECRET", Type: "string", Secret: true,
			Description: "OAuth client secret registered with 23andMe.",
			apply:       setString(func(c *Config) *string { return &c.APIClientSecret }),
		},
		{
			Name: "API_URL", Type: "URL", Default: "https://api.23andme.com",
			Description: "Base URL of the 23andMe API; https in production.",
			apply:       setAPIURL,
		},
		{
			Name: "API_SCOPE", Type: "string", Default: "basic names email",
			Description: "OAuth scopes requested at sign-in, space separated.",
			apply:       setString(func(c *Config) *string { return &c.APIScope }),
		},
		{
			Name: "PORT", Type: "port",
			Description: "Port to listen on, on every interface; set by Heroku, and beats ADDR.",
			apply:       checkPort,
		},
		{
			Name: "ADDR", Type: "host:port", Default: "127.0.0.1:8000", Flag: true,
			Description: "Listen address when PORT is unset; port 0 picks a free port.",
			apply:       setAddr,
		},
		{
			Name: "BASE_URL", Type: "URL",
			Description: "Public URL of the app, from which the OAuth redirect URI (BASE_URL/receive_code/) is built. Default: https://<first ALLOWED_HOSTS entry> in production, the listener's address locally.",
			apply:       setBaseURL,
		},
		{
			Name: "ALLOWED_HOSTS", Type: "comma list",
			Description: "Host names the app answers to; .example.com matches subdomains. Required in production; empty elsewhere means any.",
			apply:       setHosts,
		},
		{
			Name: "READ_HEADER_TIMEOUT", Type: "duration", Default: "5s", Flag: true,
			Description: "Time allowed to read a request's headers.",
			apply:       setDuration(func(c *Config) *time.Duration { return &c.Server.ReadHeaderTimeout }),
		},
		{
			Name: "READ_TIMEOUT", Type: "duration", Default: "60s", Flag: true,
			Description: "Time allowed to read a whole request, upload included.",
			apply:       setDuration(func(c *Config) *time.Duration { return &c.Server.ReadTimeout }),
		},
		{
			Name: "WRITE_TIMEOUT", Type: "duration", Default: "60s", Flag: true,
			Description: "Time allowed to write a response.",
			apply:       setDuration(func(c *Config) *time.Duration { return &c.Server.WriteTimeout }),
		},
		{
			Name: "IDLE_TIMEOUT", Type: "duration", Default: "120s", Flag: true,
			Description: "How long an idle keep-alive connection stays open; longer than Heroku's router keeps its own.",
			apply:       setDuration(func(c *Config) *time.Duration { return &c.Server.IdleTimeout }),
		},
		{
			Name: "SHUTDOWN_TIMEOUT", Type: "duration", Default: "25s", Flag: true,
			Description: "How long in-flight requests may finish after SIGTERM; under Heroku's 30 s.",
			apply:       setDuration(func(c *Config) *time.Duration { return &c.Server.ShutdownTimeout }),
		},
		{
			Name: "MAX_HEADER_BYTES", Type: "bytes", Default: "1MiB", Flag: true,
			Description: "Largest request header block accepted.",
			apply:       setBytes(func(c *Config, n int64) { c.Server.MaxHeaderBytes = int(n) }, 1<<30),
		},
		{
			Name: "MAX_BODY_BYTES", Type: "bytes", Default: "64MiB", Flag: true,
			Description: "Largest request body accepted; a full 23andMe raw-data file is about 25 MB.",
			apply:       setBytes(func(c *Config, n int64) { c.Server.MaxBodyBytes = n }, 1<<40),
		},
		{
			Name: "MAX_CONCURRENT_REQUESTS", Type: "int", Default: "256", Flag: true,
			Description: "Requests served at once by one process (Gunicorn's workers x threads); the rest get 503.",
			apply:       setInt(func(c *Config, n int) { c.Server.MaxConcurrentRequests = n }, 1, 1<<20),
		},
		{
			Name: "MIN_GROUP_SIZE", Type: "int", Default: "5",
			Description: "Smallest genotype group research results and exports show; smaller groups read \"fewer than k\" so no participant is singled out. At least 2.",
			apply:       setInt(func(c *Config, n int) { c.MinGroupSize = n }, 2, 1<<20),
		},
		{
			Name: "DB_MAX_CONNS", Type: "int", Default: "6",
			Description: "Postgres connections per process. Keep (web dynos + 1 release process) x DB_MAX_CONNS under the plan's limit.",
			apply:       setInt(func(c *Config, n int) { c.Database.MaxConns = int32(n) }, 1, 10000),
		},
		{
			Name: "DB_MAX_CONN_LIFETIME", Type: "duration", Default: "1h",
			Description: "Age after which a pooled Postgres connection is replaced.",
			apply:       setDuration(func(c *Config) *time.Duration { return &c.Database.MaxConnLifetime }),
		},
		{
			Name: "DB_STATEMENT_TIMEOUT", Type: "duration", Default: "30s",
			Description: "Postgres statement_timeout for the app's sessions; 0 means none.",
			apply:       setDurationOrZero(func(c *Config) *time.Duration { return &c.Database.StatementTimeout }),
		},
		{
			Name: "LOG_LEVEL", Type: "debug|info|warn|error", Default: "info",
			Description: "Lowest level logged.",
			apply:       setLogLevel,
		},
		{
			Name: "LOG_FORMAT", Type: "text|json",
			Description: "Log format; json in production, text elsewhere.",
			apply:       setLogFormat,
		},
	}
}
