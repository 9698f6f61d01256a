package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// measureStarts starts and stops phenolink o.starts times with a fresh
// data directory (a first run: secret generated, SQLite file created and
// migrated) and as often again on the same directory (a later run).
func measureStarts(ctx context.Context, o options, r *report) error {
	for i := range o.starts {
		for _, later := range []bool{false, true} {
			s, err := startServer(ctx, o, fmt.Sprintf("start-%d", i), fmt.Sprintf("start-%d-%t", i, later))
			if err != nil {
				return err
			}
			if later {
				r.laterStarts = append(r.laterStarts, s.started)
			} else {
				r.firstStarts = append(r.firstStarts, s.started)
			}
			if err := s.stop(); err != nil {
				return err
			}
		}
	}
	return nil
}

// measureServer runs one phenolink process through sign-in, the closed-loop
// and open-loop runs, and reads its resident memory when idle before and
// after them.
func measureServer(ctx context.Context, o options, r *report) (err error) {
	s, err := startServer(ctx, o, "app", "app")
	if err != nil {
		return err
	}
	defer func() {
		if stopErr := s.stop(); err == nil {
			err = stopErr
		}
	}()
	// Signing in waits for the simulator's data, built in the background
	// at start-up, so memory read after it includes that.
	cookie, dashboard, err := signIn(s.base)
	if err != nil {
		return err
	}
	time.Sleep(o.settle)
	if r.rssIdle, err = s.rssMiB(); err != nil {
		return err
	}
	resp, err := http.Get(s.base)
	if err != nil {
		return err
	}
	landing, err := body(resp)
	if err != nil {
		return err
	}
	if !strings.Contains(landing, "Sign in with 23andMe") {
		return fmt.Errorf("the landing page does not offer to sign in")
	}
	r.landingBytes, r.dashboardBytes = len(landing), len(dashboard)

	ceilingURL, stopCeiling, err := startCeiling(len(landing))
	if err != nil {
		return err
	}
	defer stopCeiling()
	targets := []target{
		{name: "bare net/http, same size (ceiling)", url: ceilingURL},
		{name: "landing page /", url: s.base},
		{name: "dashboard / signed in", url: s.base, cookie: cookie},
	}

	warm := o
	warm.duration = 2 * time.Second
	for _, t := range targets {
		if _, err := runWrk(warm, t); err != nil {
			return err
		}
	}
	r.wrk = make(map[string][]wrkResult)
	r.open = make(map[string][]openResult)
	for range o.reps {
		for _, t := range targets {
			res, err := runWrk(o, t)
			if err != nil {
				return err
			}
			r.wrk[t.name] = append(r.wrk[t.name], res)
		}
	}
	for range o.reps {
		for _, t := range targets {
			r.open[t.name] = append(r.open[t.name], openLoop(t, o.rate, o.openFor))
		}
	}
	r.targets = targets

	time.Sleep(o.settle)
	r.rssAfterLoad, err = s.rssMiB()
	return err
}
