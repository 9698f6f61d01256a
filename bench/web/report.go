package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report collects one run's measurements and prints them.
type report struct {
	opts                  options
	machine               []string
	loadBefore, loadAfter string
	firstStarts           []time.Duration
	laterStarts           []time.Duration
	rssIdle, rssAfterLoad float64
	landingBytes          int
	dashboardBytes        int
	targets               []target
	wrk                   map[string][]wrkResult
	open                  map[string][]openResult
}

// The product's targets.
const (
	targetLandingRPS   = 26000
	targetDashboardRPS = 13000
	targetP99          = 10 * time.Millisecond
	targetStart        = 200 * time.Millisecond
	targetRSSMiB       = 50
)

func (r *report) write(w io.Writer) {
	o := r.opts
	fmt.Fprintf(w, "# phenolink web benchmark\n\n")
	for _, m := range r.machine {
		fmt.Fprintf(w, "- %s\n", m)
	}
	fmt.Fprintf(w, "- load average before: %s; after: %s (other work on the machine shows here)\n", r.loadBefore, r.loadAfter)
	db := "SQLite in a new data directory"
	if o.databaseURL != "" {
		db = "Postgres (-database-url), on this machine"
	}
	fmt.Fprintf(w, "- database: %s\n", db)
	fmt.Fprintf(w, "- server, wrk and the open-loop sender all ran on this machine's %d cores\n\n", runtime.NumCPU())

	fmt.Fprintf(w, "## Start to first 200 from /healthz (runs: %d each)\n\n", o.starts)
	fmt.Fprintf(w, "| run | best | median | worst | target |\n|---|---|---|---|---|\n")
	for _, s := range []struct {
		name string
		d    []time.Duration
	}{{"first run (new data dir)", r.firstStarts}, {"later run (same data dir)", r.laterStarts}} {
		d := slices.Sorted(slices.Values(s.d))
		fmt.Fprintf(w, "| %s | %s | %s | %s | < %s: %s |\n", s.name, ms(d[0]), ms(d[len(d)/2]), ms(d[len(d)-1]), ms(targetStart), met(d[0] < targetStart))
	}

	fmt.Fprintf(w, "\n## Idle resident memory (VmRSS)\n\n")
	fmt.Fprintf(w, "| when | MiB | target |\n|---|---|---|\n")
	fmt.Fprintf(w, "| %s after start-up and one sign-in (simulator built) | %.1f | < %d: %s |\n", o.settle, r.rssIdle, targetRSSMiB, met(r.rssIdle < targetRSSMiB))
	fmt.Fprintf(w, "| %s after the last load run | %.1f | < %d: %s |\n", o.settle, r.rssAfterLoad, targetRSSMiB, met(r.rssAfterLoad < targetRSSMiB))

	fmt.Fprintf(w, "\n## Closed loop: wrk -t%d -c%d -d%s --latency, runs: %d each, interleaved\n\n", o.threads, o.connections, o.duration, o.reps)
	fmt.Fprintf(w, "Landing page %d bytes, dashboard %d bytes; the ceiling serves %d bytes.\n\n", r.landingBytes, r.dashboardBytes, r.landingBytes)
	fmt.Fprintf(w, "| page | best req/s | all runs req/s | p50 / p99 of best | bad responses | of ceiling | target |\n|---|---|---|---|---|---|---|\n")
	ceiling := bestWrk(r.wrk[r.targets[0].name])
	for i, t := range r.targets {
		runs := r.wrk[t.name]
		b := bestWrk(runs)
		bad := 0
		var all []string
		for _, x := range runs {
			bad += x.bad
			all = append(all, fmt.Sprintf("%.0f", x.rps))
		}
		goal := "-"
		switch i {
		case 1:
			goal = fmt.Sprintf(">= %d: %s", targetLandingRPS, met(b.rps >= targetLandingRPS))
		case 2:
			goal = fmt.Sprintf(">= %d: %s", targetDashboardRPS, met(b.rps >= targetDashboardRPS))
		}
		fmt.Fprintf(w, "| %s | %.0f | %s | %s / %s | %d | %.0f%% | %s |\n", t.name, b.rps, strings.Join(all, ", "), ms(b.p50), ms(b.p99), bad, 100*b.rps/ceiling.rps, goal)
	}

	fmt.Fprintf(w, "\n## Open loop: %d requests/s for %s, runs: %d each, latency from each request's due time\n\n", o.rate, o.openFor, o.reps)
	fmt.Fprintf(w, "| page | best p99 | all runs p99 | p50 / p99.9 / max of best | failed | target |\n|---|---|---|---|---|---|\n")
	for i, t := range r.targets {
		runs := r.open[t.name]
		b := runs[0]
		failed := 0
		var all []string
		for _, x := range runs {
			failed += x.failed
			all = append(all, ms(x.p99))
			if x.p99 < b.p99 {
				b = x
			}
		}
		goal := "-"
		if i > 0 {
			goal = fmt.Sprintf("p99 < %s: %s", ms(targetP99), met(b.p99 < targetP99))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s / %s / %s | %d of %d | %s |\n", t.name, ms(b.p99), strings.Join(all, ", "), ms(b.p50), ms(b.p999), ms(b.max), failed, b.sent*len(runs), goal)
	}
}

func bestWrk(runs []wrkResult) wrkResult {
	return slices.MaxFunc(runs, func(a, b wrkResult) int {
		switch {
		case a.rps < b.rps:
			return -1
		case a.rps > b.rps:
			return 1
		}
		return 0
	})
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

// ms prints a duration in milliseconds with two decimals.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// describeMachine lists what the numbers depend on.
func describeMachine(bin string) []string {
	model := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return []string{
		fmt.Sprintf("date: %s", time.Now().UTC().Format(time.RFC3339)),
		fmt.Sprintf("cpu: %d x %s", runtime.NumCPU(), model),
		fmt.Sprintf("kernel: %s", strings.TrimSpace(string(kernel))),
		fmt.Sprintf("go: %s (this program; run.sh builds phenolink with the same toolchain)", runtime.Version()),
		fmt.Sprintf("wrk: %s", wrkVersion()),
		fmt.Sprintf("phenolink: %s", commandVersion(bin)),
	}
}

// loadAverage is the 1, 5 and 15 minute load average.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// commandVersion is `bin version`'s output, for the report.
func commandVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
