package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to write from the server's goroutines
// while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// mapenv returns a getenv over kv.
func mapenv(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// testEnv is a local test profile in a fresh data directory, listening on
// a free loopback port, with API credentials so that no simulator starts.
func testEnv(t *testing.T) map[string]string {
	return map[string]string{
		"SETTINGS":          "test",
		"DATA_DIR":          t.TempDir(),
		"ADDR":              "127.0.0.1:0",
		"API_CLIENT_ID":     "test-client",
		"API_CLIENT_SECRET": "test-secret",
		"API_URL":           "http://127.0.0.1:9",
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "Commands:"},
		{[]string{"-h"}, "Commands:"},
		{[]string{"help"}, "Commands:"},
		{[]string{"serve", "--help"}, "Usage: phenolink serve"},
		{[]string{"migrate", "--help"}, "Usage: phenolink migrate"},
		{[]string{"check", "--help"}, "Usage: phenolink check [--deploy]"},
		{[]string{"version", "--help"}, "Usage: phenolink version"},
		// The simulator documents its own flags and SIM_* variables.
		{[]string{"sim", "--help"}, "Usage: phenolink sim"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), tt.args, mapenv(nil), &stdout, &stderr); err != nil {
				t.Fatalf("run(%q) = %v", tt.args, err)
			}
			out := stdout.String()
			wants := []string{tt.want, "SECRET_KEY (DJANGO_SECRET_KEY)", "DB_MAX_CONNS"}
			if tt.args[0] == "sim" {
				wants = []string{tt.want, "SIM_ADDR"}
			}
			for _, want := range wants {
				if !strings.Contains(out, want) {
					t.Errorf("run(%q) output lacks %q:\n%s", tt.args, want, out)
				}
			}
		})
	}
}

func TestServeHelpListsServerFlags(t *testing.T) {
	t.Parallel()
	var stdout bytes.Buffer
	if err := run(t.Context(), []string{"serve", "--help"}, mapenv(nil), &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"-addr", "-read-header-timeout", "-shutdown-timeout", "-max-body-bytes", "-max-concurrent-requests"} {
		if !strings.Contains(stdout.String(), flag) {
			t.Errorf("serve --help lacks %s", flag)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"serve", "--no-such-flag"}, "no-such-flag"},
		{[]string{"serve", "--read-timeout", "soon"}, "not a duration"},
		{[]string{"check", "extra"}, `unexpected argument "extra"`},
		{[]string{"version", "--short"}, "short"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, mapenv(nil), &stdout, &stderr)
			if !errors.Is(err, errUsage) {
				t.Fatalf("run(%q) = %v, want a usage error", tt.args, err)
			}
			if exitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", exitCode(err))
			}
			if !strings.Contains(err.Error()+stderr.String(), tt.want) {
				t.Errorf("run(%q): error %q and stderr %q do not mention %q", tt.args, err, stderr.String(), tt.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	var stdout bytes.Buffer
	if err := run(t.Context(), []string{"version"}, mapenv(nil), &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	// Test binaries carry build information without VCS stamps, so the
	// module path and Go version are what can be relied on here.
	if out := stdout.String(); !strings.HasPrefix(out, "phenolink ") || !strings.Contains(out, " go1.") {
		t.Errorf("version printed %q", out)
	}
}

func TestMigrateSQLite(t *testing.T) {
	t.Parallel()
	kv := testEnv(t)
	var first, second bytes.Buffer
	if err := run(t.Context(), []string{"migrate"}, mapenv(kv), &first, io.Discard); err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if !strings.Contains(first.String(), "from schema version 0 to") {
		t.Errorf("first migrate printed %q", first.String())
	}
	if err := run(t.Context(), []string{"migrate"}, mapenv(kv), &second, io.Discard); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if !strings.Contains(second.String(), "up to date") {
		t.Errorf("second migrate printed %q", second.String())
	}
}

// serveInBackground runs serve with hooks and returns its URL and a channel
// with run's result.
func serveInBackground(t *testing.T, ctx context.Context, kv map[string]string, h hooks, stdout io.Writer) (string, <-chan error) {
	t.Helper()
	urls := make(chan string, 1)
	h.listening = func(u string) { urls <- u }
	done := make(chan error, 1)
	go func() {
		done <- runWith(ctx, []string{"serve"}, env{getenv: mapenv(kv), stdout: stdout, stderr: io.Discard, hooks: h})
	}()
	select {
	case u := <-urls:
		return u, done
	case err := <-done:
		t.Fatalf("serve stopped before listening: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start listening within 30 s")
	}
	return "", nil
}

// waitHealthy polls /healthz until it answers 200.
func waitHealthy(t *testing.T, base string) { waitHealthyAs(t, base, nil) }

// waitHealthyAs polls /healthz with extra request headers, such as the
// Host and X-Forwarded-Proto that Heroku's router sends.
func waitHealthyAs(t *testing.T, base string, header http.Header) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, err := http.NewRequest(http.MethodGet, base+"healthz", nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header[k] = v
		}
		req.Host = req.Header.Get("Host")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %shealthz never answered 200 (last error %v)", base, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServeLocalAnswersHealthz(t *testing.T) {
	t.Parallel()
	kv := testEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout lockedBuffer
	base, done := serveInBackground(t, ctx, kv, hooks{}, &stdout)
	waitHealthy(t, base)
	if want := "Phenolink is running at " + base; !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout %q lacks %q", stdout.String(), want)
	}
	info, err := os.Stat(filepath.Join(kv["DATA_DIR"], "secret_key"))
	if err != nil {
		t.Fatalf("no generated secret key: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("secret key mode %v, want 0600", info.Mode().Perm())
	}
	if _, err := os.Stat(filepath.Join(kv["DATA_DIR"], sqliteFile)); err != nil {
		t.Errorf("no SQLite file in the data directory: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve after cancel = %v, want nil", err)
	}
}

// slowRoute adds /test-slow to the app, for shutdown tests only: it closes
// started when a request arrives and answers once release is closed.
func slowRoute(started, release chan struct{}) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/test-slow" {
				next.ServeHTTP(w, r)
				return
			}
			close(started)
			<-release
			io.WriteString(w, "finished")
		})
	}
}

