package assets

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
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
	// ServeContent answers If-None-Match, HEAD and Range from these bytes.
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
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
