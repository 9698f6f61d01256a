package ttamsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// testMarkers keeps keys small so the race detector stays quick.
const testMarkers = 3000

func newSim(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Markers == 0 {
		cfg.Markers = testMarkers
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// get requests path from the handler with a bearer token ("" for none).
func get(t *testing.T, h http.Handler, path, token string) (int, []byte, http.Header) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, body, rec.Result().Header
}

// getJSON requests path, expects status want and decodes the body into v.
func getJSON(t *testing.T, h http.Handler, path, token string, want int, v any) {
	t.Helper()
	code, body, _ := get(t, h, path, token)
	if code != want {
		t.Fatalf("GET %s: status %d, want %d; body %s", path, code, want, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
}

// wantError checks a request fails with status and error code.
func wantError(t *testing.T, h http.Handler, path, token string, status int, code string) {
	t.Helper()
	var e errorBody
	getJSON(t, h, path, token, status, &e)
	if e.Error != code || e.ErrorDescription == "" {
		t.Errorf("GET %s: error %+v, want code %q with a description", path, e, code)
	}
}

// keys returns the keys of a JSON object, to pin exact shapes.
func keys(t *testing.T, raw json.RawMessage) map[string]bool {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%v in %s", err, raw)
	}
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func sameKeys(t *testing.T, what string, raw json.RawMessage, want ...string) {
	t.Helper()
	got := keys(t, raw)
	if len(got) != len(want) {
		t.Errorf("%s has keys %v, want %v", what, got, want)
		return
	}
	for _, k := range want {
		if !got[k] {
			t.Errorf("%s has keys %v, want %v", what, got, want)
			return
		}
	}
}

type rawEnvelope struct {
	Data  []json.RawMessage `json:"data"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
}
