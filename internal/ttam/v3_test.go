package ttam

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestMarkersChunksAtTheLimit(t *testing.T) {
	var requests atomic.Int32
	h := http.NewServeMux()
	h.HandleFunc("GET /3/profile/{pid}/marker/", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		ids := strings.Split(r.URL.Query().Get("id"), ",")
		if len(ids) > MaxMarkerIDs {
			t.Errorf("%d ids in one request", len(ids))
		}
		if r.URL.Query().Get("limit") != fmt.Sprint(len(ids)) {
			t.Errorf("limit = %s for %d ids", r.URL.Query().Get("limit"), len(ids))
		}
		var parts []string
		for _, id := range ids {
			parts = append(parts, fmt.Sprintf(`{"id":%q,"is_genotyped":true,"is_assayed":true,"variants":[{"allele":"A","dosage":2}]}`, id))
		}
		fmt.Fprintf(w, `{"data":[%s],"links":{"next":null}}`, strings.Join(parts, ","))
	})
	c := newTestClient(t, h, StaticToken("tok"))
	ids := make([]string, MaxMarkerIDs+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("rs%d", i)
	}
	ms, err := c.Markers(t.Context(), "p1", ids)
	if err != nil {
		t.Fatal(err)
	}
	if requests.Load() != 2 || len(ms) != len(ids) {
		t.Fatalf("%d requests, %d markers; want 2 and %d", requests.Load(), len(ms), len(ids))
	}
	for i, m := range ms {
		if m.ID != ids[i] {
			t.Fatalf("marker %d = %s, want %s", i, m.ID, ids[i])
		}
	}
}

func TestIDsCannotEscapeTheirPath(t *testing.T) {
	var paths []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.EscapedPath())
		fmt.Fprint(w, `{"id":"x"}`)
	})
	c := newTestClient(t, h, StaticToken("tok"))
	for _, id := range []string{"", ".", ".."} {
		if _, err := c.Profile(t.Context(), id); !errors.Is(err, ErrBadRequest) {
			t.Errorf("Profile(%q): err = %v, want ErrBadRequest", id, err)
		}
	}
	if _, err := c.Marker(t.Context(), "a/b", "rs1?x=1"); err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || paths[0] != "/3/profile/a%2Fb/marker/rs1%3Fx=1/" {
		t.Errorf("paths = %q", paths)
	}
}

func TestReferenceEndpointsNeedNoToken(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("%s carried a token", r.URL.Path)
		}
		fmt.Fprint(w, `{"id":"NC_000004.11","chromosome":"4","length":191154276}`)
	})
	c := newTestClient(t, h, nil)
	a, err := c.Accession(t.Context(), "NC_000004.11")
	if err != nil || a != (Accession{ID: "NC_000004.11", Chromosome: "4", Length: 191154276}) {
		t.Errorf("Accession = %+v, %v", a, err)
	}
	if _, err := c.Profile(t.Context(), "p1"); !errors.Is(err, ErrClient) {
		t.Errorf("Profile without tokens: err = %v, want ErrClient", err)
	}
}

// TestRequestPathsAndQueries pins the path and query each call sends,
// trailing slash included, so a change of route shows up here and not
// first against the live API.
func TestRequestPathsAndQueries(t *testing.T) {
	var mu sync.Mutex
	var got []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.RequestURI())
		mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/genomes/p1/"):
			fmt.Fprint(w, `{"id":"p1","genome":"AA"}`)
		case strings.Contains(r.URL.Path, "/genotypes/"):
			fmt.Fprint(w, `{"id":"p1","rs1":"AG"}`)
		case strings.HasPrefix(r.URL.Path, "/1/"):
			fmt.Fprint(w, `{"id":"a1","profiles":[]}`)
		case strings.HasSuffix(r.URL.Path, "/marker/rs1/"), strings.HasSuffix(r.URL.Path, "/report/r1/"), r.URL.Path == "/3/profile/p1/":
			fmt.Fprint(w, `{"id":"x"}`)
		default:
			fmt.Fprint(w, `{"data":[{"id":"a1"}],"links":{"next":null}}`)
		}
	})
	c := newTestClient(t, h, StaticToken("t"))
	key := &GenomeKey{Markers: []KeyMarker{{ID: "rs1", Chromosome: "1", Position: 5}}}
	ctx := t.Context()
	calls := []struct {
		want string
		call func() error
	}{
		{"/3/account/?include=profiles", func() error { _, err := c.Account(ctx); return err }},
		{"/3/profile/p1/", func() error { _, err := c.Profile(ctx, "p1"); return err }},
		{"/3/profile/p1/marker/?id=rs1%2Ci2&limit=2", func() error { _, err := c.Markers(ctx, "p1", []string{"rs1", "i2"}); return err }},
		{"/3/profile/p1/marker/rs1/", func() error { _, err := c.Marker(ctx, "p1", "rs1"); return err }},
		{"/3/profile/p1/marker/?accession_id=NC_000001.10&end=20&limit=1000&start=10", func() error {
			_, err := c.MarkersInRange(ctx, "p1", "NC_000001.10", 10, 20)
			return err
		}},
		{"/3/profile/p1/variant/?accession_id=NC_000001.10&end=20&limit=1000&start=10", func() error {
			_, err := c.Variants(ctx, "p1", "NC_000001.10", 10, 20)
			return err
		}},
		{"/3/profile/p1/report/", func() error { _, err := c.Reports(ctx, "p1"); return err }},
		{"/3/profile/p1/report/r1/", func() error { _, err := c.Report(ctx, "p1", "r1"); return err }},
		{"/3/marker/rs1/", func() error { _, err := c.ReferenceMarker(ctx, "rs1"); return err }},
		{"/3/accession/", func() error { _, err := c.Accessions(ctx); return err }},
		{"/1/user/", func() error { _, err := c.V1User(ctx); return err }},
		{"/1/names/", func() error { _, err := c.V1Names(ctx); return err }},
		{"/1/genotypes/p1/?locations=rs1%20i2", func() error { _, err := c.Genotypes(ctx, "p1", []string{"rs1", "i2"}, false); return err }},
		{"/1/genotypes/p1/?locations=rs1&format=embedded", func() error { _, err := c.Genotypes(ctx, "p1", []string{"rs1"}, true); return err }},
		{"/1/genomes/p1/", func() error { _, err := c.Genome(ctx, "p1", key); return err }},
		{"/1/demo/user/", func() error { _, err := c.V1Demo().V1User(ctx); return err }},
		{"/1/demo/names/", func() error { _, err := c.V1Demo().V1Names(ctx); return err }},
		{"/1/demo/genotypes/p1/?locations=rs1", func() error { _, err := c.V1Demo().Genotypes(ctx, "p1", []string{"rs1"}, false); return err }},
		{"/1/demo/genomes/p1/", func() error { _, err := c.V1Demo().Genome(ctx, "p1", key); return err }},
	}
	for _, tt := range calls {
		mu.Lock()
		got = nil
		mu.Unlock()
		if err := tt.call(); err != nil {
			t.Errorf("%s: %v", tt.want, err)
		}
		mu.Lock()
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("requests %q, want %q", got, tt.want)
		}
		mu.Unlock()
	}
}
