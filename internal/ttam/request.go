package ttam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"
)

// maxErrorBody bounds how much of an error response is read for its
// "error" and "error_description" fields.
const maxErrorBody = 64 << 10

// request is one idempotent GET as the client's retry loop sees it.
type request struct {
	op       string   // names the call in errors, e.g. `ttam.Profile("p1")`
	url      *url.URL // absolute, on the API's host
	auth     bool     // send the bearer token
	maxBytes int64    // bound on the success body
	timeout  time.Duration
	accept   string // the Accept header; default application/json
	// decode reads the success body; it must not retain it.
	decode func(io.Reader) error
}

// decodeJSON returns a decode function that unmarshals one JSON value into v.
func decodeJSON(v any) func(io.Reader) error {
	return func(r io.Reader) error {
		return json.NewDecoder(r).Decode(v)
	}
}

// get runs r, retrying what may succeed on a second try and refreshing the
// token once after a 401. Every failure is an *APIError.
func (c *Client) get(ctx context.Context, r request) error {
	if r.auth && c.tokens == nil {
		return &APIError{Op: r.op, Kind: KindClient, Description: "the client has no token source for an endpoint that needs one"}
	}
	if r.timeout <= 0 {
		r.timeout = c.timeout
	}
	var tok *oauth2.Token
	if r.auth {
		var err error
		if tok, err = c.tokens.Token(ctx); err != nil {
			return fmt.Errorf("%s: %w", r.op, err)
		}
	}
	refreshed := false
	retries := 0
	for attempts := 1; ; attempts++ {
		apiErr := c.attempt(ctx, r, tok, attempts)
		if apiErr == nil {
			return nil
		}
		apiErr.Op, apiErr.Attempts = r.op, attempts
		if apiErr.Kind == KindUnauthenticated && r.auth && !refreshed {
			// The access token may have expired early or been revoked
			// server side: one refresh, one more try.
			refreshed = true
			var err error
			if tok, err = c.tokens.Refresh(ctx, tok); err != nil {
				return fmt.Errorf("%s: after HTTP 401: %w", r.op, err)
			}
			continue
		}
		if !apiErr.Temporary() || retries+1 >= c.retry.MaxAttempts || ctx.Err() != nil {
			return apiErr
		}
		wait := c.retry.Delay(retries, apiErr.RetryAfter)
		retries++
		c.log.LogAttrs(ctx, slog.LevelWarn, "ttam: retrying",
			slog.String("op", r.op), slog.Int("status", apiErr.Status),
			slog.Int("attempt", attempts), slog.Duration("wait", wait))
		if err := c.retry.Sleep(ctx, wait); err != nil {
			return apiErr
		}
	}
}

// attempt sends r once and reads its answer.
func (c *Client) attempt(ctx context.Context, r request, tok *oauth2.Token, n int) *APIError {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url.String(), nil)
	if err != nil {
		return &APIError{Kind: KindClient, Err: err}
	}
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	if tok != nil {
		tok.SetAuthHeader(req)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.logAttempt(ctx, r, n, 0, start)
		return &APIError{Kind: KindNetwork, Err: err}
	}
	defer resp.Body.Close()
	c.logAttempt(ctx, r, n, resp.StatusCode, start)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusError(resp, c.retry.Now())
	}
	body := &boundedReader{r: resp.Body, left: r.maxBytes}
	if err := r.decode(body); err != nil {
		switch {
		case body.tooLarge:
			return &APIError{Kind: KindBadResponse, Status: resp.StatusCode, Err: fmt.Errorf("body exceeds %d bytes", r.maxBytes)}
		case body.readErr != nil:
			// The connection broke mid-body: worth another try.
			return &APIError{Kind: KindNetwork, Status: resp.StatusCode, Err: body.readErr}
		}
		return &APIError{Kind: KindBadResponse, Status: resp.StatusCode, Err: err}
	}
	// Drain a little so the connection can be reused.
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	return nil
}

// logAttempt records one request; the URL's path is enough to trace it and
// carries no secret (tokens travel only in the Authorization header).
func (c *Client) logAttempt(ctx context.Context, r request, n, status int, start time.Time) {
	c.log.LogAttrs(ctx, slog.LevelDebug, "ttam: request",
		slog.String("op", r.op), slog.String("path", r.url.Path),
		slog.Int("attempt", n), slog.Int("status", status),
		slog.Duration("elapsed", time.Since(start)))
}

// statusError reads an error response into an *APIError.
func statusError(resp *http.Response, now time.Time) *APIError {
	e := &APIError{Kind: kindOfStatus(resp.StatusCode), Status: resp.StatusCode}
	if resp.StatusCode < 400 {
		e.Kind = KindBadResponse
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if json.Unmarshal(raw, &body) == nil {
		e.Code, e.Description = clip(body.Error, 100), clip(body.Description, 300)
	}
	return e
}

// clip bounds a server-supplied string before it goes into an error text.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// errBodyTooLarge stops a decoder at a body's bound.
var errBodyTooLarge = errors.New("ttam: response body too large")

// boundedReader fails a read that would go past left bytes and remembers
// why reading stopped, so a decode error can be told apart from a network
// error or an oversized body.
type boundedReader struct {
	r        io.Reader
	left     int64
	tooLarge bool
	readErr  error
}

// Read implements io.Reader.
func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Peek one byte: a body of exactly the bound is fine.
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			b.tooLarge = true
			return 0, errBodyTooLarge
		}
		if err != nil && err != io.EOF {
			b.readErr = err
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		b.readErr = err
	}
	return n, err
}
