package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"phenolink/internal/assets"
)

func TestLimitConcurrencySheds(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	h := limitConcurrency(1)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}()
	<-entered
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	close(release)
	<-done
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("second request = %d Retry-After %q, want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	rec = httptest.NewRecorder()
	h2 := limitConcurrency(1)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	h2.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("request under the limit = %d", rec.Code)
	}
}

func TestRecoverPanicRendersErrorPage(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	h := requestID(recoverPanic(log, testRenderer(t))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != http.StatusInternalServerError || !strings.Contains(string(body), "Something went wrong") {
		t.Fatalf("panic gave %d, want the 500 page", rec.Code)
	}
	if strings.Contains(string(body), "boom") {
		t.Error("the panic value leaked to the page outside DEBUG")
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), rec.Header().Get("X-Request-ID")) {
		t.Error("the panic was not logged with its request id")
	}
}

func TestRequestIDFromRouterIsKeptWhenSane(t *testing.T) {
	tests := []struct {
		in   string
		keep bool
	}{
		{"0b7c2a3e-5d1f-4c8e-9a2b-3f4e5d6c7b8a", true},
		{"short", false},
		{"bad id\nforged=log", false},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Request-ID", tt.in)
		requestID(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).ServeHTTP(rec, req)
		if got := rec.Header().Get("X-Request-ID") == tt.in; got != tt.keep {
			t.Errorf("X-Request-ID %q kept = %v, want %v", tt.in, got, tt.keep)
		}
	}
}

// testRenderer returns a renderer outside a running app.
func testRenderer(t *testing.T) *renderer {
	t.Helper()
	bundle, err := assets.Build(assets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rn, err := newRenderer(slog.New(slog.DiscardHandler), Settings{}, bundle, newSessionManager(newSQLite(t), Settings{}))
	if err != nil {
		t.Fatal(err)
	}
	return rn
}

func TestHostAllowed(t *testing.T) {
	allowed := []string{"phenolink.example.org", ".herokuapp.com"}
	tests := []struct {
		host string
		want bool
	}{
		{"phenolink.example.org", true},
		{"PHENOLINK.example.org:443", true},
		{"phenolink.example.org.", true},
		{"my-app.herokuapp.com", true},
		{"herokuapp.com", true},
		{"evilherokuapp.com", false},
		{"phenolink.example.org.evil.com", false},
		{"evil.com", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := hostAllowed(tt.host, allowed); got != tt.want {
			t.Errorf("hostAllowed(%q) = %v, want %v", tt.host, got, tt.want)
		}
	}
}
