package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// logBuffer collects log output so tests can wait for a message; the
// watcher writes from its own goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newTestLogger() (*slog.Logger, *logBuffer) {
	var lb logBuffer
	return slog.New(slog.NewTextHandler(&lb, &slog.HandlerOptions{Level: slog.LevelDebug})), &lb
}

// get sends one request through the bundle's handler.
func get(t testing.TB, b *Bundle, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	b.Handler().ServeHTTP(rec, req)
	return rec.Result()
}

// decodedBody returns the response body with any gzip encoding removed.
func decodedBody(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("gzip.NewReader: %v", err)
		}
		r = zr
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return data
}

// mustBuild builds from the embedded dist.
func mustBuild(t testing.TB) *Bundle {
	t.Helper()
	b, err := Build(Options{})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b
}

// distFile reads one committed output file, the bytes the handler must
// serve.
func distFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := dist.ReadFile("dist/" + name)
	if err != nil {
		t.Fatalf("read dist/%s: %v", name, err)
	}
	return data
}

// hashOf returns the hash segment of a URL from Bundle.URL.
func hashOf(t testing.TB, url string) string {
	t.Helper()
	parts := strings.Split(url, "/")
	if len(parts) != 4 {
		t.Fatalf("URL %q is not /static/<hash>/<name>", url)
	}
	return parts[2]
}
