package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one running phenolink process.
type server struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:port/
	started time.Duration
	log     *os.File
	exited  chan struct{} // closed once the process has exited
	err     error         // Wait's result, set before exited is closed
}

// startServer runs `phenolink serve` in the local profile with the data
// directory dataName under o.dir (new on a first run) and returns once
// /healthz answers 200, with the time that took from just before the
// process was started.
func startServer(ctx context.Context, o options, dataName, logName string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(o.dir, dataName)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(o.dir, logName+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(o.bin, "serve")
	// A clean environment: only what a newcomer's shell would pass, so no
	// DATABASE_URL or API credentials leak in.
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"SETTINGS=local",
		"DATA_DIR=" + dataDir,
		"ADDR=" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
	}
	if o.databaseURL != "" {
		cmd.Env = append(cmd.Env, "DATABASE_URL="+o.databaseURL)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	s := &server{cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d/", port), log: logf, exited: make(chan struct{})}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting %s: %w", o.bin, err)
	}
	go func() { s.err = cmd.Wait(); close(s.exited) }()
	deadline := begin.Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case <-s.exited:
			logf.Close()
			return nil, fmt.Errorf("phenolink exited before serving (%v); see %s", s.err, logf.Name())
		default:
		}
		resp, err := client.Get(s.base + "healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.started = time.Since(begin)
				return s, nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Kill()
	<-s.exited
	logf.Close()
	return nil, fmt.Errorf("phenolink did not answer /healthz within 30 s; see %s", logf.Name())
}

// stop ends the process with SIGTERM, as Heroku does, and waits for it.
func (s *server) stop() error {
	defer s.log.Close()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-s.exited:
		if s.err != nil {
			return fmt.Errorf("phenolink stopped with %v; see %s", s.err, s.log.Name())
		}
		return nil
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("phenolink did not stop within 30 s of SIGTERM")
	}
}

// rssMiB reads the process's resident set size from /proc.
func (s *server) rssMiB() (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0, fmt.Errorf("VmRSS %q: %w", rest, err)
			}
			return kb / 1024, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", s.cmd.Process.Pid)
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before phenolink listens; the start then fails loudly.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
