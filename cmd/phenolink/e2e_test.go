package main

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"phenolink/internal/pgtest"
	"phenolink/internal/synth"
	"phenolink/internal/ttamsim"
)

// TestEndToEndSignIn runs the real program and signs in the way a browser
// does: on SQLite with no configuration at all, so the program starts its
// built-in 23andMe simulator as a newcomer's first run does, and on Postgres
// with API credentials naming a separately started simulator, as a
// deployment names the real API.
func TestEndToEndSignIn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole program twice")
	}
	for _, tt := range []struct {
		name string
		env  func(t *testing.T) map[string]string
	}{
		{"sqlite with the built-in simulator", func(t *testing.T) map[string]string { return map[string]string{} }},
		{"postgres with configured credentials", func(t *testing.T) map[string]string {
			sim, err := ttamsim.New(ttamsim.Config{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(sim)
			t.Cleanup(srv.Close)
			return map[string]string{
				"DATABASE_URL":      pgtest.SchemaURL(t),
				"API_URL":           srv.URL,
				"API_CLIENT_ID":     ttamsim.DemoClient().ID,
				"API_CLIENT_SECRET": ttamsim.DemoClient().Secret,
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			kv := tt.env(t)
			kv["SETTINGS"] = "local"
			kv["DATA_DIR"] = t.TempDir()
			kv["ADDR"] = "127.0.0.1:0"
			base, stop := startProgram(t, kv)
			defer stop()

			c := e2eBrowser(t)
			home := e2eGet(t, c, base)
			if !strings.Contains(home, "Sign in with 23andMe") {
				t.Fatalf("the start page does not offer to sign in:\n%s", home)
			}
			page := e2eSignIn(t, c, base+"login/")
			for _, want := range []string{"Signed in as <strong>Erin Mendel</strong>", "Genotyped", "NC_000004.11", "191,154,276"} {
				if !strings.Contains(page, want) {
					t.Errorf("dashboard lacks %q:\n%s", want, page)
				}
			}
			if status := e2eGet(t, c, base+"_auth_status/"); !strings.Contains(status, `"signed_in":true`) {
				t.Errorf("/_auth_status/ after sign-in = %s", status)
			}
			if s := e2eGet(t, c, base+"_status/"); !strings.Contains(s, "Status: OK") {
				t.Errorf("/_status/ = %q", s)
			}
		})
	}
}

// startProgram runs `phenolink serve` through run() and returns its base
// URL, read from what it prints, once /healthz answers; stop ends it and
// checks that it shut down cleanly.
func startProgram(t *testing.T, kv map[string]string) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, mapenv(kv), &stdout, io.Discard) }()
	stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30s of cancellation")
		}
	}
	running := regexp.MustCompile(`Phenolink is running at (http://\S+)`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, stdout.String())
		default:
		}
		if m := running.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			if resp, err := http.Get(base + "healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return base, stop
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	t.Fatalf("serve printed no URL or never became healthy:\n%s", stdout.String())
	return "", nil
}

// e2eBrowser is a client with cookies that follows redirects across the
// app and the simulator, as a browser does.
func e2eBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 20 * time.Second}
}

func e2eGet(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return e2eBody(t, resp)
}

func e2eBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s = %d:\n%s", resp.Request.Method, resp.Request.URL, resp.StatusCode, b)
	}
	return string(b)
}

var (
	e2eFormRe  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	e2eInputRe = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	e2eAttrRe  = regexp.MustCompile(`(?is)([a-z_-]+)\s*=\s*"([^"]*)"`)
)

// e2eSignIn follows the sign-in link to the simulator's authorize page,
// approves with the first account offered, and returns the page the app
// lands on.
func e2eSignIn(t *testing.T, c *http.Client, loginURL string) string {
	t.Helper()
	resp, err := c.Get(loginURL)
	if err != nil {
		t.Fatalf("GET %s: %v", loginURL, err)
	}
	authURL := resp.Request.URL
	page := e2eBody(t, resp)
	for _, m := range e2eFormRe.FindAllStringSubmatch(page, -1) {
		if !strings.Contains(m[2], `name="decision"`) {
			continue
		}
		form := url.Values{}
		action := ""
		for _, a := range e2eAttrRe.FindAllStringSubmatch(m[1], -1) {
			if strings.EqualFold(a[1], "action") {
				action = strings.ReplaceAll(a[2], "&amp;", "&")
			}
		}
		for _, in := range e2eInputRe.FindAllStringSubmatch(m[2], -1) {
			at := map[string]string{}
			for _, a := range e2eAttrRe.FindAllStringSubmatch(in[1], -1) {
				at[strings.ToLower(a[1])] = strings.ReplaceAll(a[2], "&amp;", "&")
			}
			switch at["type"] {
			case "hidden":
				form.Set(at["name"], at["value"])
			case "radio":
				if form.Get(at["name"]) == "" {
					form.Set(at["name"], at["value"])
				}
			}
		}
		form.Set("decision", "approve")
		target, err := authURL.Parse(action)
		if err != nil {
			t.Fatalf("form action %q: %v", action, err)
		}
		resp, err := c.PostForm(target.String(), form)
		if err != nil {
			t.Fatalf("approve: %v", err)
		}
		return e2eBody(t, resp)
	}
	t.Fatalf("no authorize form at %s:\n%s", authURL, page)
	return ""
}

// TestEndToEndUploadIsImported runs the real program, uploads a raw-data
// file and waits for the program's own job runner to store it, so the
// runner's wiring is what is tested.
func TestEndToEndUploadIsImported(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole program")
	}
	base, stop := startProgram(t, map[string]string{"SETTINGS": "local", "DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0"})
	defer stop()
	c := e2eBrowser(t)
	e2eSignIn(t, c, base+"login/")

	key, err := synth.Markers(3, 5_000)
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	if err := synth.WriteRawFile(&file, key, synth.NewIndividual(3, 0, synth.FullChip()).Genome(key), time.Now()); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "genome.txt")
	fw.Write(file.Bytes())
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"genotypes/upload/", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	jobPage := resp.Request.URL.String()
	if !strings.Contains(e2eBody(t, resp), "data-poll-url") {
		t.Fatalf("the upload did not lead to a job page: %s", jobPage)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		status := e2eGet(t, c, jobPage+"status")
		if strings.Contains(status, `"status":"done"`) {
			break
		}
		if strings.Contains(status, `"status":"failed"`) || time.Now().After(deadline) {
			t.Fatalf("job status = %s", status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if page := e2eGet(t, c, base+"genotypes/"); !strings.Contains(page, "Uploaded raw-data file") {
		t.Errorf("My genotypes after the import:\n%s", page)
	}
}
