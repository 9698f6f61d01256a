// Command upload measures an upload end to end: it starts `phenolink serve`
// as its own process, signs in through the built-in 23andMe simulator,
// uploads a synthetic raw-data file over HTTP and polls the job until the
// genome is stored. It prints the time from the first byte sent to the job
// being done and the server's peak resident memory (VmHWM, Linux).
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
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base, err := waitForURL(out)
	if err != nil {
		return err
	}
	c, err := signIn(base)
	if err != nil {
		return err
	}
	fmt.Printf("file: %d rows, %.1f MB; database: %s\n", *markers, float64(len(file))/1e6, describe(*dbURL))
	for i := range *runs {
		d, err := uploadAndWait(c, base, file)
		if err != nil {
			return err
		}
		fmt.Printf("run %d: upload to stored %s\n", i+1, d.Round(time.Millisecond))
	}
	hwm, err := peakRSS(cmd.Process.Pid)
	if err != nil {
		return err
	}
	fmt.Printf("server peak RSS (VmHWM): %s\n", hwm)
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

// waitForURL reads the server's output until it says where it listens,
// then keeps draining it so the server never blocks on a full pipe.
func waitForURL(out io.Reader) (string, error) {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := runningRe.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, out)
			return m[1], nil
		}
	}
	return "", errors.New("the server exited before it said where it listens")
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

// peakRSS reads the process's high-water resident set size.
func peakRSS(pid int) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), nil
		}
	}
	return "", errors.New("no VmHWM in /proc status")
}
