package assets

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHandlerServesCurrentHash(t *testing.T) {
	b := mustBuild(t)
	tests := []struct {
		name, file, acceptEncoding, wantType, wantEncoding string
	}{
		{"css gzip", "app.css", "gzip, deflate, br", "text/css; charset=utf-8", "gzip"},
		{"css identity without header", "app.css", "", "text/css; charset=utf-8", ""},
		{"css gzip refused with q=0", "app.css", "gzip;q=0, br", "text/css; charset=utf-8", ""},
		{"css wildcard", "app.css", "*", "text/css; charset=utf-8", "gzip"},
		{"js gzip", "app.js", "gzip", "text/javascript; charset=utf-8", "gzip"},
		{"js identity", "app.js", "identity", "text/javascript; charset=utf-8", ""},
		{"css source map", "app.css.map", "gzip", "application/json", "gzip"},
		{"js source map", "app.js.map", "", "application/json", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.acceptEncoding != "" {
				header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			resp := get(t, b, http.MethodGet, b.URL(tt.file), header)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			for k, want := range map[string]string{
				"Cache-Control":    "public, max-age=31536000, immutable",
				"Content-Type":     tt.wantType,
				"Content-Encoding": tt.wantEncoding,
				"Vary":             "Accept-Encoding",
			} {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if resp.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
			if got, want := decodedBody(t, resp), distFile(t, tt.file); !bytes.Equal(got, want) {
				t.Errorf("decoded body is %d bytes and differs from dist/%s (%d bytes)", len(got), tt.file, len(want))
			}
		})
	}
}

func TestHandlerGzipIsSmallerAndHasItsOwnETag(t *testing.T) {
	b := mustBuild(t)
	url := b.URL("app.css")
	plain := get(t, b, http.MethodGet, url, nil)
	zipped := get(t, b, http.MethodGet, url, http.Header{"Accept-Encoding": {"gzip"}})
	if plain.ContentLength <= 0 || zipped.ContentLength <= 0 || zipped.ContentLength >= plain.ContentLength {
		t.Errorf("Content-Length identity %d, gzip %d: want gzip smaller", plain.ContentLength, zipped.ContentLength)
	}
	if plain.Header.Get("ETag") == zipped.Header.Get("ETag") {
		t.Errorf("identity and gzip share ETag %q", plain.Header.Get("ETag"))
	}
}

func TestHandlerNotFound(t *testing.T) {
	b := mustBuild(t)
	hash := hashOf(t, b.URL("app.css"))
	tests := []struct{ name, target string }{
		{"unknown hash", "/static/0123456789abcdef/app.css"},
		{"another file's hash", "/static/" + hashOf(t, b.URL("app.js")) + "/app.css"},
		{"unknown file", "/static/" + hash + "/other.css"},
		{"no hash", "/static/app.css"},
		{"prefix only", "/static/"},
		{"hash only", "/static/" + hash + "/"},
		{"nested name", "/static/" + hash + "/x/app.css"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, b, http.MethodGet, tt.target, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status = %d, want 404", tt.target, resp.StatusCode)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "" {
				t.Errorf("GET %s: 404 carries Cache-Control %q", tt.target, cc)
			}
		})
	}
}

func TestHandlerHead(t *testing.T) {
	b := mustBuild(t)
	resp := get(t, b, http.MethodHead, b.URL("app.js"), http.Header{"Accept-Encoding": {"gzip"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	if body, _ := io.ReadAll(resp.Body); len(body) != 0 {
		t.Errorf("HEAD returned %d body bytes", len(body))
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Length") == "" {
		t.Errorf("HEAD headers = %v, want gzip with a Content-Length", resp.Header)
	}
}

func TestHandlerConditionalAndMethods(t *testing.T) {
	b := mustBuild(t)
	url := b.URL("app.css")
	first := get(t, b, http.MethodGet, url, http.Header{"Accept-Encoding": {"gzip"}})
	etag := first.Header.Get("ETag")

	again := get(t, b, http.MethodGet, url, http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {etag}})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status = %d, want 304", etag, again.StatusCode)
	}
	post := get(t, b, http.MethodPost, url, nil)
	if post.StatusCode != http.StatusMethodNotAllowed || post.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status = %d, Allow = %q; want 405 with GET, HEAD", post.StatusCode, post.Header.Get("Allow"))
	}
}

func TestHandlerMounted(t *testing.T) {
	b := mustBuild(t)
	tests := []struct {
		name    string
		handler http.Handler
	}{
		{"at /static/", b.Handler()},
		{"under StripPrefix", http.StripPrefix("/static", b.Handler())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.Handle("GET /static/", tt.handler)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, b.URL("app.css"), nil))
			if rec.Code != http.StatusOK {
				t.Errorf("status = %d, want 200", rec.Code)
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"GZIP"}, true},
		{[]string{"deflate, gzip;q=1.0, *;q=0.5"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"br", "gzip"}, true},
		{[]string{"br"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"x-gzip"}, true},
		{[]string{"identity"}, false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestETagMatches(t *testing.T) {
	const etag = `"abc-gzip"`
	tests := []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{`"abc"`}, false},
		{[]string{`"abc-gzip"`}, true},
		{[]string{`W/"abc-gzip"`}, true},
		{[]string{`"x", "abc-gzip"`}, true},
		{[]string{`"x"`, `"abc-gzip"`}, true},
		{[]string{`*`}, true},
	}
	for _, tt := range tests {
		if got := etagMatches(tt.header, etag); got != tt.want {
			t.Errorf("etagMatches(%q, %s) = %v, want %v", tt.header, etag, got, tt.want)
		}
	}
}
