package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// parseProfile accepts a profile name or the Django settings module that
// meant it, so an existing Heroku app's DJANGO_SETTINGS_MODULE keeps working.
func parseProfile(s string) (Profile, error) {
	name := strings.TrimPrefix(strings.ToLower(s), "config.settings.")
	switch p := Profile(name); p {
	case Local, Test, Production:
		return p, nil
	}
	return "", fmt.Errorf("%q is not a settings profile: use local, test or production", s)
}

// parseBool accepts what strconv.ParseBool does plus yes/no and on/off.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "on":
		return true, nil
	case "no", "off":
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%q is not a boolean: use true or false", s)
	}
	return b, nil
}

func setBool(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, s string) error {
		b, err := parseBool(s)
		*field(c) = b
		return err
	}
}

func setString(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, s string) error {
		*field(c) = s
		return nil
	}
}

// splitList splits a comma list, dropping blanks around and between items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func setList(field func(*Config) *[]string) func(*Config, string) error {
	return func(c *Config, s string) error {
		*field(c) = splitList(s)
		return nil
	}
}

func setDatabaseURL(c *Config, s string) error {
	u, err := url.Parse(s)
	if err != nil {
		// The parse error quotes the URL, password included.
		return errors.New("not a valid URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("scheme %q is not postgres: only Postgres URLs are supported (unset it for SQLite)", u.Scheme)
	}
	c.DatabaseURL = s
	return nil
}

// parseHTTPURL parses an absolute http or https URL and drops a trailing
// slash so paths can be appended.
func parseHTTPURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q must not have a query or fragment", s)
	}
	return strings.TrimSuffix(s, "/"), nil
}

func setAPIURL(c *Config, s string) error {
	u, err := parseHTTPURL(s)
	c.APIURL = u
	return err
}

func setBaseURL(c *Config, s string) error {
	u, err := parseHTTPURL(s)
	c.BaseURL = u
	return err
}

func checkPort(_ *Config, s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q is not a port number", s)
	}
	return nil
}

func setAddr(c *Config, s string) error {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return fmt.Errorf("%q is not host:port", s)
	}
	if err := checkPort(c, port); err != nil {
		return err
	}
	c.Addr = s
	return nil
}

func setHosts(c *Config, s string) error {
	hosts := splitList(s)
	for i, h := range hosts {
		if strings.ContainsAny(h, "/: ") {
			return fmt.Errorf("%q is not a host name (no scheme, port or path)", h)
		}
		hosts[i] = strings.ToLower(h)
	}
	c.AllowedHosts = hosts
	return nil
}

// parseDuration accepts Go durations ("30s", "1h") and bare seconds ("30").
func parseDuration(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: use for example 30s or 5m", s)
	}
	return d, nil
}

func setDuration(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, s string) error {
		d, err := parseDuration(s)
		if err == nil && d <= 0 {
			err = fmt.Errorf("%q must be positive", s)
		}
		*field(c) = d
		return err
	}
}

func setDurationOrZero(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, s string) error {
		d, err := parseDuration(s)
		if err == nil && d < 0 {
			err = fmt.Errorf("%q must not be negative", s)
		}
		*field(c) = d
		return err
	}
}

// parseBytes accepts a byte count with an optional unit: 1048576, 1MiB, 25MB.
func parseBytes(s string) (int64, error) {
	// Longest suffixes first, so "KiB" is tried before "B".
	units := [...]struct {
		suffix string
		size   int64
	}{
		{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
		{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1},
	}
	num, mult := s, int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.size
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive size: use for example 1048576, 512KiB or 64MiB", s)
	}
	return n * mult, nil
}

func setBytes(set func(*Config, int64), limit int64) func(*Config, string) error {
	return func(c *Config, s string) error {
		n, err := parseBytes(s)
		if err != nil {
			return err
		}
		if n > limit {
			return fmt.Errorf("%q is more than %d bytes", s, limit)
		}
		set(c, n)
		return nil
	}
}

func setInt(set func(*Config, int), lo, hi int) func(*Config, string) error {
	return func(c *Config, s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%q is not a whole number from %d to %d", s, lo, hi)
		}
		set(c, n)
		return nil
	}
}

func setLogLevel(c *Config, s string) error {
	if err := c.LogLevel.UnmarshalText([]byte(s)); err != nil {
		return fmt.Errorf("%q is not a log level: use debug, info, warn or error", s)
	}
	return nil
}

func setLogFormat(c *Config, s string) error {
	switch s = strings.ToLower(s); s {
	case "text", "json":
		c.LogFormat = s
		return nil
	}
	return fmt.Errorf("%q is not a log format: use text or json", s)
}
