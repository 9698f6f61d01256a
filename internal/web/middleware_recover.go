package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// recoverPanic turns a panic in a handler into a logged 500 page instead of
// a dropped connection. http.ErrAbortHandler is the deliberate way to abort
// a response and is passed on.
func recoverPanic(log *slog.Logger, pages *renderer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec, _ := recorderFor(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic", "request_id", requestIDFrom(r.Context()),
					"path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rec.status != 0 {
					// Part of the response is out; all we can do is cut it.
					panic(http.ErrAbortHandler)
				}
				pages.error(w, r, fmt.Errorf("panic: %v", v))
			}()
			next.ServeHTTP(rec, r)
		})
	}
}
