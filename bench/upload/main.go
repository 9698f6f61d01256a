// Command upload measures an upload end to end: it starts `phenolink serve`
// as its own process, signs in through the built-in 23andMe simulator,
// uploads a synthetic raw-data file over HTTP and polls the job until the
// genome is stored. A local server seeds its demo cohort first; the uploads
// start once it is ready. For each upload it prints the time from the first
// byte sent to the job being done and the server's largest resident memory
// during it (VmRSS sampled every 5 ms, Linux), and at the end the process's
// high-water mark (VmHWM).
//
//	go build -o /tmp/phenolink ./cmd/phenolink
//	go run ./bench/upload -bin /tmp/phenolink                 # SQLite
//	go run ./bench/upload -bin /tmp/phenolink -database-url postgres://...
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"phenolink/internal/synth"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "upload:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "", "the phenolink binary to serve with")
	dbURL := flag.String("database-url", "", "Postgres URL; empty uses SQLite in a temporary directory")
	markers := flag.Int("markers", 960_000, "rows in the uploaded file")
	runs := flag.Int("runs", 3, "uploads to time, one after another")
	demoWait := flag.Duration("demo-wait", 2*time.Minute, "how long to wait for a local server's demo cohort before timing; 0 for servers that seed none")
	serverLog := flag.String("server-log", "", "write the server's output here (with GODEBUG=gctrace=1 in the environment, the heap at each collection)")
	flag.Parse()
	if *bin == "" {
		return errors.New("-bin is required")
	}
	file, err := rawFile(*markers)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "phenolink-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, *bin, "serve")
	cmd.Env = append(os.Environ(), "SETTINGS=local", "DATA_DIR="+dir, "ADDR=127.0.0.1:0", "DATABASE_URL="+*dbURL, "API_CLIENT_ID=")
	var logFile io.Writer = io.Discard
	if *serverLog != "" {
		f, err := os.Create(*serverLog)
		if err != nil {
			return err
		}
		defer f.Close()
		logFile = f
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	errOut, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	urls, seeded := make(chan string, 1), make(chan struct{}, 2)
	go watch(out, logFile, urls, seeded)
	go watch(errOut, logFile, urls, seeded)
	var base string
	select {
	case base = <-urls:
	case <-time.After(time.Minute):
		return errors.New("the server did not say where it listens within a minute")
	}
	// A local run seeds its demo cohort beside the server; the uploads are
	// timed after it, so its imports are not counted as the upload's.
	if *demoWait > 0 {
		select {
		case <-seeded:
		case <-time.After(*demoWait):
			fmt.Println("note: the server never said its demo cohort was ready; timing anyway")
		}
	}
	c, err := signIn(base)
	if err != nil {
		return err
	}
	fmt.Printf("file: %d rows, %.1f MB; database: %s\n", *markers, float64(len(file))/1e6, describe(*dbURL))
	pid := cmd.Process.Pid
	idle, err := rss(pid, "VmRSS:")
	if err != nil {
		return err
	}
	fmt.Printf("server RSS before the first upload: %.1f MB\n", float64(idle)/1e3)
	for i := range *runs {
		peak := sampleRSS(pid)
		d, err := uploadAndWait(c, base, file)
		p := peak()
		if err != nil {
			return err
		}
		fmt.Printf("run %d: upload to stored %s, server RSS peak %.1f MB (sampled every 5 ms)\n", i+1, d.Round(time.Millisecond), float64(p)/1e3)
	}
	hwm, err := rss(pid, "VmHWM:")
	if err != nil {
		return err
	}
	fmt.Printf("server peak RSS over all runs (VmHWM): %.1f MB\n", float64(hwm)/1e3)
	return nil
}

func describe(dbURL string) string {
	if dbURL == "" {
		return "SQLite"
	}
	return "Postgres"
}

// rawFile writes a synthetic individual's raw-data file.
func rawFile(n int) ([]byte, error) {
	key, err := synth.Markers(1, n)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	genome := synth.NewIndividual(1, 0, synth.FullChip()).Genome(key)
	if err := synth.WriteRawFile(&buf, key, genome, time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var runningRe = regexp.MustCompile(`Phenolink is running at (http://\S+)`)

// watch copies one of the server's output streams to log line by line,
// sending the URL the server listens at to urls and a signal to seeded when
// the local demo cohort is ready. It keeps draining, so the server never
// blocks on a full pipe.
func watch(r io.Reader, log io.Writer, urls chan<- string, seeded chan<- struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(log, line)
		if m := runningRe.FindStringSubmatch(line); m != nil {
			urls <- m[1]
		}
		if strings.Contains(line, "demo cohort ready") {
			seeded <- struct{}{}
		}
	}
	io.Copy(io.Discard, r)
}

var (
	formRe  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRe = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	attrRe  = regexp.MustCompile(`(?is)([a-z_-]+)\s*=\s*"([^"]*)"`)
)

// signIn approves the simulator's authorize form with its first account.
func signIn(base string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	resp, err := c.Get(base + "login/")
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range formRe.FindAllStringSubmatch(string(page), -1) {
		if !strings.Contains(m[2], `name="decision"`) {
			continue
		}
		form := url.Values{"decision": {"approve"}}
		action := ""
		for _, a := range attrRe.FindAllStringSubmatch(m[1], -1) {
			if strings.EqualFold(a[1], "action") {
				action = strings.ReplaceAll(a[2], "&amp;", "&")
			}
		}
		for _, in := range inputRe.FindAllStringSubmatch(m[2], -1) {
			at := map[string]string{}
			for _, a := range attrRe.FindAllStringSubmatch(in[1], -1) {
				at[strings.ToLower(a[1])] = strings.ReplaceAll(a[2], "&amp;", "&")
			}
			if at["type"] == "hidden" || (at["type"] == "radio" && form.Get(at["name"]) == "") {
				form.Set(at["name"], at["value"])
			}
		}
		form.Set("decision", "approve")
		target, err := resp.Request.URL.Parse(action)
		if err != nil {
			return nil, err
		}
		r, err := c.PostForm(target.String(), form)
		if err != nil {
			return nil, err
		}
		r.Body.Close()
		return c, nil
	}
	return nil, errors.New("no authorize form")
}

var statusRe = regexp.MustCompile(`"status":"([a-z]+)"`)

// uploadAndWait posts file and polls its job until it is done.
func uploadAndWait(c *http.Client, base string, file []byte) (time.Duration, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "genome_full.txt")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"genotypes/upload/", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/jobs/") {
		return 0, fmt.Errorf("upload = %d at %s:\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	status := resp.Request.URL.String() + "status"
	for {
		r, err := c.Get(status)
		if err != nil {
			return 0, err
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		m := statusRe.FindSubmatch(b)
		switch {
		case m == nil:
			return 0, fmt.Errorf("status %s", b)
		case string(m[1]) == "done":
			return time.Since(start), nil
		case string(m[1]) == "failed":
			return 0, fmt.Errorf("the import failed: %s", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sampleRSS polls the process's resident set size until the returned
// function is called, which stops it and returns the largest seen, in kB.
// VmHWM covers the whole process life; sampling gives each run its own.
func sampleRSS(pid int) (stop func() int64) {
	done := make(chan struct{})
	result := make(chan int64)
	go func() {
		var peak int64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, err := rss(pid, "VmRSS:"); err == nil {
				peak = max(peak, kb)
			}
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 { close(done); return <-result }
}

// rss reads one of the kB fields of the process's /proc status, such as
// VmRSS (resident now) or VmHWM (the high-water mark).
func rss(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("reading %s%s: %w", field, rest, err)
			}
			return kb, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", field)
}
