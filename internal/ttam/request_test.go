package ttam

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const profileJSON = `{"id":"p1","first_name":"Erin","last_name":"Mendel","is_genotyped":true,"is_ancestry_only":false,"profile_image":null}`

// scripted answers the i-th request with statuses[i] (the last one
// repeating); 200 serves profileJSON.
func scripted(statuses []int, retryAfter string, hits *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(hits.Add(1)) - 1
		status := statuses[min(i, len(statuses)-1)]
		if status == 200 {
			fmt.Fprint(w, profileJSON)
			return
		}
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":"e%d","error_description":"scripted"}`, status)
	})
}

func TestRetriesThenSucceeds(t *testing.T) {
	tests := []struct {
		name       string
		statuses   []int
		retryAfter string
		wantWaits  []time.Duration
	}{
		{"429 honours Retry-After", []int{429, 200}, "3", []time.Duration{3 * time.Second}},
		{"429 Retry-After capped", []int{429, 200}, "3600", []time.Duration{30 * time.Second}},
		{"5xx backs off exponentially", []int{500, 502, 503, 200}, "", []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			c := newTestClient(t, scripted(tt.statuses, tt.retryAfter, &hits), StaticToken("tok"))
			p, err := c.Profile(t.Context(), "p1")
			if err != nil {
				t.Fatalf("Profile: %v", err)
			}
			if p.FirstName != "Erin" {
				t.Errorf("FirstName = %q", p.FirstName)
			}
			if got := c.sleeps.all(); !slices.Equal(got, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if int(hits.Load()) != len(tt.statuses) {
				t.Errorf("requests = %d, want %d", hits.Load(), len(tt.statuses))
			}
		})
	}
}

func TestFailsClearlyWhenFaultPersists(t *testing.T) {
	tests := []struct {
		status       int
		want         error
		wantRequests int32
	}{
		{429, ErrRateLimited, 4},
		{500, ErrServer, 4},
		{503, ErrServer, 4},
		{400, ErrBadRequest, 1},
		{403, ErrForbidden, 1},
		{404, ErrNotFound, 1},
		{422, ErrUnprocessable, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			var hits atomic.Int32
			c := newTestClient(t, scripted([]int{tt.status}, "2", &hits), StaticToken("tok"))
			_, err := c.Profile(t.Context(), "p1")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if hits.Load() != tt.wantRequests {
				t.Errorf("requests = %d, want %d", hits.Load(), tt.wantRequests)
			}
			apiErr, ok := errors.AsType[*APIError](err)
			if !ok {
				t.Fatalf("%T is not an *APIError", err)
			}
			if apiErr.Status != tt.status || apiErr.Code != fmt.Sprintf("e%d", tt.status) || apiErr.Attempts != int(tt.wantRequests) {
				t.Errorf("APIError = %+v", apiErr)
			}
			if tt.status == 429 && apiErr.RetryAfter != 2*time.Second {
				t.Errorf("RetryAfter = %v, want 2s", apiErr.RetryAfter)
			}
			if !strings.Contains(err.Error(), `ttam.Profile("p1")`) {
				t.Errorf("error %q does not name the operation", err)
			}
		})
	}
}

func TestNetworkErrorsRetry(t *testing.T) {
	var hits atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			// Drop the connection without an answer.
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		fmt.Fprint(w, profileJSON)
	})
	c := newTestClient(t, h, StaticToken("tok"))
	if _, err := c.Profile(t.Context(), "p1"); err != nil {
		t.Fatalf("Profile after two dropped connections: %v", err)
	}
	if hits.Load() != 3 {
		t.Errorf("requests = %d, want 3", hits.Load())
	}
}

