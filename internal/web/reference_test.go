package web

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"phenolink/internal/ttamsim"
)

// TestReferenceCacheBacksOffAfterFailure checks that while the API fails,
// pages are answered from memory instead of each calling it, that the API
// is asked again once the back-off has passed, and that a success is then
// kept for good.
func TestReferenceCacheBacksOffAfterFailure(t *testing.T) {
	sim := newSimulator(t, ttamsim.Config{})
	target, err := url.Parse(sim.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var calls atomic.Int64
	var down atomic.Bool
	down.Store(true)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(upstream.Close)
	a, err := newAPI(Settings{APIURL: upstream.URL}, &http.Client{Timeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := newReferenceCache(a)
	now := time.Now()
	c.now = func() time.Time { return now }

	if _, err := c.accession(t.Context(), chromosome4); err == nil {
		t.Fatal("look-up succeeded while the API is down")
	}
	first := calls.Load() // the client's own retries included
	if first == 0 {
		t.Fatal("the first look-up did not call the API")
	}
	for i := range 2 {
		if _, err := c.accession(t.Context(), chromosome4); err == nil {
			t.Fatalf("look-up %d succeeded while the API is down", i)
		}
	}
	if n := calls.Load(); n != first {
		t.Errorf("API called %d more times for two look-ups within the back-off, want none", n-first)
	}

	down.Store(false)
	if _, err := c.accession(t.Context(), chromosome4); err == nil {
		t.Error("look-up within the back-off did not repeat the failure")
	}
	now = now.Add(referenceRetryAfter)
	acc, err := c.accession(t.Context(), chromosome4)
	if err != nil || acc.ID != chromosome4 || acc.Length <= 0 {
		t.Fatalf("look-up after the back-off = %+v, %v; want chromosome 4", acc, err)
	}
	before := calls.Load()
	down.Store(true)
	now = now.Add(time.Hour)
	if got, err := c.accession(t.Context(), chromosome4); err != nil || got != acc {
		t.Errorf("cached look-up = %+v, %v; want %+v from memory", got, err, acc)
	}
	if calls.Load() != before {
		t.Error("a cached accession called the API again")
	}
}