func TestServeDrainsInFlightRequestOnShutdown(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, done := serveInBackground(t, ctx, testEnv(t), hooks{wrapHandler: slowRoute(started, release)}, io.Discard)

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "test-slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-started
	cancel() // as SIGTERM would
	// The listener closes as shutdown begins; only then let the request
	// finish, so it is truly in flight during the shutdown.
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "healthz")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("server still accepting connections 10 s after the context was cancelled")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("serve returned %v while a request was in flight", err)
	default:
	}
	close(release)
	if r := <-got; r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request got %q, %v; want it to finish", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("serve = %v, want a clean stop", err)
	}
}

func TestServeShutdownTimeoutCutsOffStuckRequest(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	kv := testEnv(t)
	kv["SHUTDOWN_TIMEOUT"] = "100ms"
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	base, done := serveInBackground(t, ctx, kv, hooks{wrapHandler: slowRoute(started, release)}, io.Discard)
	go func() {
		if resp, err := http.Get(base + "test-slow"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "cut off") {
		t.Errorf("serve with a stuck request = %v, want a cut-off error", err)
	}
}

// BenchmarkStartToFirstRequest measures a local start, from run to the first
// answered /healthz, on a fresh data directory (so migrations and the key
// generation are included), with API credentials and with the built-in
// simulator. The target is under 200 ms.
func BenchmarkStartToFirstRequest(b *testing.B) {
	for _, bb := range []struct {
		name string
		api  map[string]string
	}{
		{"configured API", map[string]string{"API_CLIENT_ID": "c", "API_CLIENT_SECRET": "s", "API_URL": "http://127.0.0.1:9"}},
		{"built-in simulator", nil},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				kv := map[string]string{"SETTINGS": "test", "DATA_DIR": b.TempDir(), "ADDR": "127.0.0.1:0"}
				maps.Copy(kv, bb.api)
				ctx, cancel := context.WithCancel(b.Context())
				urls := make(chan string, 1)
				done := make(chan error, 1)
				b.StartTimer()
				go func() {
					done <- runWith(ctx, nil, env{getenv: mapenv(kv), stdout: io.Discard, stderr: io.Discard, hooks: hooks{listening: func(u string) { urls <- u }}})
				}()
				var base string
				select {
				case base = <-urls:
				case err := <-done:
					b.Fatal(err)
				}
				resp, err := http.Get(base + "healthz")
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				b.StopTimer()
				cancel()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
