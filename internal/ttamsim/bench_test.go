package ttamsim

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkGenomeEndpoint measures /1/genomes/ over the largest key, the
// simulator's heaviest response (about 2.4 MB).
func BenchmarkGenomeEndpoint(b *testing.B) {
	s, err := New(Config{Markers: MaxMarkers})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		req := httptest.NewRequest("GET", "/1/genomes/demo_profile_id/", nil)
		req.Header.Set("Authorization", "Bearer "+DemoToken)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkMarkersByID measures a v3 page of 100 markers picked by id.
func BenchmarkMarkersByID(b *testing.B) {
	s, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := 0; i < len(s.key); i += len(s.key) / 100 {
		ids = append(ids, s.key[i].ID)
	}
	path := "/3/profile/demo_profile_id/marker/?id=" + strings.Join(ids, ",")
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+DemoToken)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		io.Copy(io.Discard, rec.Body)
	}
}

// BenchmarkNew measures start-up with the default and the largest key.
func BenchmarkNew(b *testing.B) {
	for _, n := range []int{100_000, MaxMarkers} {
		b.Run(map[int]string{100_000: "default", MaxMarkers: "max"}[n], func(b *testing.B) {
			for b.Loop() {
				if _, err := New(Config{Markers: n}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
