package ttam

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
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
