package config

import (
	"fmt"
	"slices"
	"strings"
)

// MinSecretKeyLength is the shortest SECRET_KEY production accepts, as
// Django's deploy check required.
const MinSecretKeyLength = 50

// isKnownDefaultSecret reports whether k is a key published in examples and
// templates; a deployment using one has no secret at all.
func isKnownDefaultSecret(k string) bool {
	if strings.HasPrefix(k, "django-insecure-") {
		return true
	}
	switch strings.ToLower(k) {
	case "changeme", "change-me", "change_me", "secret", "secret_key", "secretkey", "notsecret",
		"!!!set django_secret_key!!!", "changeme!!!":
		return true
	}
	return false
}

// Check is one item of the deploy checklist.
type Check struct {
	Name   string // what is checked, e.g. "secret key"
	OK     bool
	Detail string // what was found, and what to do when it fails
}

// Checks runs the deploy checklist against c: the counterparts of Django's
// check --deploy. Production refuses to start unless all pass.
func (c *Config) Checks() []Check {
	return []Check{
		check("debug", !c.Debug, "DEBUG is off", "DEBUG is on: unset DEBUG (and DJANGO_DEBUG)"),
		c.secretCheck(),
		check("secure cookies", c.SecureCookies(), "cookies are sent with Secure", "cookies lack Secure outside production: set SETTINGS=production"),
		check("HSTS", c.HSTS() > 0, fmt.Sprintf("Strict-Transport-Security max-age=%d", int(c.HSTS().Seconds())), "no Strict-Transport-Security outside production: set SETTINGS=production"),
		check("SSL redirect", c.SSLRedirect(), "plain HTTP is redirected to HTTPS", "plain HTTP is served outside production: set SETTINGS=production"),
		c.allowedHostsCheck(),
		check("database", c.DatabaseURL != "", "DATABASE_URL is a Postgres URL", "DATABASE_URL is unset, so data would go to a local SQLite file that a dyno loses: add the heroku-postgresql add-on"),
		check("API URL", strings.HasPrefix(c.APIURL, "https://"), "API_URL is https: "+c.APIURL, fmt.Sprintf("API_URL %q is not https: tokens would travel in clear", c.APIURL)),
		check("API credentials", c.APIClientID != "" && c.APIClientSecret != "", "API_CLIENT_ID and API_CLIENT_SECRET are set", "API_CLIENT_ID or API_CLIENT_SECRET is unset: set both to the client registered with 23andMe"),
		c.baseURLCheck(),
	}
}

func check(name string, ok bool, pass, fail string) Check {
	if ok {
		return Check{Name: name, OK: true, Detail: pass}
	}
	return Check{Name: name, Detail: fail}
}

func (c *Config) secretCheck() Check {
	k := c.SecretKey
	unique := map[rune]bool{}
	for _, r := range k {
		unique[r] = true
	}
	var fail string
	switch {
	case k == "":
		fail = "SECRET_KEY is unset: set it to a random string of at least 50 characters (openssl rand -base64 48)"
	case isKnownDefaultSecret(k):
		fail = "SECRET_KEY is a published default: generate a new one (openssl rand -base64 48)"
	case len(k) < MinSecretKeyLength:
		fail = fmt.Sprintf("SECRET_KEY has %d characters, fewer than %d: generate a longer one (openssl rand -base64 48)", len(k), MinSecretKeyLength)
	case len(unique) < 5:
		fail = "SECRET_KEY has fewer than 5 distinct characters: generate a random one (openssl rand -base64 48)"
	}
	return check("secret key", fail == "", fmt.Sprintf("SECRET_KEY is set (%d characters)", len(k)), fail)
}

func (c *Config) baseURLCheck() Check {
	switch {
	case c.BaseURL == "":
		return check("base URL", false, "", "no public URL for the OAuth redirect URI: set ALLOWED_HOSTS (its first host is used) or BASE_URL")
	case !strings.HasPrefix(c.BaseURL, "https://"):
		return check("base URL", false, "", fmt.Sprintf("BASE_URL %q is not https", c.BaseURL))
	}
	return check("base URL", true, "the redirect URI is "+c.BaseURL+"/receive_code/", "")
}

func (c *Config) allowedHostsCheck() Check {
	switch {
	case len(c.AllowedHosts) == 0:
		return check("allowed hosts", false, "", "ALLOWED_HOSTS is empty: set it to the app's host names, e.g. yourapp.herokuapp.com")
	case slices.Contains(c.AllowedHosts, "*"):
		return check("allowed hosts", false, "", "ALLOWED_HOSTS contains *: list the app's host names instead")
	}
	return check("allowed hosts", true, "ALLOWED_HOSTS is "+strings.Join(c.AllowedHosts, ","), "")
}

// Validate returns an *Error listing every failed deploy check when c is
// the production profile, so production refuses to start half-configured.
// Other profiles always pass.
func (c *Config) Validate() error {
	if !c.Production() {
		return nil
	}
	var problems []string
	for _, ch := range c.Checks() {
		if !ch.OK {
			problems = append(problems, ch.Name+": "+ch.Detail)
		}
	}
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}
