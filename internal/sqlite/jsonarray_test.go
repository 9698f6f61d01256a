package sqlite

import (
	"database/sql"
	"slices"
	"testing"
)

// TestJSONArrayStrings checks that ids written by SQLite's
// json_group_array read back byte for byte, escapes, characters of two and
// four bytes, control characters and bytes that are not UTF-8 included:
// two ids differing only in such a byte must not read the same.
func TestJSONArrayStrings(t *testing.T) {
	ids := []string{"plain", `q"uote`, `back\slash`, "é-two", "𝄞-four", "tab\tnew\nline\x01", "a\xfe\"", "a\xff\"", "solidus/", ""}
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (i INTEGER PRIMARY KEY, id TEXT)`); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := db.Exec(`INSERT INTO t (id) VALUES (?)`, id); err != nil {
			t.Fatal(err)
		}
	}
	got, err := querySortedStrings(t.Context(), db, `SELECT json_group_array(id) FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	if want := slices.Sorted(slices.Values(ids)); !slices.Equal(got, want) {
		t.Errorf("read %q;\nwant %q", got, want)
	}

	for _, bad := range []string{`"unterminated`, `x"`, `"bad \x"]`, `"bad \u12"]`, `"ok" x`} {
		if _, _, err := jsonArrayString(bad); err == nil {
			t.Errorf("jsonArrayString(%q) gave no error", bad)
		}
	}
}
