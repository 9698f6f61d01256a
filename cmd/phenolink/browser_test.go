package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is where CI installs the browser.
const chromiumPath = "/usr/bin/chromium"

// TestBrowserSignIn drives headless Chromium through the real program: the
// start page, the simulator's consent page, and the dashboard, on a phone
// and on a desktop screen. Screenshots go to the test's temporary directory
// and, when SCREENSHOT_DIR is set, there too, for a person to look at.
func TestBrowserSignIn(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("no browser at %s (CI installs it; this test fails there without it)", chromiumPath)
		}
		t.Fatalf("CI is set but there is no browser at %s: %v", chromiumPath, err)
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	base, stop := startProgram(t, map[string]string{
		"SETTINGS": "local",
		"DATA_DIR": t.TempDir(),
		"ADDR":     "127.0.0.1:0",
	})
	defer stop()

	shots := []string{t.TempDir()}
	if d := os.Getenv("SCREENSHOT_DIR"); d != "" {
		shots = append(shots, d)
	}
	for _, screen := range []struct {
		name          string
		width, height int64
	}{
		{"phone", 390, 844},
		{"desktop", 1280, 800},
	} {
		t.Run(screen.name, func(t *testing.T) {
			ctx := newBrowser(t)
			shoot := func(page string) {
				t.Helper()
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatalf("screenshot of %s: %v", page, err)
				}
				for _, dir := range shots {
					p := filepath.Join(dir, fmt.Sprintf("%s-%s.png", page, screen.name))
					if err := os.WriteFile(p, png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(screen.width, screen.height),
				chromedp.Navigate(base),
				chromedp.WaitVisible(`//a[normalize-space(.)="Sign in with 23andMe"]`),
			)
			if err != nil {
				t.Fatalf("start page: %v", err)
			}
			shoot("home")
			err = chromedp.Do(ctx,
				chromedp.Click(`//a[normalize-space(.)="Sign in with 23andMe"]`),
				chromedp.WaitVisible(`button[name="decision"][value="approve"]`),
			)
			if err != nil {
				t.Fatalf("to the consent page: %v", err)
			}
			shoot("authorize")
			err = chromedp.Do(ctx,
				chromedp.Click(`button[name="decision"][value="approve"]`),
				chromedp.WaitVisible(`//p[contains(., "Signed in as")]`),
			)
			if err != nil {
				t.Fatalf("back to the dashboard: %v", err)
			}
			text, err := chromedp.Run(ctx, chromedp.Text("main"))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Signed in as", "Genotyped", "NC_000004.11", "191,154,276"} {
				if !strings.Contains(text, want) {
					t.Errorf("dashboard text lacks %q:\n%s", want, text)
				}
			}
			shoot("dashboard")

			// Signing out posts a form that redirects through the API's
			// logout and back: the CSP's form-action must allow both.
			err = chromedp.Do(ctx,
				chromedp.Click(`//button[normalize-space(.)="Sign out"]`),
				chromedp.WaitVisible(`//a[normalize-space(.)="Sign in with 23andMe"]`),
			)
			if err != nil {
				t.Fatalf("signing out: %v", err)
			}
		})
	}
}

// newBrowser starts a headless Chromium with a throwaway profile and no
// background traffic, closed when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Phones overlay their scrollbars; a classic one would take 15 px
		// of the 390 px a phone has.
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}
