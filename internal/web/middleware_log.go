package web

import (
	"log/slog"
	"net/http"
	"time"
)

// statusRecorder remembers the status and size of a response for the access
// log and the metrics. Unwrap lets http.ResponseController reach the
// underlying writer's Flush and deadlines.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// code returns the status sent, 200 when the handler wrote nothing.
func (s *statusRecorder) code() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// recorderFor returns w itself when an outer middleware already wrapped it,
// so that each request allocates one recorder.
func recorderFor(w http.ResponseWriter) (*statusRecorder, bool) {
	if rec, ok := w.(*statusRecorder); ok {
		return rec, false
	}
	return &statusRecorder{ResponseWriter: w}, true
}

// logAccess writes one structured line per request. It logs the path but
// not the query, which on /receive_code/ holds a one-time code.
func logAccess(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec, _ := recorderFor(w)
			next.ServeHTTP(rec, r)
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", requestIDFrom(r.Context())),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", patternFrom(r.Context())),
				slog.Int("status", rec.code()),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)),
				slog.String("remote", r.RemoteAddr),
			)
		})
	}
}
