package assets

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testPoll is the watcher's interval in tests: fast, so waiting for a
// rebuild takes little of the test's time.
const testPoll = 20 * time.Millisecond

// debugBundle builds with Debug from a private copy of src, so tests can
// edit sources freely.
func debugBundle(t *testing.T) (*Bundle, string, *logBuffer) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("src")); err != nil {
		t.Fatalf("copy src: %v", err)
	}
	logger, logs := newTestLogger()
	b, err := build(Options{Debug: true, SourceDir: dir, Logger: logger}, testPoll)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b, dir, logs
}

// writeSource replaces a source file atomically, as editors do, so the
// watcher never compiles a half-written file.
func writeSource(t *testing.T, dir, name, content string) {
	t.Helper()
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func appendSource(t *testing.T, dir, name, extra string) {
	t.Helper()
	old, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	writeSource(t, dir, name, string(old)+extra)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDebugRebuildsOnChange(t *testing.T) {
	b, dir, _ := debugBundle(t)
	oldURL := b.URL("app.css")
	jsURL := b.URL("app.js")

	appendSource(t, dir, "tables.css", "\n.rebuild-marker { color: red; }\n")
	waitFor(t, "app.css to get a new URL", func() bool { return b.URL("app.css") != oldURL })

	resp := get(t, b, http.MethodGet, b.URL("app.css"), http.Header{"Accept-Encoding": {"gzip"}})
	if body := decodedBody(t, resp); !strings.Contains(string(body), ".rebuild-marker{color:red}") {
		t.Errorf("rebuilt app.css lacks the added rule")
	}
	if resp := get(t, b, http.MethodGet, oldURL, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("stale URL %s: status = %d, want 404", oldURL, resp.StatusCode)
	}
	if b.URL("app.js") != jsURL {
		t.Error("app.js changed URL although its sources did not change")
	}
}

func TestDebugKeepsPreviousBuildOnError(t *testing.T) {
	b, dir, logs := debugBundle(t)
	cssURL, jsURL := b.URL("app.css"), b.URL("app.js")

	appendSource(t, dir, "poll.js", "\nexport function broken( {\n")
	waitFor(t, "the failed rebuild to be logged", func() bool { return strings.Contains(logs.String(), "rebuild failed") })
	if !strings.Contains(logs.String(), "poll.js:") {
		t.Errorf("build error does not say which file failed; log:\n%s", logs)
	}
	if b.URL("app.css") != cssURL || b.URL("app.js") != jsURL {
		t.Error("a failed rebuild replaced the current build")
	}
	if resp := get(t, b, http.MethodGet, jsURL, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after a failed rebuild, GET %s: status = %d, want 200", jsURL, resp.StatusCode)
	}

	// Fixing the file recovers without a restart.
	fixed, err := os.ReadFile(filepath.Join("src", "poll.js"))
	if err != nil {
		t.Fatal(err)
	}
	writeSource(t, dir, "poll.js", string(fixed)+"\nexport const recovered = 1;\n")
	appendSource(t, dir, "app.js", "\nimport { recovered } from \"./poll.js\";\nconsole.log(recovered);\n")
	waitFor(t, "app.js to rebuild after the fix", func() bool { return b.URL("app.js") != jsURL })
}

func TestDebugBuildFailsOnBrokenSources(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("src")); err != nil {
		t.Fatal(err)
	}
	writeSource(t, dir, "app.js", `import "left-pad";`)
	_, err := Build(Options{Debug: true, SourceDir: dir})
	if err == nil || !strings.Contains(err.Error(), "only relative imports") {
		t.Errorf("Build with a bare import: err = %v, want the relative-imports error", err)
	}
}

// TestConcurrentServingDuringRebuilds is meant for -race: requests and
// URL lookups run while rebuilds swap the build underneath them.
func TestConcurrentServingDuringRebuilds(t *testing.T) {
	b, dir, _ := debugBundle(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				url := b.URL("app.css")
				resp := get(t, b, http.MethodGet, url, http.Header{"Accept-Encoding": {"gzip"}})
				// A rebuild between URL and GET makes the hash stale: 404 is
				// the documented answer, anything else is a bug.
				if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s: status %d", url, resp.StatusCode)
				}
				if resp.StatusCode == http.StatusOK && len(decodedBody(t, resp)) == 0 {
					t.Errorf("GET %s: empty body", url)
				}
			}
		})
	}
	for i := range 3 {
		before := b.URL("app.css")
		appendSource(t, dir, "print.css", "\n.concurrent-"+string(rune('a'+i))+" { color: blue; }\n")
		waitFor(t, "rebuild", func() bool { return b.URL("app.css") != before })
		if err := b.rebuild(); err != nil {
			t.Errorf("direct rebuild: %v", err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestCloseStopsWatcher(t *testing.T) {
	b, _, _ := debugBundle(t)
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-b.done:
	default:
		t.Error("watcher still running after Close returned")
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
