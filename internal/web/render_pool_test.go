package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestPagesReuseBuffersCleanly renders pages of different sizes one after
// another, so their buffers are reused, and checks that each response is
// exactly its own page with a matching Content-Length.
func TestPagesReuseBuffersCleanly(t *testing.T) {
	app := newTestApp(t, appOptions{})
	c := browser(t)
	var first string
	for i, path := range []string{"/", "/no-such-page/", "/", "/logout/", "/"} {
		resp, body := get(t, c, app.URL+path)
		if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
			t.Errorf("GET %s: Content-Length %q for a %d-byte body", path, got, len(body))
		}
		if n := strings.Count(body, "</html>"); n != 1 {
			t.Errorf("GET %s: %d closing html tags, want 1:\n%s", path, n, body)
		}
		if path != "/" {
			continue
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET / = %d", resp.StatusCode)
		}
		if i == 0 {
			first = body
		} else if body != first {
			t.Errorf("GET / after other pages differs from the first:\n%s\nwant\n%s", body, first)
		}
	}
}
