package web

import "testing"

// hostileReturnPaths are return addresses that would take a person off the
// site, or run script, if they were followed after sign-in.
var hostileReturnPaths = []string{
	"https://evil.example.com/",
	"http://evil.example.com",
	"//evil.example.com",
	"///evil.example.com",
	"/\\evil.example.com",
	"\\\\evil.example.com",
	"/%2F%2Fevil.example.com",
	"%2F%2Fevil.example.com",
	"/%5Cevil.example.com",
	"/%252F%252Fevil.example.com",
	"/\t/evil.example.com",
	"/\n/evil.example.com",
	"/%09/evil.example.com",
	"/%0d%0aLocation:%20https://evil.example.com",
	"javascript:alert(1)",
	"JavaScript:alert(1)//",
	" /ok",
	"evil.example.com",
	"/%zz",
	"",
}

func TestSafeReturnPathRefusesHostilePaths(t *testing.T) {
	for _, p := range hostileReturnPaths {
		if got, ok := safeReturnPath(p); ok {
			t.Errorf("safeReturnPath(%q) = %q, accepted", p, got)
		}
	}
}

func TestSafeReturnPathAcceptsLocalPaths(t *testing.T) {
	for _, p := range []string{"/", "/results/?snps=rs53576", "/profile/", "/a%20b", "/genotypes/rs4988235#top"} {
		if got, ok := safeReturnPath(p); !ok || got != p {
			t.Errorf("safeReturnPath(%q) = %q, %v; want it unchanged", p, got, ok)
		}
	}
}
