package config

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over a fixed map, so tests run in parallel.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// goodProduction is a production environment that passes every check.
func goodProduction() map[string]string {
	return map[string]string{
		"SETTINGS":          "production",
		"SECRET_KEY":        strings.Repeat("q7Zpx", 11),
		"DATABASE_URL":      "postgres://u:p@db.example.com:5432/phenolink",
		"API_CLIENT_ID":     "client",
		"API_CLIENT_SECRET": "shh",
		"ALLOWED_HOSTS":     "phenolink.herokuapp.com, .example.org",
	}
}

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Profile: Local, DataDir: "./data", APIURL: "https://api.23andme.com", APIScope: "basic names email",
		Addr: "127.0.0.1:8000", LogLevel: slog.LevelInfo, LogFormat: "text",
		Server: Server{
			ReadHeaderTimeout: 5 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute,
			IdleTimeout: 2 * time.Minute, ShutdownTimeout: 25 * time.Second,
			MaxHeaderBytes: 1 << 20, MaxBodyBytes: 64 << 20, MaxConcurrentRequests: 256,
		},
		Database: Database{MaxConns: 6, MaxConnLifetime: time.Hour, StatementTimeout: 30 * time.Second},
	}
	c.values = nil
	if !equalConfig(*c, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", *c, want)
	}
	if !c.UsesSimulator() || c.Production() || c.SecureCookies() || c.HSTS() != 0 {
		t.Errorf("local defaults: simulator %v production %v secure cookies %v hsts %v", c.UsesSimulator(), c.Production(), c.SecureCookies(), c.HSTS())
	}
	if err := c.Validate(); err != nil {
		t.Errorf("local Validate: %v", err)
	}
}

func equalConfig(a, b Config) bool {
	return slices.Equal(a.AllowedHosts, b.AllowedHosts) && slices.Equal(a.SecretKeyFallbacks, b.SecretKeyFallbacks) &&
		a.Profile == b.Profile && a.Debug == b.Debug && a.SecretKey == b.SecretKey && a.DatabaseURL == b.DatabaseURL &&
		a.DataDir == b.DataDir && a.APIClientID == b.APIClientID && a.APIClientSecret == b.APIClientSecret &&
		a.APIURL == b.APIURL && a.APIScope == b.APIScope && a.Addr == b.Addr && a.BaseURL == b.BaseURL &&
		a.Server == b.Server && a.Database == b.Database && a.LogLevel == b.LogLevel && a.LogFormat == b.LogFormat
}

func TestLoadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   map[string]string
		check func(*Config) bool
	}{
		{"django settings module", map[string]string{"DJANGO_SETTINGS_MODULE": "config.settings.production"}, func(c *Config) bool { return c.Profile == Production }},
		{"django test module", map[string]string{"DJANGO_SETTINGS_MODULE": "config.settings.test"}, func(c *Config) bool { return c.Profile == Test }},
		{"django local module", map[string]string{"DJANGO_SETTINGS_MODULE": "config.settings.local"}, func(c *Config) bool { return c.Profile == Local }},
		{"native beats alias", map[string]string{"SETTINGS": "test", "DJANGO_SETTINGS_MODULE": "config.settings.production"}, func(c *Config) bool { return c.Profile == Test }},
		{"django debug", map[string]string{"DJANGO_DEBUG": "True"}, func(c *Config) bool { return c.Debug }},
		{"debug on", map[string]string{"DEBUG": "on"}, func(c *Config) bool { return c.Debug }},
		{"django secret", map[string]string{"DJANGO_SECRET_KEY": "abc"}, func(c *Config) bool { return c.SecretKey == "abc" }},
		{"fallbacks", map[string]string{"SECRET_KEY_FALLBACKS": "old1, ,old2"}, func(c *Config) bool { return slices.Equal(c.SecretKeyFallbacks, []string{"old1", "old2"}) }},
		{"port beats addr", map[string]string{"PORT": "5000", "ADDR": "127.0.0.1:9"}, func(c *Config) bool { return c.Addr == ":5000" }},
		{"addr", map[string]string{"ADDR": "0.0.0.0:9000"}, func(c *Config) bool { return c.Addr == "0.0.0.0:9000" }},
		{"api url slash", map[string]string{"API_URL": "http://127.0.0.1:9/"}, func(c *Config) bool { return c.APIURL == "http://127.0.0.1:9" }},
		{"credentials end simulator", map[string]string{"API_CLIENT_ID": "x"}, func(c *Config) bool { return !c.UsesSimulator() }},
		{"hosts lower", map[string]string{"ALLOWED_HOSTS": "A.example.com,b.example.com"}, func(c *Config) bool { return slices.Equal(c.AllowedHosts, []string{"a.example.com", "b.example.com"}) }},
		{"bare seconds", map[string]string{"SHUTDOWN_TIMEOUT": "10"}, func(c *Config) bool { return c.Server.ShutdownTimeout == 10*time.Second }},
		{"bytes units", map[string]string{"MAX_BODY_BYTES": "25MB"}, func(c *Config) bool { return c.Server.MaxBodyBytes == 25e6 }},
		{"statement timeout zero", map[string]string{"DB_STATEMENT_TIMEOUT": "0"}, func(c *Config) bool { return c.Database.StatementTimeout == 0 }},
		{"production json logs", goodProduction(), func(c *Config) bool { return c.LogFormat == "json" }},
		{"production base url", goodProduction(), func(c *Config) bool { return c.BaseURL == "https://phenolink.herokuapp.com" }},
		{"log level", map[string]string{"LOG_LEVEL": "DEBUG"}, func(c *Config) bool { return c.LogLevel == slog.LevelDebug }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := Load(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("Load(%v) = %+v", tt.env, *c)
			}
		})
	}
}

