package ttamsim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		faults     Faults
		status     int
		retryAfter string
	}{
		{"errors", Faults{ErrorRate: 1}, 500, ""},
		{"rate limit", Faults{RateLimitRate: 1, RetryAfter: 1500 * time.Millisecond}, 429, "2"},
		{"rate limit minimum", Faults{RateLimitRate: 1}, 429, "1"},
		{"off", Faults{}, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Faults: tt.faults})
			for _, path := range []string{"/3/account/", "/1/user/", "/3/accession/", "/res/txt/snps.data"} {
				code, body, h := get(t, s, path, DemoToken)
				if code != tt.status || h.Get("Retry-After") != tt.retryAfter {
					t.Errorf("%s: %d Retry-After %q: %s", path, code, h.Get("Retry-After"), body)
				}
			}
			// The authorize page and the token endpoint never fail.
			params := authParams("basic")
			code, _, _ := get(t, s, "/authorize/?"+params.Encode(), "")
			if code != 200 {
				t.Errorf("authorize page: %d", code)
			}
			req := httptest.NewRequest("POST", "/token/", nil)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code != 401 {
				t.Errorf("token endpoint without a client: %d", rec.Code)
			}
		})
	}
}

func TestFaultsMixedRates(t *testing.T) {
	s := newSim(t, Config{Faults: Faults{ErrorRate: 0.2, RateLimitRate: 0.2}})
	counts := map[int]int{}
	for range 1000 {
		code, _, _ := get(t, s, "/3/accession/NC_000001.10/", "")
		counts[code]++
	}
	for code, want := range map[int]int{200: 600, 500: 200, 429: 200} {
		if got := counts[code]; got < want-80 || got > want+80 {
			t.Errorf("status %d: %d of 1000, want about %d", code, got, want)
		}
	}
}

func TestFaultLatencyStopsWithTheClient(t *testing.T) {
	s := newSim(t, Config{Faults: Faults{Latency: time.Hour}})
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest("GET", "/3/accession/", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		s.ServeHTTP(rec, req)
		close(done)
	}()
	cancel()
	<-done // a handler stuck for the hour would time the test out
	if rec.Code == http.StatusOK && rec.Body.Len() > 0 {
		t.Error("a cancelled request was answered")
	}
}

func TestConfigValidation(t *testing.T) {
	for name, cfg := range map[string]Config{
		"too many markers": {Markers: MaxMarkers + 1},
		"negative markers": {Markers: -5},
		"rates over one":   {Faults: Faults{ErrorRate: 0.7, RateLimitRate: 0.7}},
		"negative latency": {Faults: Faults{Latency: -time.Second}},
		"short ttl":        {TokenTTL: time.Millisecond},
		"client no uri":    {Clients: []Client{{ID: "x", Secret: "y"}}},
		"duplicate demo":   {Clients: []Client{DemoClient()}},
		"relative uri":     {Clients: []Client{{ID: "x", Secret: "y", RedirectURIs: []string{"/receive_code/"}}}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}
