package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"phenolink/internal/phenolink"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// BenchmarkScanPage serves a finished scan of 600,000 markers on SQLite
// the way a browser asks for it, the page and then its Manhattan and QQ
// plots, and reports what the three weigh together and how long the
// first view took (ns/op is a later view). Where Chromium is
// installed it then loads the page in headless Chromium, signed in with
// the same session, and reports the browser's own count of the bytes it
// fetched (stylesheet and script included) and the time from navigation
// to the load event, the mean of five loads with the browser's cache off
// (the server has drawn the plots by then).
//
//	go test -run '^$' -bench ScanPage -benchtime 5x ./internal/web
func BenchmarkScanPage(b *testing.B) {
	st, ok := newSQLite(b).(researchStore)
	if !ok {
		b.Fatal("the SQLite store lacks the research stores")
	}
	app := newResearchApp(b, st)
	c, id := app.researcher(b, "Ada")
	s, err := st.CreateScan(b.Context(), phenolink.Scan{PhenotypeID: "height_mm", CreatedBy: id, MinMAF: 0.01, MinCallRate: 0.9})
	if err != nil {
		b.Fatal(err)
	}
	results := nullResults(600_000)
	enc, err := results.Encode()
	if err != nil {
		b.Fatal(err)
	}
	s.Samples, s.Tested, s.Lambda = 2000, len(results), results.Lambda()
	if err := st.CompleteScan(b.Context(), s, enc); err != nil {
		b.Fatal(err)
	}
	page := fmt.Sprintf("%s/scans/%d/", app.URL, s.ID)
	var weight int
	view := func() {
		weight = 0
		for _, u := range []string{page, page + "manhattan.png", page + "qq.png"} {
			resp, body := get(b, c, u)
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("GET %s = %d", u, resp.StatusCode)
			}
			weight += len(body)
		}
	}
	// The first view reads the results and draws the plots; later ones
	// are served from what it drew.
	start := time.Now()
	view()
	first := time.Since(start)
	for b.Loop() {
		view()
	}
	b.ReportMetric(float64(first.Milliseconds()), "first-view-ms")
	b.ReportMetric(float64(weight), "page-bytes")
	if _, err := os.Stat(chromiumPath); err != nil {
		b.Logf("no browser at %s: browser load not measured", chromiumPath)
		return
	}
	loadMS, fetched := browserLoad(b, c, app.URL, page, 5)
	b.ReportMetric(loadMS, "browser-load-ms")
	b.ReportMetric(fetched, "browser-bytes")
}

// browserLoad loads page in headless Chromium with c's cookies for base,
// cache disabled, n times, and returns the mean milliseconds from
// navigation start to the end of the load event and the bytes the browser
// fetched for the page and everything it loaded, per load.
func browserLoad(b *testing.B, c *http.Client, base, page string, n int) (float64, float64) {
	b.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(b.TempDir()),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		b.Fatalf("starting the browser: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		b.Fatalf("disabling the browser's cache: %v", err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: base}); err != nil {
			b.Fatalf("handing the session to the browser: %v", err)
		}
	}
	// The load event's end is only set once its handlers return, so wait
	// for it rather than reading it at DOMContentLoaded.
	const measure = `new Promise(done => {
		const read = () => {
			const nav = performance.getEntriesByType("navigation")[0];
			if (!nav || nav.loadEventEnd === 0) { setTimeout(read, 10); return; }
			let bytes = nav.transferSize;
			for (const r of performance.getEntriesByType("resource")) bytes += r.transferSize;
			done([nav.loadEventEnd, bytes, document.title]);
		};
		read();
	})`
	var totalMS, totalBytes float64
	for range n {
		if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
			b.Fatalf("loading %s in the browser: %v", page, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](measure, chromedp.EvalAwaitPromise))
		if err != nil {
			b.Fatalf("measuring %s in the browser: %v", page, err)
		}
		if len(got) != 3 {
			b.Fatalf("browser measured %v", got)
		}
		ms, _ := got[0].(float64)
		bytes, _ := got[1].(float64)
		if title, _ := got[2].(string); bytes == 0 || title == "" {
			b.Fatalf("the browser did not load the scan page (title %q, %v bytes)", title, bytes)
		}
		totalMS += ms
		totalBytes += bytes
	}
	return totalMS / float64(n), totalBytes / float64(n)
}
