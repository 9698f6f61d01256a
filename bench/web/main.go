// Command web measures the phenolink binary as a newcomer runs it (local
// profile: SQLite in a fresh data directory, or Postgres with
// -database-url; the built-in 23andMe simulator) against the numbers the product is held to, and prints one
// Markdown report (run.sh builds the binary and runs this):
//
//	web -bin /tmp/phenolink-web/phenolink [-reps 3] [-duration 10s] [-connections 64]
//
// It measures start-up (process start to the first 200 from /healthz);
// idle resident memory, after start-up and again after the load;
// closed-loop throughput with wrk for the landing page, the signed-in
// dashboard (a session read from the database on every request) and a bare
// net/http handler serving a page of the landing page's size, the ceiling,
// interleaved in the same run; and open-loop latency at a fixed rate (500
// requests/s by default), timed from when each request was due, so a
// stalled server is not hidden. Load generator and server share the
// machine's cores.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "web:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	bin         string
	dir         string
	reps        int
	starts      int
	duration    time.Duration
	connections int
	threads     int
	rate        int
	openFor     time.Duration
	settle      time.Duration
	databaseURL string
}

func run(args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	fs.StringVar(&o.bin, "bin", "", "phenolink binary to measure (required)")
	fs.StringVar(&o.dir, "dir", "", "work directory for data directories and server logs (default: a new temporary one)")
	fs.IntVar(&o.reps, "reps", 3, "wrk runs per page, interleaved across pages")
	fs.IntVar(&o.starts, "starts", 5, "start-up measurements, each with a fresh data directory")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each wrk run")
	fs.IntVar(&o.connections, "connections", 64, "wrk connections")
	fs.IntVar(&o.threads, "threads", 2, "wrk threads")
	fs.IntVar(&o.rate, "rate", 500, "open-loop request rate, requests per second")
	fs.DurationVar(&o.openFor, "open-duration", 20*time.Second, "length of each open-loop run")
	fs.DurationVar(&o.settle, "settle", 5*time.Second, "idle time before reading resident memory")
	fs.StringVar(&o.databaseURL, "database-url", "", "serve from this Postgres database instead of SQLite (its tables are created by the local profile's migrations)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.bin == "" {
		return fmt.Errorf("-bin is required (run.sh builds it)")
	}
	if o.reps < 1 || o.starts < 1 || o.rate < 1 || o.connections < 1 || o.threads < 1 {
		return fmt.Errorf("-reps, -starts, -rate, -connections and -threads must be at least 1")
	}
	if o.dir == "" {
		d, err := os.MkdirTemp("", "phenolink-web-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		o.dir = d
	}
	ctx := context.Background()

	r := &report{opts: o}
	r.machine = describeMachine(o.bin)
	r.loadBefore = loadAverage()
	if err := measureStarts(ctx, o, r); err != nil {
		return err
	}
	if err := measureServer(ctx, o, r); err != nil {
		return err
	}
	r.loadAfter = loadAverage()
	r.write(stdout)
	return nil
}
