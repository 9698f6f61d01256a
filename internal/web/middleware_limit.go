package web

import (
	"net/http"
)

// limitBody cuts request bodies off at max bytes; a handler reading past it
// gets an *http.MaxBytesError, which the error page turns into 413. A POST
// to a path in larger gets that path's bound instead, for the one or two
// routes (file uploads) that need more than every form does.
func limitBody(defaultMax int64, larger map[string]int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if defaultMax <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			max := defaultMax
			if n, ok := larger[r.URL.Path]; ok && r.Method == http.MethodPost {
				max = n
			}
			if r.ContentLength > max {
				http.Error(w, "Request body too large.", http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
			next.ServeHTTP(w, r)
		})
	}
}

// limitConcurrency serves at most n requests at once and answers 503 with
// Retry-After beyond that, so that a burst sheds load quickly instead of
// queueing until every request times out.
func limitConcurrency(n int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if n <= 0 {
			return next
		}
		slots := make(chan struct{}, n)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
				next.ServeHTTP(w, r)
			default:
				w.Header().Set("Retry-After", "1")
				http.Error(w, "The server is busy. Try again in a moment.", http.StatusServiceUnavailable)
			}
		})
	}
}