func TestAttemptTimeout(t *testing.T) {
	var hits atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		<-r.Context().Done()
	})
	c := newTestClient(t, h, StaticToken("tok"))
	c.timeout = 20 * time.Millisecond
	c.retry.MaxAttempts = 2
	_, err := c.Profile(t.Context(), "p1")
	if !errors.Is(err, ErrNetwork) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a network error from the deadline", err)
	}
	if hits.Load() != 2 {
		t.Errorf("requests = %d, want 2", hits.Load())
	}
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	var hits atomic.Int32
	ctx, cancel := context.WithCancel(t.Context())
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		cancel()
		w.WriteHeader(503)
	})
	c := newTestClient(t, h, StaticToken("tok"))
	if _, err := c.Profile(ctx, "p1"); err == nil {
		t.Fatal("Profile succeeded after its context ended")
	}
	if hits.Load() != 1 {
		t.Errorf("requests = %d, want 1", hits.Load())
	}
}

func TestBodyBounds(t *testing.T) {
	tests := []struct {
		name string
		body string
		want error
	}{
		{"oversized", `{"id":"` + strings.Repeat("x", maxSmallBody) + `"}`, ErrBadResponse},
		{"malformed", `{"id":`, ErrBadResponse},
		{"exactly at the bound", `{"id":"` + strings.Repeat("x", maxSmallBody-10) + `"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				fmt.Fprint(w, tt.body)
			})
			c := newTestClient(t, h, StaticToken("tok"))
			_, err := c.Profile(t.Context(), "p1")
			if !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if hits.Load() != 1 {
				t.Errorf("requests = %d, want 1 (an unreadable body is not retried)", hits.Load())
			}
		})
	}
}

func TestUnauthorizedRefreshesOnce(t *testing.T) {
	tests := []struct {
		name          string
		accepted      string
		wantErr       error
		wantRefreshes int
	}{
		{"the refreshed token works", "new", nil, 1},
		{"still refused after refreshing", "none", ErrUnauthenticated, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if r.Header.Get("Authorization") != "Bearer "+tt.accepted {
					w.WriteHeader(401)
					fmt.Fprint(w, `{"error":"invalid_token","error_description":"expired"}`)
					return
				}
				fmt.Fprint(w, profileJSON)
			})
			tokens := &fakeTokens{tokens: []string{"old", "new"}}
			c := newTestClient(t, h, tokens)
			_, err := c.Profile(t.Context(), "p1")
			if !errors.Is(err, tt.wantErr) && !(tt.wantErr == nil && err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got := tokens.count(); got != tt.wantRefreshes {
				t.Errorf("refreshes = %d, want %d", got, tt.wantRefreshes)
			}
			if hits.Load() != 2 {
				t.Errorf("requests = %d, want 2", hits.Load())
			}
		})
	}
}

func TestBearerTokenNeverInLogsOrErrors(t *testing.T) {
	const secret = "s3cr3t-access-token-value"
	var hits atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+secret {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
		switch hits.Add(1) % 4 {
		case 0:
			w.WriteHeader(401)
		case 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
		case 2:
			w.WriteHeader(500)
		case 3:
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
		}
	})
	c := newTestClient(t, h, StaticToken(secret))
	var errs []string
	for _, call := range []func() error{
		func() error { _, err := c.Profile(t.Context(), "p1"); return err },
		func() error { _, err := c.Account(t.Context()); return err },
		func() error { _, err := c.Genotypes(t.Context(), "p1", []string{"rs1"}, false); return err },
		func() error { _, err := c.Marker(t.Context(), "p1", "rs1"); return err },
	} {
		err := call()
		if err == nil {
			t.Fatal("a call succeeded against a server that always fails")
		}
		errs = append(errs, err.Error(), fmt.Sprintf("%+v %#v", err, err))
	}
	logs := c.logs.String()
	if !strings.Contains(logs, "ttam: request") {
		t.Fatalf("no request was logged: %q", logs)
	}
	for _, s := range append(errs, logs) {
		if strings.Contains(s, secret) {
			t.Errorf("the bearer token leaked into %q", s)
		}
	}
}
