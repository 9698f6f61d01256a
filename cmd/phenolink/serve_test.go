package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
	"time"
)

// countingStore counts expired-session sweeps and prunes of the logs of
// changes, refusing a prune of changes newer than those kept; every other
// method is left to the nil embedded store, which the sweep never calls.
type countingStore struct {
	store
	sweeps atomic.Int32
	prunes atomic.Int32
}

func (s *countingStore) DeleteExpiredSessions(context.Context) (int64, error) {
	s.sweeps.Add(1)
	return 0, nil
}

func (s *countingStore) PruneChanges(_ context.Context, before time.Time) error {
	if time.Since(before) < changesKept {
		return fmt.Errorf("pruning changes up to %v, newer than the %v kept", before, changesKept)
	}
	s.prunes.Add(1)
	return nil
}

func TestCleanUpSweepsUntilCancelled(t *testing.T) {
	t.Parallel()
	db := &countingStore{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		cleanUp(ctx, db, slog.New(slog.DiscardHandler), time.Millisecond)
		close(done)
	}()
	for db.sweeps.Load() < 3 || db.prunes.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("cleanUp kept running after its context was cancelled")
	}
}

func TestListenURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8000}, "http://127.0.0.1:8000/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 5000}, "http://127.0.0.1:5000/"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 5000}, "http://127.0.0.1:5000/"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 80}, "http://[::1]:80/"},
	}
	for _, tt := range tests {
		if got := listenURL(tt.addr); got != tt.want {
			t.Errorf("listenURL(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestServeLocalWithoutCredentialsRunsSimulator(t *testing.T) {
	t.Parallel()
	kv := map[string]string{"SETTINGS": "test", "DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout lockedBuffer
	_, done := serveInBackground(t, ctx, kv, hooks{}, &stdout)
	m := regexp.MustCompile(`built-in 23andMe simulator at (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("stdout does not name the simulator's URL:\n%s", stdout.String())
	}
	// Reference data needs no token; the first request may wait for the
	// simulator to finish building.
	resp, err := http.Get(m[1] + "/3/accession/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("simulator answered %s", resp.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve = %v", err)
	}
	// The simulator's listener closes with the app.
	if resp, err := http.Get(m[1] + "/3/accession/"); err == nil {
		resp.Body.Close()
		t.Error("the simulator still answers after serve returned")
	}
}
