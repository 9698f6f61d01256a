package ttamsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// apiError is an error the simulator answers with its own status and the
// 23andMe error body {"error":..., "error_description":...}.
type apiError struct {
	status      int
	code        string
	description string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.code, e.description)
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, description: fmt.Sprintf(format, args...)}
}

// errorBody is the JSON every error carries.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers err: its own status for an apiError, 500 otherwise.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		s.cfg.Logger.Error("ttamsim: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errorf(http.StatusInternalServerError, "internal_error", "The simulator failed; see its log.")
	}
	if e.status == http.StatusUnauthorized && e.code == "invalid_token" {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description=%q`, e.description))
	}
	writeJSON(w, e.status, errorBody{Error: e.code, ErrorDescription: e.description})
}