func TestLoadListsEveryMalformedValue(t *testing.T) {
	t.Parallel()
	_, err := Load(env(map[string]string{
		"SETTINGS":     "staging",
		"DEBUG":        "maybe",
		"DATABASE_URL": "mysql://root:hunter2@db/x",
		"PORT":         "http",
		"READ_TIMEOUT": "-1s",
		"DB_MAX_CONNS": "0",
		"LOG_FORMAT":   "xml",
	}))
	var cerr *Error
	if !errors.As(err, &cerr) {
		t.Fatalf("Load error = %v, want *Error", err)
	}
	for _, name := range []string{"SETTINGS", "DEBUG", "DATABASE_URL", "PORT", "READ_TIMEOUT", "DB_MAX_CONNS", "LOG_FORMAT"} {
		if !slices.ContainsFunc(cerr.Problems, func(p string) bool { return strings.HasPrefix(p, name+":") }) {
			t.Errorf("problems %q do not mention %s", cerr.Problems, name)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the database password: %v", err)
	}
}

func TestProductionRefusesListingEveryProblem(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"SETTINGS":   "production",
		"DEBUG":      "true",
		"SECRET_KEY": "changeme",
		"API_URL":    "http://api.example.com",
	}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	var cerr *Error
	if !errors.As(err, &cerr) {
		t.Fatalf("Validate = %v, want *Error", err)
	}
	want := []string{"debug", "secret key", "allowed hosts", "database", "API URL", "API credentials", "base URL"}
	var got []string
	for _, p := range cerr.Problems {
		got = append(got, p[:strings.Index(p, ":")])
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q\nnames %q, want %q", cerr.Problems, got, want)
	}
}

func TestSecretKeyCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		ok   bool
		word string
	}{
		{"", false, "unset"},
		{"django-insecure-" + strings.Repeat("abcdef", 10), false, "default"},
		{"CHANGEME!!!", false, "default"},
		{strings.Repeat("ab", 24), false, "fewer than 50"},
		{strings.Repeat("abab", 13), false, "distinct"},
		{strings.Repeat("q7Zpx", 11), true, "55 characters"},
	}
	for _, tt := range tests {
		c := &Config{SecretKey: tt.key}
		got := c.secretCheck()
		if got.OK != tt.ok || !strings.Contains(got.Detail, tt.word) {
			t.Errorf("secretCheck(%q) = %+v, want ok %v mentioning %q", tt.key, got, tt.ok, tt.word)
		}
		if tt.key != "" && strings.Contains(got.Detail, tt.key) {
			t.Errorf("secretCheck(%q) shows the key: %q", tt.key, got.Detail)
		}
	}
}

func TestProductionPasses(t *testing.T) {
	t.Parallel()
	c, err := Load(env(goodProduction()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	for _, ch := range c.Checks() {
		if !ch.OK {
			t.Errorf("check %s failed: %s", ch.Name, ch.Detail)
		}
	}
	if !c.SecureCookies() || !c.SSLRedirect() || c.HSTS() != HSTSMaxAge || c.UsesSimulator() {
		t.Errorf("production switches: cookies %v redirect %v hsts %v simulator %v", c.SecureCookies(), c.SSLRedirect(), c.HSTS(), c.UsesSimulator())
	}
}

func TestWildcardHostFails(t *testing.T) {
	t.Parallel()
	e := goodProduction()
	e["ALLOWED_HOSTS"] = "*"
	e["BASE_URL"] = "https://phenolink.example.org"
	c, err := Load(env(e))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	if err == nil || !strings.Contains(err.Error(), "allowed hosts") {
		t.Errorf("Validate with ALLOWED_HOSTS=* = %v, want an allowed hosts problem", err)
	}
}

func TestSettingsMaskSecrets(t *testing.T) {
	t.Parallel()
	c, err := Load(env(goodProduction()))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range c.Settings() {
		got[s.Name] = s
	}
	if len(got) != len(Options()) {
		t.Errorf("Settings has %d entries, want one per option (%d)", len(got), len(Options()))
	}
	for _, name := range []string{"SECRET_KEY", "DATABASE_URL", "API_CLIENT_SECRET"} {
		if got[name].Value != "********" || got[name].Source != name {
			t.Errorf("setting %s = %+v, want masked from %s", name, got[name], name)
		}
	}
	if s := got["API_URL"]; s.Value != "https://api.23andme.com" || s.Source != "default" {
		t.Errorf("setting API_URL = %+v", s)
	}
}
