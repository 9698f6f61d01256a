package assets

import (
	"net/http"
	"strconv"
	"strings"
)

// cacheForever lets browsers and proxies keep a file for a year without
// revalidating: its URL changes whenever its content does.
const cacheForever = "public, max-age=31536000, immutable"

// Handler serves the built files at "/static/<hash>/<name>". Mount it at
// "/static/" without http.StripPrefix (a stripped path works too). Only
// the current hash is answered; an unknown or stale hash is 404, never a
// redirect, so a cached page cannot pin new content under an old URL.
func (b *Bundle) Handler() http.Handler {
	return http.HandlerFunc(b.serve)
}

// serve answers one request for a built file from the current build.
func (b *Bundle) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a := b.lookup(r.URL.Path)
	if a == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", cacheForever)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	body, etag := a.body, `"`+a.hash+`"`
	if a.gzipped != nil && acceptsGzip(r.Header.Values("Accept-Encoding")) {
		// Each encoding is its own representation, so it needs its own
		// strong ETag.
		body, etag = a.gzipped, `"`+a.hash+`-gzip"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	// http.ServeContent is not used: it drops Content-Length whenever
	// Content-Encoding is set, and Range requests are not worth serving
	// for files this small.
	if etagMatches(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		// The client may have gone; nothing useful can be done about it.
		_, _ = w.Write(body)
	}
}

// etagMatches reports whether an If-None-Match header names etag or "*".
// Weak comparison applies, as RFC 9110 requires for If-None-Match.
func etagMatches(values []string, etag string) bool {
	for _, v := range values {
		for _, candidate := range strings.Split(v, ",") {
			candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
			if candidate == "*" || candidate == etag {
				return true
			}
		}
	}
	return false
}

// lookup finds the current build's file for a request path, or nil.
func (b *Bundle) lookup(urlPath string) *asset {
	p := strings.TrimPrefix(urlPath, "/static/")
	p = strings.TrimPrefix(p, "/")
	hash, name, ok := strings.Cut(p, "/")
	if !ok {
		return nil
	}
	a, ok := b.current.Load().byName[name]
	if !ok || a.hash != hash {
		return nil
	}
	return a
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip,
// honouring q=0 refusals and the "*" wildcard.
func acceptsGzip(values []string) bool {
	wildcard := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" && coding != "*" {
				continue
			}
			ok := qualityAllows(params)
			if coding == "*" {
				wildcard = ok
				continue
			}
			return ok
		}
	}
	return wildcard
}

// qualityAllows reports whether an Accept-Encoding entry's parameters
// leave it acceptable, that is, carry no q of zero.
func qualityAllows(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil && q > 0
	}
	return true
}
