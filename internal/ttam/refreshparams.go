package ttam

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
)

// maxTokenRequest bounds the token request body read back for rewriting.
const maxTokenRequest = 64 << 10

// withRefreshParams returns a copy of hc whose transport adds redirect_uri
// and scope to refresh-token requests to tokenURL. The reference lists both
// as refresh parameters, but the oauth2 library sends only grant_type and
// refresh_token when it refreshes; every other request passes unchanged.
func withRefreshParams(hc *http.Client, tokenURL, redirectURI, scope string) *http.Client {
	c := *hc
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.Transport = &refreshParams{base: base, tokenURL: tokenURL, redirectURI: redirectURI, scope: scope}
	return &c
}

// refreshParams is the transport withRefreshParams installs.
type refreshParams struct {
	base                         http.RoundTripper
	tokenURL, redirectURI, scope string
}

// RoundTrip implements http.RoundTripper.
func (t *refreshParams) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || req.Body == nil || req.URL.String() != t.tokenURL {
		return t.base.RoundTrip(req)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxTokenRequest))
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err == nil && form.Get("grant_type") == "refresh_token" {
		if form.Get("redirect_uri") == "" {
			form.Set("redirect_uri", t.redirectURI)
		}
		if form.Get("scope") == "" {
			form.Set("scope", t.scope)
		}
		body = []byte(form.Encode())
	}
	// A RoundTripper must not change the caller's request: send a clone.
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return t.base.RoundTrip(r)
}
