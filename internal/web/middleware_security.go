package web

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// securityHeaders sets the headers every response carries. The policy
// allows no inline script or style; forms may also post to the API's
// origin because logout and sign-in redirect there.
func securityHeaders(s Settings) func(http.Handler) http.Handler {
	formAction := "'self'"
	if o := origin(s.APIURL); o != "" {
		formAction += " " + o
	}
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action " + formAction
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			next.ServeHTTP(w, r)
		})
	}
}

// origin returns the scheme://host of a URL, or "" when it has none.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// crossOriginProtection refuses state-changing requests from other sites
// with the standard library's Fetch-metadata check, rendering a page that
// says what happened.
func crossOriginProtection(pages *renderer) func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages.page(w, r, http.StatusForbidden, "error", errorPage{
			Status:  http.StatusForbidden,
			Heading: "That form came from another site",
			Message: "For your safety Phenolink only accepts forms sent from its own pages. Go back to Phenolink and try again from there.",
		})
	}))
	return cop.Handler
}

// healthPath is exempt from the HTTPS redirect and the host check: platform
// health checks reach a process directly, by its address and over plain
// HTTP, and the answer reveals nothing.
const healthPath = "/healthz"

// strictTransport tells browsers to use HTTPS only, for two years.
func strictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		next.ServeHTTP(w, r)
	})
}

// redirectToHTTPS sends plain-HTTP requests to HTTPS. Behind Heroku's router
// the connection is always plain, so the router's X-Forwarded-Proto says
// what the browser used; it is trusted only in production, where the router
// is the only way in.
func redirectToHTTPS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" || r.URL.Path == healthPath {
			next.ServeHTTP(w, r)
			return
		}
		u := url.URL{Scheme: "https", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
		status := http.StatusMovedPermanently
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// 308 keeps the method and body.
			status = http.StatusPermanentRedirect
		}
		http.Redirect(w, r, u.String(), status)
	})
}

// checkHost answers 400 to any Host header not in allowed, so that links
// and redirect URIs built from the request cannot point elsewhere. An entry
// starting with a dot allows that domain's subdomains.
func checkHost(allowed []string) func(http.Handler) http.Handler {
	norm := make([]string, 0, len(allowed))
	for _, h := range allowed {
		norm = append(norm, strings.ToLower(strings.TrimSpace(h)))
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !hostAllowed(r.Host, norm) && r.URL.Path != healthPath {
				http.Error(w, "Bad Request: unknown host", http.StatusBadRequest)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func hostAllowed(hostport string, allowed []string) bool {
	host := strings.ToLower(hostport)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")
	if slices.Contains(allowed, "*") || slices.Contains(allowed, host) {
		return true
	}
	for _, a := range allowed {
		if strings.HasPrefix(a, ".") && (strings.HasSuffix(host, a) || host == a[1:]) {
			return true
		}
	}
	return false
}
