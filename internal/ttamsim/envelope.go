package ttamsim

import (
	"net/http"
	"strconv"
)

// Paging bounds for list envelopes.
const (
	defaultLimit = 100
	maxLimit     = 10_000
)

// envelope is the v3 list shape.
type envelope struct {
	Data  any   `json:"data"`
	Links links `json:"links"`
}

type links struct {
	Next *string `json:"next"`
}

// pageBounds reads limit and offset and returns the slice bounds of the
// page within n items and the URL of the next page, if any.
func pageBounds(r *http.Request, n int) (from, to int, next *string, err error) {
	limit, offset := defaultLimit, 0
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		limit, err = strconv.Atoi(v)
		if err != nil || limit < 1 || limit > maxLimit {
			return 0, 0, nil, errorf(http.StatusBadRequest, "invalid_request", "limit %q: want a whole number from 1 to %d.", v, maxLimit)
		}
	}
	if v := q.Get("offset"); v != "" {
		offset, err = strconv.Atoi(v)
		if err != nil || offset < 0 {
			return 0, 0, nil, errorf(http.StatusBadRequest, "invalid_request", "offset %q: want a whole number, 0 or more.", v)
		}
	}
	from = min(offset, n)
	to = min(from+limit, n)
	if to < n {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		if r.TLS != nil {
			u.Scheme = "https"
		}
		q.Set("offset", strconv.Itoa(to))
		q.Set("limit", strconv.Itoa(limit))
		u.RawQuery = q.Encode()
		link := u.String()
		next = &link
	}
	return from, to, next, nil
}

// page answers one page of items in the envelope.
func page[T any](w http.ResponseWriter, r *http.Request, items []T) error {
	from, to, next, err := pageBounds(r, len(items))
	if err != nil {
		return err
	}
	data := items[from:to]
	if data == nil {
		data = []T{}
	}
	writeJSON(w, http.StatusOK, envelope{Data: data, Links: links{Next: next}})
	return nil
}
