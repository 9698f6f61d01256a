package ttam

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"phenolink/internal/phenolink"
)

// Kind classifies a failed call. Callers test it with errors.Is against the
// Err* sentinels rather than reading HTTP status codes.
type Kind int

// Kinds of failure.
const (
	KindBadRequest      Kind = iota + 1 // 400, or an OAuth request the server refused as malformed
	KindUnauthenticated                 // 401, or a code or refresh token the server no longer accepts
	KindForbidden                       // 403 (scope not granted), or the person denied access
	KindNotFound                        // 404
	KindUnprocessable                   // 422
	KindRateLimited                     // 429
	KindServer                          // 5xx
	KindNetwork                         // no response: connection refused, reset, timed out
	KindBadResponse                     // a response the client cannot read: oversized or malformed
	KindClient                          // the server rejected this app's own credentials or settings
	KindState                           // the OAuth callback's state does not match the one sent
)

// Sentinels for errors.Is; an *APIError matches the one of its kind.
var (
	ErrBadRequest      = errors.New("ttam: bad request")
	ErrUnauthenticated = errors.New("ttam: not authenticated")
	ErrForbidden       = errors.New("ttam: forbidden")
	ErrNotFound        = errors.New("ttam: not found")
	ErrUnprocessable   = errors.New("ttam: unprocessable")
	ErrRateLimited     = errors.New("ttam: rate limited")
	ErrServer          = errors.New("ttam: server error")
	ErrNetwork         = errors.New("ttam: network error")
	ErrBadResponse     = errors.New("ttam: unreadable response")
	ErrClient          = errors.New("ttam: client misconfigured")
	ErrState           = errors.New("ttam: oauth state mismatch")
)

var kindSentinels = map[Kind]error{
	KindBadRequest:      ErrBadRequest,
	KindUnauthenticated: ErrUnauthenticated,
	KindForbidden:       ErrForbidden,
	KindNotFound:        ErrNotFound,
	KindUnprocessable:   ErrUnprocessable,
	KindRateLimited:     ErrRateLimited,
	KindServer:          ErrServer,
	KindNetwork:         ErrNetwork,
	KindBadResponse:     ErrBadResponse,
	KindClient:          ErrClient,
	KindState:           ErrState,
}

// domainErrors is what the web layer shows for each kind: a phenolink code
// and a message that tells the person what to do next.
var domainErrors = map[Kind]*phenolink.Error{
	KindBadRequest:      {Code: phenolink.EINTERNAL, Message: "23andMe rejected a request from Phenolink. This is a bug on our side; please try again later."},
	KindUnauthenticated: {Code: phenolink.EUNAUTHORIZED, Message: "Your 23andMe sign-in has expired or was revoked. Sign in with 23andMe again."},
	KindForbidden:       {Code: phenolink.EFORBIDDEN, Message: "23andMe did not give Phenolink access to this data. Sign in with 23andMe again and allow the permissions asked for."},
	KindNotFound:        {Code: phenolink.ENOTFOUND, Message: "23andMe has no such profile, marker or report."},
	KindUnprocessable:   {Code: phenolink.EINVALID, Message: "23andMe could not process this request, for example because the profile is not genotyped yet."},
	KindRateLimited:     {Code: phenolink.EUNAVAILABLE, Message: "23andMe is busy right now. Try again in a minute."},
	KindServer:          {Code: phenolink.EUNAVAILABLE, Message: "23andMe is not answering properly right now. Try again later."},
	KindNetwork:         {Code: phenolink.EUNAVAILABLE, Message: "Phenolink cannot reach 23andMe right now. Try again later."},
	KindBadResponse:     {Code: phenolink.EUNAVAILABLE, Message: "23andMe sent a response Phenolink cannot read. Try again later."},
	KindClient:          {Code: phenolink.EINTERNAL, Message: "Phenolink's 23andMe settings are wrong. This is a problem on our side."},
	KindState:           {Code: phenolink.EINVALID, Message: "This sign-in link has expired or was already used. Start signing in with 23andMe again."},
}

// APIError is a failed call to the 23andMe API or its OAuth endpoints. Its
// text names the operation, the status and the server's error code, never a
// token.
type APIError struct {
	Op          string        // the client operation and its arguments, e.g. `ttam.Profile("p1")`
	Kind        Kind          // what went wrong, for errors.Is
	Status      int           // the HTTP status, 0 when there was no response
	Code        string        // the server's "error" field, e.g. "invalid_grant"
	Description string        // the server's "error_description" field
	RetryAfter  time.Duration // the server's Retry-After on a 429 or 503, 0 when absent
	Attempts    int           // how many requests were sent, counting retries
	Err         error         // the underlying cause (network or decoding), if any
}

// Error implements the error interface.
func (e *APIError) Error() string {
	s := e.Op + ": " + e.Kind.String()
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Code != "" {
		s += ": " + e.Code
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap exposes the kind's sentinel, the domain error the web layer shows
// (so phenolink.ErrorCode and ErrorMessage work on it) and the cause.
func (e *APIError) Unwrap() []error {
	errs := make([]error, 0, 3)
	if s, ok := kindSentinels[e.Kind]; ok {
		errs = append(errs, s)
	}
	if d, ok := domainErrors[e.Kind]; ok {
		// A copy, so that no caller can change the shared message.
		c := *d
		errs = append(errs, &c)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Temporary reports whether the same call may succeed later unchanged.
func (e *APIError) Temporary() bool {
	switch e.Kind {
	case KindRateLimited, KindServer, KindNetwork:
		return true
	}
	return false
}

// String names the kind in words, as error texts show it.
func (k Kind) String() string {
	if s, ok := kindSentinels[k]; ok {
		return strings.TrimPrefix(s.Error(), "ttam: ")
	}
	return fmt.Sprintf("unknown failure (kind %d)", int(k))
}

// kindOfStatus maps an HTTP error status to its kind.
func kindOfStatus(status int) Kind {
	switch {
	case status == 401:
		return KindUnauthenticated
	case status == 403:
		return KindForbidden
	case status == 404:
		return KindNotFound
	case status == 422:
		return KindUnprocessable
	case status == 429:
		return KindRateLimited
	case status >= 500:
		return KindServer
	}
	return KindBadRequest
}

// kindOfOAuthCode maps an RFC 6749 error code to its kind.
func kindOfOAuthCode(code string) Kind {
	switch code {
	case "invalid_grant":
		return KindUnauthenticated
	case "access_denied":
		return KindForbidden
	case "invalid_client", "unauthorized_client", "unsupported_response_type", "invalid_scope":
		return KindClient
	case "temporarily_unavailable":
		return KindServer
	}
	return KindBadRequest
}
