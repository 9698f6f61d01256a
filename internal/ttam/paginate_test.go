package ttam

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// pager serves /3/accession/ in pages of one item; next(i) gives the
// links.next value written on page i (0-based), "" for null.
func pager(next func(i int) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		n := "null"
		if s := next(i); s != "" {
			n = strconv.Quote(s)
		}
		fmt.Fprintf(w, `{"data":[{"id":"NC_%d","chromosome":"%d","length":%d}],"links":{"next":%s}}`, i, i+1, 1000+i, n)
	})
}

func TestListFollowsNext(t *testing.T) {
	var base string
	tests := []struct {
		name string
		next func(i int) string
	}{
		{"absolute", func(i int) string {
			if i == 4 {
				return ""
			}
			return fmt.Sprintf("%s/3/accession/?offset=%d", base, i+1)
		}},
		{"relative", func(i int) string {
			if i == 4 {
				return ""
			}
			return fmt.Sprintf("/3/accession/?offset=%d", i+1)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, pager(tt.next), nil)
			base = c.srv.URL
			got, err := c.Accessions(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 5 {
				t.Fatalf("got %d accessions, want 5", len(got))
			}
			for i, a := range got {
				if a.ID != fmt.Sprintf("NC_%d", i) || a.Length != int64(1000+i) {
					t.Errorf("page %d: %+v", i, a)
				}
			}
		})
	}
}

func TestListRefusesBadNext(t *testing.T) {
	tests := []struct {
		name     string
		next     func(i int) string
		maxPages int
		wantMsg  string
	}{
		{"off host", func(int) string { return "https://evil.example/3/accession/?offset=1" }, 0, "off the API's host"},
		{"other scheme", func(int) string { return "ftp://127.0.0.1/x" }, 0, "off the API's host"},
		{"loop", func(i int) string { return fmt.Sprintf("/3/accession/?offset=%d", (i+1)%3) }, 0, "already read"},
		{"endless", func(i int) string { return fmt.Sprintf("/3/accession/?offset=%d", i+1) }, 7, "more than 7 pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hits atomic.Int32
			h := pager(tt.next)
			c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				h.ServeHTTP(w, r)
			}), nil)
			if tt.maxPages > 0 {
				c.maxPages = tt.maxPages
			}
			_, err := c.Accessions(t.Context())
			if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want a bad response saying %q", err, tt.wantMsg)
			}
			if tt.maxPages > 0 && int(hits.Load()) != tt.maxPages {
				t.Errorf("requests = %d, want %d", hits.Load(), tt.maxPages)
			}
		})
	}
}
