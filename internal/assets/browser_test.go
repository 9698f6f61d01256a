package assets

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// behaviourPage exercises every app.js behaviour. The page is sent with a
// CSP that forbids inline script, as the app's pages are.
var behaviourPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>behaviour</title>
<link rel="stylesheet" href="{{.CSS}}"><script src="{{.JS}}" defer></script></head>
<body>
<form method="post" action="/delete"><button id="delete" class="btn btn-danger" data-confirm="Delete all your data?">Delete</button></form>
<form id="switcher" class="form-inline" method="post" action="/switch">
  <label for="profile">Profile</label>
  <select id="profile" name="profile" data-autosubmit><option value="alice">Alice</option><option value="bob">Bob</option></select>
  <button id="switch" class="btn btn-secondary" data-autosubmit-hide>Switch</button>
</form>
<div id="job" data-poll-url="/job"><p data-poll-message>Queued.</p><progress data-poll-progress max="1" value="0"></progress></div>
</body></html>`))

// behaviourServer serves the page, the bundle, and endpoints that record
// what the script sent.
type behaviourServer struct {
	mu       sync.Mutex
	deletes  int
	profiles []string
	jobPolls int
}

func (s *behaviourServer) handler(b *Bundle) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", b.Handler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		err := behaviourPage.Execute(w, map[string]string{"CSS": b.URL("app.css"), "JS": b.URL("app.js")})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("POST /delete", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.deletes++
		s.mu.Unlock()
		fmt.Fprint(w, "deleted")
	})
	mux.HandleFunc("POST /switch", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.profiles = append(s.profiles, r.FormValue("profile"))
		s.mu.Unlock()
		http.Redirect(w, r, "/switched", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /switched", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "switched") })
	mux.HandleFunc("GET /job", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.jobPolls++
		n := s.jobPolls
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if n < 2 {
			fmt.Fprint(w, `{"status":"running","progress":0.5,"message":"Half way"}`)
			return
		}
		fmt.Fprint(w, `{"status":"done","progress":1,"message":"Finished"}`)
	})
	return mux
}

// TestScriptBehaviourInBrowser runs app.js in headless Chromium. It
// needs the chromium binary, which CI installs.
func TestScriptBehaviourInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed:", err)
	}
	b := mustBuild(t)
	var s behaviourServer
	srv := httptest.NewServer(s.handler(b))
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	ctx, cancel = context.WithTimeout(ctx, 45*time.Second)
	defer cancel()

	load := func(t *testing.T) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		// The script ran under the page's CSP once it hides the button.
		waitInPage(t, ctx, `document.getElementById("switch").hidden`)
	}

	t.Run("data-confirm", func(t *testing.T) {
		load(t)
		err := chromedp.Do(ctx,
			// Stand in for the dialog: refuse first, then accept.
			discard(chromedp.Evaluate[bool](`window.asked = []; window.confirm = (q) => { window.asked.push(q); return window.asked.length > 1; }; true`)),
			chromedp.Click("#delete"),
			chromedp.Click("#delete"),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitInPage(t, ctx, `document.body.textContent === "deleted"`)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.deletes != 1 {
			t.Errorf("server got %d deletes after one refusal and one confirmation, want 1", s.deletes)
		}
	})

	t.Run("data-autosubmit", func(t *testing.T) {
		load(t)
		err := chromedp.Do(ctx,
			discard(chromedp.Evaluate[bool](`const s = document.getElementById("profile"); s.value = "bob"; s.dispatchEvent(new Event("change", {bubbles: true})); true`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		waitInPage(t, ctx, `location.pathname === "/switched"`)
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.profiles) != 1 || s.profiles[0] != "bob" {
			t.Errorf("switch requests = %q, want one for bob", s.profiles)
		}
	})

	t.Run("data-poll-url", func(t *testing.T) {
		s.mu.Lock()
		s.jobPolls = 0
		s.mu.Unlock()
		load(t)
		waitInPage(t, ctx, `document.getElementById("job").dataset.status === "done"`)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`[document.querySelector("#job [data-poll-message]").textContent, document.querySelector("#job progress").value]`))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0] != "Finished" || got[1] != 1.0 {
			t.Errorf("job element shows %v, want [Finished 1]", got)
		}
	})
}

// discard runs a and drops its value, so actions that return one can sit
// in a sequence of steps.
func discard[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// waitInPage evaluates expr until it is true, across the navigation the
// previous step started (which interrupts a running chromedp.Poll).
func waitInPage(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	var lastErr error
	for ctx.Err() == nil {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		lastErr = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting for %s: %v (last error %v)", expr, ctx.Err(), lastErr)
}
