package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// target is one page under load.
type target struct {
	name   string
	url    string
	cookie *http.Cookie // nil when signed out
}

// wrkResult is what one wrk run printed.
type wrkResult struct {
	rps      float64
	p50, p99 time.Duration
	requests int
	bad      int // non-2xx/3xx responses and socket errors
}

var (
	rpsRe      = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	pctRe      = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	requestsRe = regexp.MustCompile(`(\d+) requests in`)
	non2xxRe   = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`)
	sockErrRe  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// runWrk runs wrk closed-loop against t and parses its summary.
func runWrk(o options, t target) (wrkResult, error) {
	args := []string{"-t", strconv.Itoa(o.threads), "-c", strconv.Itoa(o.connections), "-d", o.duration.String(), "--latency"}
	if t.cookie != nil {
		args = append(args, "-H", "Cookie: "+t.cookie.Name+"="+t.cookie.Value)
	}
	args = append(args, t.url)
	out, err := exec.Command("wrk", args...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w\n%s", t.name, err, out)
	}
	return parseWrk(string(out))
}

func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := rpsRe.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk's output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, p := range pctRe.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(p[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[p[3]]
		d := time.Duration(v * float64(unit))
		if p[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	if m := requestsRe.FindStringSubmatch(out); m != nil {
		r.requests, _ = strconv.Atoi(m[1])
	}
	if m := non2xxRe.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.bad += n
	}
	if m := sockErrRe.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.bad += n
		}
	}
	return r, nil
}

// openResult is one open-loop run's latency distribution.
type openResult struct {
	sent, failed        int
	p50, p99, p999, max time.Duration
}

// openLoop sends rate requests per second for d, each at its due time
// whether or not earlier ones have finished, and times each from its due
// time to the end of its body, so a server that stalls shows up in the
// tail instead of slowing the sender (as a closed-loop tool's would).
func openLoop(t target, rate int, d time.Duration) openResult {
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: 1024,
			DisableCompression:  true, // as wrk: the page as sent without gzip
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		},
	}
	n := int(float64(rate) * d.Seconds())
	interval := time.Second / time.Duration(rate)
	lat := make([]time.Duration, n)
	failed := make([]bool, n)
	var wg sync.WaitGroup
	start := time.Now().Add(50 * time.Millisecond)
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, t.url, nil)
			if t.cookie != nil {
				req.AddCookie(t.cookie)
			}
			resp, err := client.Do(req)
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			lat[i] = time.Since(due)
			failed[i] = err != nil
		})
	}
	wg.Wait()
	client.CloseIdleConnections()
	r := openResult{sent: n}
	for _, f := range failed {
		if f {
			r.failed++
		}
	}
	slices.Sort(lat)
	at := func(q float64) time.Duration { return lat[min(n-1, int(q*float64(n)))] }
	r.p50, r.p99, r.p999, r.max = at(0.50), at(0.99), at(0.999), lat[n-1]
	return r
}

// startCeiling serves a fixed page of size bytes with a bare net/http
// handler: what the machine and Go's server manage with no application
// work, for the same response size.
func startCeiling(size int) (url string, stop func(), err error) {
	page := bytes.Repeat([]byte("x"), size)
	copy(page, "<!doctype html><title>ceiling</title><p>")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(page)))
			w.Write(page)
		}),
	}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/", func() { srv.Close() }, nil
}

// wrkVersion is wrk's first line of -v, for the report.
func wrkVersion() string {
	out, _ := exec.Command("wrk", "-v").CombinedOutput()
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line)
}
