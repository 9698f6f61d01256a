package web

import (
	"net/url"
	"strings"
)

// maxReturnPath bounds the remembered return path; real pages are short.
const maxReturnPath = 1024

// safeReturnPath reports whether s is a path on this site that is safe to
// redirect to after sign-in, and returns it. Browsers are lenient about what
// they treat as another host ("//evil", "/\evil", "/\t/evil", and the same
// percent-encoded), so anything but a plain local path is refused, checked
// again after each round of percent-decoding.
func safeReturnPath(s string) (string, bool) {
	if s == "" || len(s) > maxReturnPath {
		return "", false
	}
	cur := s
	for range 3 {
		if !plainLocalPath(cur) {
			return "", false
		}
		dec, err := url.PathUnescape(cur)
		if err != nil {
			return "", false
		}
		if dec == cur {
			break
		}
		cur = dec
	}
	if !plainLocalPath(cur) {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	return s, true
}

// plainLocalPath reports whether s starts with exactly one slash and holds
// no backslash or control character (browsers drop tabs and newlines, so
// "/\t/host" becomes "//host"), and does not end in a space they would trim.
func plainLocalPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasSuffix(s, " ") {
		return false
	}
	for _, c := range []byte(s) {
		if c < ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}
