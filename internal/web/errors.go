package web

import (
	"errors"
	"net/http"

	"phenolink/internal/phenolink"
)

// errorPage is what the error template shows.
type errorPage struct {
	Status  int
	Heading string
	Message string
	Detail  string // the full error, under DEBUG only
}

// statusOf maps a domain error code to an HTTP status. It is the one place
// that decides this; EUNAUTHORIZED never gets here because error sends the
// person to sign in instead.
func statusOf(code, method string) int {
	switch code {
	case phenolink.ENOTFOUND:
		return http.StatusNotFound
	case phenolink.EINVALID:
		if method == http.MethodPost {
			// The form was understood but its content is wrong.
			return http.StatusUnprocessableEntity
		}
		return http.StatusBadRequest
	case phenolink.EFORBIDDEN:
		return http.StatusForbidden
	case phenolink.ECONFLICT:
		return http.StatusConflict
	case phenolink.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case phenolink.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case phenolink.ENOTIMPLEMENTED:
		return http.StatusNotImplemented
	}
	return http.StatusInternalServerError
}

// headings are the titles of error pages, in words a person understands.
var headings = map[int]string{
	http.StatusBadRequest:            "That request did not make sense",
	http.StatusForbidden:             "You cannot see this",
	http.StatusNotFound:              "Page not found",
	http.StatusConflict:              "That clashes with what is already there",
	http.StatusRequestEntityTooLarge: "That is too large",
	http.StatusUnprocessableEntity:   "Please check what you entered",
	http.StatusServiceUnavailable:    "Please try again in a moment",
	http.StatusNotImplemented:        "Not available yet",
	http.StatusInternalServerError:   "Something went wrong on our side",
}

// error responds to a failed request. Domain errors show their own message;
// anything else is logged with the request id and shown as "internal error"
// so that details never leak (except under DEBUG). EUNAUTHORIZED sends the
// person to sign in, keeping what they were doing.
func (rn *renderer) error(w http.ResponseWriter, r *http.Request, err error) {
	code := phenolink.ErrorCode(err)
	if code == phenolink.EUNAUTHORIZED && hasSession(r.Context()) {
		rn.signInAgain(w, r)
		return
	}
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		code = phenolink.ETOOLARGE
		err = phenolink.Errorf(phenolink.ETOOLARGE, "The request is larger than the %d bytes this server accepts.", maxBytes.Limit)
	}
	status := statusOf(code, r.Method)
	if code == phenolink.EUNAUTHORIZED {
		status = http.StatusUnauthorized
	}
	p := errorPage{Status: status, Heading: headings[status], Message: phenolink.ErrorMessage(err)}
	if p.Heading == "" {
		p.Heading = "Please sign in"
	}
	if status >= 500 {
		rn.log.ErrorContext(r.Context(), "request failed",
			"request_id", requestIDFrom(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		if code == phenolink.EINTERNAL {
			p.Message = "Internal error. If it keeps happening, tell us the request id below."
		}
	}
	if rn.debug {
		p.Detail = err.Error()
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "30")
	}
	rn.page(w, r, status, "error", p)
}

// notFound is the page for any URL no route matches.
func (rn *renderer) notFound(w http.ResponseWriter, r *http.Request) {
	rn.error(w, r, phenolink.Errorf(phenolink.ENOTFOUND, "There is no page at this address. Check the link, or go to the start page."))
}
