package ttamsim

import (
	"fmt"
	"net"
	"net/url"
)

// parseRedirectURI accepts absolute http(s) URIs without a fragment.
func parseRedirectURI(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return nil, fmt.Errorf("redirect URI %q: want an absolute http(s) URI without a fragment", s)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redirectMatches reports whether uri may be used for a client registered
// with registered: exactly, or for loopback hosts with any port (RFC 8252
// section 7.3).
func redirectMatches(registered []string, uri string) bool {
	got, err := parseRedirectURI(uri)
	if err != nil {
		return false
	}
	for _, r := range registered {
		if r == uri {
			return true
		}
		want, err := parseRedirectURI(r)
		if err != nil || !isLoopback(want.Hostname()) {
			continue
		}
		if got.Scheme == want.Scheme && got.Hostname() == want.Hostname() &&
			got.EscapedPath() == want.EscapedPath() && got.RawQuery == want.RawQuery && got.User == nil {
			return true
		}
	}
	return false
}

// withParams returns uri with params added to its query, keeping what the
// client put there.
func withParams(uri string, params url.Values) string {
	u, err := url.Parse(uri)
	if err != nil {
		return uri
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
