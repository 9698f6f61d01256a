package ttam

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// sleepRecorder stands in for the retry policy's sleep: it returns at once
// and remembers every wait asked for.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testClient is a client against h with instant, recorded retries and
// debug logs captured.
type testClient struct {
	*Client
	srv    *httptest.Server
	sleeps *sleepRecorder
	logs   *syncBuffer
}

func newTestClient(t *testing.T, h http.Handler, tokens Tokens) *testClient {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return newTestClientFor(t, srv, tokens)
}

func newTestClientFor(t *testing.T, srv *httptest.Server, tokens Tokens) *testClient {
	t.Helper()
	sleeps := &sleepRecorder{}
	logs := &syncBuffer{}
	c, err := NewClient(ClientConfig{
		APIURL:     srv.URL,
		Tokens:     tokens,
		HTTPClient: srv.Client(),
		Retry:      RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Jitter: func() float64 { return 0 }, Sleep: sleeps.sleep},
		Logger:     slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Timeout:    5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &testClient{Client: c, srv: srv, sleeps: sleeps, logs: logs}
}

// fakeTokens serves a current token and counts refreshes; each refresh
// moves to the next token of the list.
type fakeTokens struct {
	mu        sync.Mutex
	tokens    []string
	refreshes int
}

func (f *fakeTokens) Token(context.Context) (*oauth2.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &oauth2.Token{AccessToken: f.tokens[min(f.refreshes, len(f.tokens)-1)]}, nil
}

func (f *fakeTokens) Refresh(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
	f.mu.Lock()
	f.refreshes++
	f.mu.Unlock()
	return f.Token(ctx)
}

func (f *fakeTokens) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refreshes
}
